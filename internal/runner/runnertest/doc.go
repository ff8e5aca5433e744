// Package runnertest reads a job log as the GitHub Actions runner does, to
// test that nothing the program prints from a plan, a diff or a cluster is
// carried out as a workflow command.
package runnertest
