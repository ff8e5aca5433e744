// Package terraform runs the Terraform stage of a stack with OpenTofu or
// HashiCorp Terraform: init, workspace select, plan to a saved plan file,
// read that plan as JSON, apply it, and read the outputs.
//
// Facts come from `show -json` of the saved plan, parsed with
// terraform-json: counts, changed resources, output changes, the values
// Terraform marks sensitive and the fingerprint of the change. The text for
// people is the one plan printed (the text show would print of the plan
// file, without a second command: plantext.go says why that is sound), with
// every sensitive value masked.
//
// A stage of a tier that reads the inventory is given its sensitive values
// (Options.Secrets): Terraform does not mark them, since the variable that
// carries them has type any, so the stage masks them itself, in its log
// from the start, in the plan text and outputs, and in the fingerprint,
// where every secret stands as a token keyed by Options.FingerprintKey
// (redact.Digester), never as a hash anyone could recompute.
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
// To stop a run on SIGTERM or SIGINT, the caller cancels the context (as
// signal.NotifyContext does); each running command then gets SIGINT.
//
// Apply runs with -json: its progress messages are logged one record per
// message, and its diagnostics are read as data, which is how a held state
// lock is told apart from other failures (LockError). Plan prints for
// people: the lines it prints while walking the state (which name objects,
// never values) are logged as they come, its body is kept for the report
// and never logged, and a held lock is read from its error text. So the log
// shows no value that the plan has not yet revealed to be sensitive.
//
// Files: each stage has its own data directory (TF_DATA_DIR) in
// Options.WorkDir, a per-run directory outside the repository, where init
// puts modules, providers, the backend configuration and the selected
// workspace; plan files and their JSON (which hold sensitive values in
// clear text) go there too. In the stage's directory, init writes the
// dependency lock file .terraform.lock.hcl when it is missing or out of
// date, as any init does; the checkout's own .terraform/ is left alone.
//
// Stages run in parallel, also stages of one directory (a configuration
// deployed to several environments through workspaces or backend
// configurations). Inits of one directory, which may write its lock file,
// and inits that share a plugin cache directory run one at a time:
// Terraform does not lock its plugin cache (OpenTofu does since 1.10, but
// the binary may be either).
package terraform
