// Package check holds the outcome of the checks run on a planned stage:
// Rego policies evaluated in-process and external checker commands. It is
// value types only, shared by the packages that run checks (policy,
// checker), the flow that decides on them, and the report that shows them.
//
// A check fails the stack (it is not applied) when its Status is Fail; a
// warning is only reported. Messages and output come from policies and
// commands of the repository and are untrusted text: they are data, shown
// masked and escaped by the report, and never written to a log by the
// packages that produce them.
package check
