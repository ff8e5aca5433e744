package terraform

import "time"

// The argv of every command the stage runs, after the binary's name. They
// are plain functions of their inputs so that tests check them without a
// binary; exec.go runs them.

// initArgs initializes the working directory. -reconfigure makes init use
// the backend configuration given now rather than the one saved in
// .terraform/ by an earlier run, which may belong to another environment
// sharing the directory; it never migrates state.
func initArgs(backendConfig []string) []string {
	args := []string{"init", "-input=false", "-no-color", "-reconfigure"}
	for _, bc := range backendConfig {
		args = append(args, "-backend-config="+bc)
	}
	return args
}

// workspaceSelectArgs selects an existing workspace.
func workspaceSelectArgs(workspace string) []string {
	return []string{"workspace", "select", workspace}
}

// planArgs plans into the plan file out. -detailed-exitcode makes the exit
// status say whether there are changes (0 none, 1 error, 2 changes). The
// output is for people, as show would print it: its body is the plan's text
// (see plantext.go). A refresh-only plan proposes only to update the state
// to match the real objects: its changes are drift.
func planArgs(out string, varFiles []string, lockTimeout time.Duration, refreshOnly bool) []string {
	args := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode",
		"-lock-timeout=" + lockTimeout.String(), "-out=" + out}
	if refreshOnly {
		args = append(args, "-refresh-only")
	}
	for _, f := range varFiles {
		args = append(args, "-var-file="+f)
	}
	return args
}

// showJSONArgs prints a saved plan as JSON, sensitive values in clear text.
func showJSONArgs(planFile string) []string {
	return []string{"show", "-json", planFile}
}

// applyArgs applies a saved plan: it asks no question, and variables and
// other planning options cannot be given again.
func applyArgs(planFile string, lockTimeout time.Duration) []string {
	return []string{"apply", "-input=false", "-no-color", "-json",
		"-lock-timeout=" + lockTimeout.String(), planFile}
}

// outputArgs prints the root module's outputs as JSON, sensitive values in
// clear text.
func outputArgs() []string {
	return []string{"output", "-no-color", "-json"}
}
