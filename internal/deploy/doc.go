// Package deploy is tierdeploy's flow: what is planned, applied, skipped
// and published, decided as values and tested with fakes.
//
// Plan, Apply and Drift are structs in the style of Helm's pkg/action: their
// dependencies first (Deps: the configuration, the Toolchain that finds
// binaries and builds stages, the Console, the clock, the Checker hook;
// then the inventory store, the claims on its leases, the code host), their
// inputs after (the selected stacks, the commit, the parallelism). Run reads no flags
// and no environment, and returns an *Outcome: one StackOutcome per stack,
// with its stages' results, a typed *Skip (prerequisite failed or not
// applied, plan changed since review, not reviewed, interrupted, inventory
// unchanged) and an error for failures outside the stages
// (*InventoryError, *RecordError, *CheckError). Selection reasons are typed
// in package tier; a stack selected only because the inventory may change
// is skipped on its kind, never on its words.
//
// Every flow goes through the same steps: before any stack runs, the
// Terraform or OpenTofu release of every stack is chosen
// (Toolchain.SelectTerraform; a version that cannot be had as asked, a
// *RequestError, stops the run with a *VersionError); the stacks are
// scheduled in dependency order (each after the stacks it needs,
// independent ones in parallel), each stack's stages are built in one place
// (run.stages: the binary from one BinaryRequest per stack, installed when
// needed, directories, variables files, the inventory, the cluster),
// planned, checked (Checker, the per-stack
// hook after planning) and, for apply, applied. PlanPublication,
// ApplyPublication and DriftPublication render an outcome into a
// Publication, and Publisher.Publish hands it to every place it goes in one
// sequence: masks, standard output, the report file, the job summary, the
// outputs, then comments or issues.
//
// The command line (internal/app) parses flags, builds these structs and
// turns the outcome into the exit code.
package deploy
