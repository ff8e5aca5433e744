package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/runner/runnertest"
)

// injected are lines a plan, a Helm diff or a live cluster value can hold,
// each of which the runner carries out if it is printed as it is.
var injected = strings.Join([]string{
	"::stop-commands::attacker",
	"::error file=main.tf,line=1::injected error",
	"##[add-mask]injected-mask",
	"::add-mask::injected-mask",
	"::set-output name=has-changes::false",
	"::attacker::",
}, "\n")

// hostileTerraform is a Terraform stage whose plan text, log and failure
// hold workflow commands.
type hostileTerraform struct {
	spec deploy.TerraformSpec
	fail bool
}

func (h hostileTerraform) Plan(ctx context.Context, refreshOnly bool) (plan.Result, error) {
	h.spec.Log.Info("terraform says\n" + injected)
	r := plan.Result{Stack: h.spec.Stack, Kind: plan.Terraform, Name: h.spec.Name, HasChanges: true,
		Counts: plan.Counts{Add: 1}, Diff: "  + input = <<EOT\n" + injected + "\nEOT\n", Fingerprint: "sha256:1"}
	if h.fail {
		r.Err = errors.New("terraform plan: exit status 1: " + injected)
	}
	return r, r.Err
}

func (hostileTerraform) Apply(context.Context) error { return nil }

func (hostileTerraform) Outputs(context.Context) (map[string]inventory.Output, error) {
	return map[string]inventory.Output{}, nil
}

// hostileHelm is a Helm stage whose diff and live values hold workflow
// commands.
type hostileHelm struct{ spec deploy.HelmSpec }

func (h hostileHelm) result(what string) plan.Result {
	h.spec.Log.Info("helm says " + injected)
	return plan.Result{Stack: h.spec.Stack, Kind: plan.Helm, Name: h.spec.Release.Release, HasChanges: true,
		Counts: plan.Counts{Change: 1}, Fingerprint: "sha256:2",
		Diff: "--- a/ConfigMap/app/web\n+++ b/ConfigMap/app/web\n-  " + what + ": old\n+  " + what + ": \"" +
			strings.ReplaceAll(injected, "\n", "\r") + "\"\n" + injected + "\n"}
}

func (h hostileHelm) Plan(context.Context) (plan.Result, error)  { return h.result("GREETING"), nil }
func (h hostileHelm) Apply(context.Context) (plan.Result, error) { return h.result("GREETING"), nil }
func (h hostileHelm) Drift(context.Context) (plan.Result, error) { return h.result("LIVE"), nil }

// syncBuffer is a buffer that stages write to concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runOnGitHub runs the command line as a GitHub Actions step on a push and
// returns the job log: standard output (where the runner's own commands go
// too) and standard error.
func runOnGitHub(t *testing.T, dir string, failTerraform bool, args ...string) (stdout, stderr string) {
	t.Helper()
	tmp := t.TempDir()
	eventFile := filepath.Join(tmp, "event.json")
	headOut, err := (&changes.Git{Dir: dir}).Git(t.Context(), "rev-parse", "HEAD")
	require.NoError(t, err)
	head := strings.TrimSpace(string(headOut))
	payload, _ := json.Marshal(map[string]any{"ref": "refs/heads/main", "before": strings.Repeat("0", 40), "after": head,
		"repository": map[string]any{"id": 1, "full_name": "acme/infra", "default_branch": "main"}})
	require.NoError(t, os.WriteFile(eventFile, payload, 0o644))
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": eventFile,
		"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": head, "GITHUB_REF": "refs/heads/main",
		"GITHUB_OUTPUT": filepath.Join(tmp, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
		"RUNNER_TEMP": tmp,
	}
	getenv := func(k string) string { return env[k] }
	out, errs := &syncBuffer{}, &syncBuffer{}
	Main(t.Context(), Deps{
		Args:   args,
		Stdout: out,
		Stderr: errs,
		Getenv: getenv,
		Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools: fakeTools{bin: deploy.Binary{Path: "/opt/bin/tofu", Version: "OpenTofu v1.10.10"},
			newTerraform: func(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
				return hostileTerraform{spec: spec, fail: failTerraform}, nil
			},
			newHelm: func(spec deploy.HelmSpec) (deploy.HelmStage, error) { return hostileHelm{spec: spec}, nil }},
		ReadFile: os.ReadFile,
		NewRunner: func(ev event.Event) CIRunner {
			// As in the job: the runner's commands and the report share
			// standard output.
			return runner.NewGitHub(runner.GitHubOptions{Stdout: out, Getenv: getenv})
		},
	})
	return out.String(), errs.String()
}

// ours tells the run's own commands: log groups, masks of secrets the run
// learnt, and nothing from the injected text.
func ours(c runnertest.Command) bool {
	return (c.Name == "group" || c.Name == "endgroup") && !strings.Contains(c.Data, "injected") ||
		c.Name == "add-mask" && !strings.Contains(c.Data, "injected")
}

// The report printed to the job log, the folded stack logs and the errors
// carried plan text, Helm diffs and live cluster values as they were: a
// "::stop-commands::" or "##[add-mask]" line in them was carried out by
// the runner. None may be.
func TestNoPlanDiffOrClusterValueIsAWorkflowCommand(t *testing.T) {
	r := newRepo(t)
	// A file name is the pull request's too.
	r.Write(map[string]string{"infra/envs/staging/##[error]injected error.tf": "\n"})
	r.Commit("a hostile file name")
	for name, tc := range map[string]struct {
		args []string
		fail bool
	}{
		"plan":                 {args: []string{"plan", "--all"}},
		"plan with a failure":  {args: []string{"plan", "--all"}, fail: true},
		"drift of live values": {args: []string{"drift", "--no-issues"}},
		"detect of file names": {args: []string{"detect", "--base", "main", "--head", "HEAD"}},
	} {
		t.Run(name, func(t *testing.T) {
			stdout, stderr := runOnGitHub(t, r.Dir, tc.fail, append([]string{"--chdir", r.Dir}, tc.args...)...)
			for stream, log := range map[string]string{"stdout": stdout, "stderr": stderr} {
				assert.Empty(t, runnertest.Foreign(log, ours), "%s:\n%s", stream, log)
			}
			assert.Contains(t, stdout+stderr, "injected error", "the text is still shown")
		})
	}
}
