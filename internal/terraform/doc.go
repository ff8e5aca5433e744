// Package terraform runs the Terraform stage of a stack with OpenTofu or
// HashiCorp Terraform: init, workspace select, plan to a saved plan file,
// read that plan as JSON and as text, apply it, and read the outputs.
//
// Facts come from `show -json` of the saved plan, parsed with
// terraform-json: counts, changed resources, output changes, the values
// Terraform marks sensitive and the fingerprint of the change. The text of
// `show` is kept for people only, with every sensitive value masked.
//
// The argv of each command is built by plain functions (args.go) and run by
// a small runner (exec.go), so the argv is unit-tested without a binary. The
// commands are run directly rather than through terraform-exec's Terraform
// type: its SetEnv refuses TF_VAR_* and TF_CLI_ARGS* variables, which CI
// systems use to pass secrets and flags, and a stage must pass its caller's
// environment through unchanged while adding TF_PLUGIN_CACHE_DIR. The
// cancellation behaviour is the one terraform-exec v0.26.0 has: when the
// context is done the command gets SIGINT, not SIGKILL, so that it can stop
// cleanly and release its state lock, and it is killed only when it has not
// exited after a grace period. Commands run in their own process group, so a
// Ctrl-C in a terminal reaches them once, through the context, and not twice
// (a second interrupt makes Terraform exit at once).
//
// Plan and apply run with -json: their progress messages are logged one
// record per message, and their diagnostics are read as data, which is how a
// held state lock is told apart from other failures (LockError).
//
// Files: .terraform/ and .terraform.lock.hcl are written by init in the
// stage's directory, as with any Terraform run. Plan files and their JSON
// (which holds sensitive values in clear text) go to Options.WorkDir, a
// per-run directory outside the repository. WriteInventoryVars writes
// inventory.auto.tfvars.json into a stage directory for the duration of a
// run and removes it afterwards.
//
// Stages of different directories run in parallel. Stages that share a
// directory (one configuration, one workspace or backend per environment)
// run one command sequence at a time, because init and workspace select
// write .terraform/ in that directory. Inits that share a plugin cache
// directory run one at a time too: Terraform does not lock its plugin cache
// (OpenTofu does since 1.10, but the binary may be either).
package terraform
