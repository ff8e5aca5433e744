package app

import "github.com/tierdeploy/tierdeploy/internal/runner"

// guardOutput makes standard output and error safe to print untrusted text
// to in a GitHub Actions job: the runner reads workflow commands from both,
// and what the run prints holds text it does not control (plans, Helm
// diffs, live cluster values, tool output in logs and errors, file names).
// Each write that could hold a command is fenced (runner.UntrustedWriter).
// It goes by GITHUB_ACTIONS, not by --platform: the runner reads the log
// whatever the run thinks it runs on. The runner's own commands (groups,
// masks) are written by the CIRunner, not through these writers.
func guardOutput(deps Deps) Deps {
	if deps.Getenv == nil || deps.Getenv("GITHUB_ACTIONS") != "true" {
		return deps
	}
	if deps.Stdout != nil {
		deps.Stdout = runner.NewUntrustedWriter(deps.Stdout, nil)
	}
	if deps.Stderr != nil {
		deps.Stderr = runner.NewUntrustedWriter(deps.Stderr, nil)
	}
	return deps
}
