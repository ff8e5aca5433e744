package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/runner"
)

// locatedPolicyError is a policy error that names its places, as
// policy.Error does.
type locatedPolicyError struct{ locs []check.Location }

func (e locatedPolicyError) Error() string {
	return fmt.Sprintf("policies have %d problems", len(e.locs))
}
func (e locatedPolicyError) Unwrap() error               { return check.ErrInvalidPolicy }
func (e locatedPolicyError) Locations() []check.Location { return e.locs }

// TestBadPolicyIsAnnotatedOnItsFile: on GitHub, a policy that does not
// compile is annotated on its file and line, relative to the workspace
// (the configuration here lives in a subdirectory of it), like a
// configuration problem, so the mistake shows on the pull request's diff;
// a hostile message drives nothing. Locally there is no annotation.
func TestBadPolicyIsAnnotatedOnItsFile(t *testing.T) {
	r := policyRepo(t)
	bad := &fakePolicies{prepare: func(context.Context) error {
		return fmt.Errorf("compile: %w", locatedPolicyError{[]check.Location{
			{File: "policy/terraform.rego", Line: 3, Column: 5, Message: "rego_parse_error: unexpected eof token"},
			{File: "policy/other.rego", Line: 7, Message: "x\r\n::error::injected\x1b]0;t\x07"},
		}})
	}}
	for _, github := range []bool{true, false} {
		t.Run(fmt.Sprintf("github=%v", github), func(t *testing.T) {
			tmp := t.TempDir()
			head := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
			eventFile := filepath.Join(tmp, "event.json")
			payload, _ := json.Marshal(map[string]any{"ref": "refs/heads/main", "before": strings.Repeat("0", 40), "after": head})
			require.NoError(t, os.WriteFile(eventFile, payload, 0o644))
			env := map[string]string{}
			if github {
				env = map[string]string{
					"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": eventFile,
					"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": head, "GITHUB_REF": "refs/heads/main",
					"GITHUB_WORKSPACE": filepath.Dir(r.Dir), "GITHUB_OUTPUT": filepath.Join(tmp, "output"),
					"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"), "RUNNER_TEMP": tmp,
				}
			}
			getenv := func(k string) string { return env[k] }
			var stdout, stderr bytes.Buffer
			code := Main(t.Context(), Deps{
				Args: []string{"--chdir", r.Dir, "plan", "--all"}, Stdout: &stdout, Stderr: &stderr, Getenv: getenv,
				Git: func(dir string) GitRunner { return &changes.Git{Dir: dir} },
				NewStore: func(_ context.Context, cfg *config.Config) (InventoryStore, error) {
					return filestore.New(filestore.Options{Dir: filepath.Join(cfg.Root, cfg.FileStoreDir())})
				},
				ReadFile: os.ReadFile,
				NewRunner: func(event.Event) CIRunner {
					if !github {
						return runner.NewLocal(runner.LocalOptions{Stderr: &stderr})
					}
					return runner.NewGitHub(runner.GitHubOptions{Stdout: &stdout, Getenv: getenv})
				},
				Policies: bad,
			})
			assert.Equal(t, ExitInput, code, stderr.String())
			if !github {
				assert.NotContains(t, stdout.String()+stderr.String(), "::error file=")
				return
			}
			sub := filepath.Base(r.Dir)
			assert.Contains(t, stdout.String(),
				"::error col=5,file="+sub+"/policy/terraform.rego,line=3,title=tierdeploy policy::rego_parse_error: unexpected eof token\n")
			assert.Contains(t, stdout.String(), "::error file="+sub+"/policy/other.rego,line=7,title=tierdeploy policy::")
			for _, line := range strings.Split(stdout.String(), "\n") {
				assert.False(t, strings.HasPrefix(line, "::error::injected"), "a message starts a runner command: %q", line)
			}
			assert.NotContains(t, stdout.String(), "\x1b")
		})
	}
}
