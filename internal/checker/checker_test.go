package checker

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

const secret = "correct-horse-battery-staple"

// planJSON is a plan whose one resource holds a sensitive value.
const planJSON = `{"format_version":"1.2","resource_changes":[{"address":"terraform_data.db","mode":"managed","type":"terraform_data",` +
	`"change":{"actions":["create"],"after":{"input":{"user":"admin","password":"` + secret + `"}},"after_sensitive":{"input":{"password":true}}}}]}`

func tfInput(t *testing.T) checkinput.Input {
	t.Helper()
	in, err := checkinput.Terraform([]byte(planJSON), checkinput.Stage{
		Stack: plan.Stack{Tier: "infrastructure", Environment: "prod"}, Name: "terraform/prod", Command: "plan"})
	require.NoError(t, err)
	return in
}

// script writes an executable shell script into the repository root and
// returns its relative path.
func script(t *testing.T, root, name, body string) string {
	t.Helper()
	p := filepath.Join(root, "scripts", name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755))
	return "scripts/" + name
}

func newRunner(t *testing.T, root string, checks ...config.Check) *Runner {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"GITHUB_TOKEN=ghs_platformtoken1", "GITLAB_TOKEN=glpat-platformtoken2", "CI_JOB_TOKEN=jobtoken3",
		"ACTIONS_RUNTIME_TOKEN=runtimetoken4", "ACTIONS_ID_TOKEN_REQUEST_URL=https://token.example/x", "INPUT_GITHUB-TOKEN=ghs_inputtoken5",
		"CI_REPOSITORY_URL=https://gitlab-ci-token:jobtoken3@gitlab.example/x.git",
		"AWS_REGION=eu-west-1", "TIERDEPLOY_PLAN_JSON=/etc/passwd"}
	return New(Options{Root: root, Checks: checks, Env: env, TempDir: t.TempDir(), WaitDelay: 200 * time.Millisecond})
}

func TestPassingCheckSeesPrivateMaskedFiles(t *testing.T) {
	root := t.TempDir()
	seen := filepath.Join(t.TempDir(), "seen")
	cmd := script(t, root, "inspect.sh", `set -e
{
  echo "arg=$1"
  echo "plan=$TIERDEPLOY_PLAN_JSON"
  echo "input=$TIERDEPLOY_CHECK_INPUT"
  echo "manifests=${TIERDEPLOY_MANIFESTS-unset}"
  echo "stack=$TIERDEPLOY_STACK kind=$TIERDEPLOY_STAGE_KIND stage=$TIERDEPLOY_STAGE"
  stat -c 'mode=%a' "$TIERDEPLOY_PLAN_JSON" "$TIERDEPLOY_CHECK_INPUT" "$(dirname "$TIERDEPLOY_PLAN_JSON")"
  env | sort
  echo "pwd=$(pwd)"
  cat "$TIERDEPLOY_PLAN_JSON" "$TIERDEPLOY_CHECK_INPUT"
} > `+seen+`
echo "all good"
`)
	r := newRunner(t, root, config.Check{Name: "inspect", Command: []string{cmd, "{plan_json}"}})
	res, err := r.Check(t.Context(), tfInput(t))
	require.NoError(t, err)
	require.Len(t, res.Checks, 1)
	c := res.Checks[0]
	assert.Equal(t, check.Pass, c.Status, "output: %s", c.Output.Text)
	assert.Equal(t, check.Command, c.Kind)
	assert.Equal(t, "inspect", c.Name)
	assert.Equal(t, plan.Terraform, c.StageKind)
	assert.Equal(t, "terraform/prod", c.Stage)
	assert.Equal(t, check.Output{Text: "all good\n", Lines: 1, Bytes: 9}, c.Output)

	b, err := os.ReadFile(seen)
	require.NoError(t, err)
	got := string(b)
	lines := strings.Split(got, "\n")
	planPath := strings.TrimPrefix(lines[1], "plan=")
	assert.Equal(t, "arg="+planPath, lines[0], "{plan_json} is the plan's path")
	assert.NotEqual(t, "/etc/passwd", planPath)
	assert.Contains(t, got, "manifests=unset")
	assert.Contains(t, got, "stack=infrastructure/prod kind=terraform stage=terraform/prod")
	assert.Contains(t, got, "mode=600\nmode=600\nmode=700\n")
	assert.Contains(t, got, "pwd="+root)
	assert.Contains(t, got, "AWS_REGION=eu-west-1")
	for _, token := range []string{"platformtoken1", "platformtoken2", "jobtoken3", "runtimetoken4", "token.example", "inputtoken5"} {
		assert.NotContains(t, got, token)
	}
	assert.NotContains(t, got, secret, "the checker sees the masked plan only")
	assert.Contains(t, got, `"password":"`+checkinput.Marker+`"`)
	_, err = os.Stat(filepath.Dir(planPath))
	assert.ErrorIs(t, err, os.ErrNotExist, "the private files are removed after the run")
}

func TestExitStatusDecides(t *testing.T) {
	root := t.TempDir()
	exit := script(t, root, "exit.sh", "echo \"finding on line one\"\nexit \"$1\"\n")
	tests := map[string]struct {
		code   string
		status check.Status
		rule   string
	}{
		"0 passes":           {"0", check.Pass, ""},
		"1 fails":            {"1", check.Fail, "exit status 1"},
		"2 warns, as listed": {"2", check.Warn, "exit status 2"},
		"3 fails":            {"3", check.Fail, "exit status 3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := newRunner(t, root, config.Check{Name: "exit", Command: []string{exit, tc.code}, WarnExitCodes: []int{2}})
			res, err := r.Check(t.Context(), tfInput(t))
			require.NoError(t, err)
			c := res.Checks[0]
			assert.Equal(t, tc.status, c.Status)
			assert.Equal(t, "finding on line one\n", c.Output.Text)
			if tc.rule == "" {
				assert.Empty(t, c.Findings)
				return
			}
			require.Len(t, c.Findings, 1)
			assert.Equal(t, tc.rule, c.Findings[0].Rule)
			assert.Equal(t, tc.status, c.Findings[0].Status)
		})
	}
}

func TestHangingCheckIsKilledWithItsChildren(t *testing.T) {
	root := t.TempDir()
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	hang := script(t, root, "hang.sh", "sleep 300 &\necho $! > "+pidFile+"\necho started\nsleep 300\n")
	r := newRunner(t, root, config.Check{Name: "hang", Command: []string{hang}, Timeout: config.Duration(500 * time.Millisecond)})
	start := time.Now()
	res, err := r.Check(t.Context(), tfInput(t))
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	c := res.Checks[0]
	assert.Equal(t, check.Fail, c.Status)
	assert.Equal(t, []check.Finding{{Status: check.Fail, Rule: "timeout", Message: "timed out after 500ms: the command and its children were killed"}}, c.Findings)
	assert.Equal(t, "started\n", c.Output.Text)

	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return syscall.Kill(pid, 0) == syscall.ESRCH
	}, 5*time.Second, 50*time.Millisecond, "the child in the background is killed too")
}

func TestLoudCheckIsBounded(t *testing.T) {
	root := t.TempDir()
	loud := script(t, root, "loud.sh", "i=0\nwhile [ $i -lt 20000 ]; do echo \"line $i ::add-mask::x ::set-output name=a::b\"; i=$((i+1)); done\nprintf 'no newline at the end'\nexit 1\n")
	r := newRunner(t, root, config.Check{Name: "loud", Command: []string{loud}})
	res, err := r.Check(t.Context(), tfInput(t))
	require.NoError(t, err)
	c := res.Checks[0]
	assert.Equal(t, check.Fail, c.Status)
	assert.True(t, c.Output.Truncated)
	assert.Equal(t, 20001, c.Output.Lines)
	assert.Greater(t, c.Output.Bytes, int64(DefaultMaxBytes))
	assert.Equal(t, DefaultMaxLines, strings.Count(c.Output.Text, "\n"))
	assert.True(t, strings.HasPrefix(c.Output.Text, "line 0 ::add-mask::x"), "kept as data, the start first")

	small := New(Options{Root: root, Checks: []config.Check{{Name: "loud", Command: []string{loud}}}, MaxLines: 1000, MaxBytes: 100})
	res, err = small.Check(t.Context(), tfInput(t))
	require.NoError(t, err)
	assert.Len(t, res.Checks[0].Output.Text, 100)
}

func TestCommandThatCannotRun(t *testing.T) {
	root := t.TempDir()
	notExec := filepath.Join(root, "scripts", "plain.sh")
	require.NoError(t, os.MkdirAll(filepath.Dir(notExec), 0o755))
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	tests := map[string]struct {
		command []string
		want    string
	}{
		"not on PATH":    {[]string{"no-such-checker-anywhere"}, "could not run no-such-checker-anywhere: not found"},
		"missing script": {[]string{"scripts/none.sh"}, "could not run scripts/none.sh: not found"},
		"not executable": {[]string{"scripts/plain.sh"}, "could not run scripts/plain.sh: not executable"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := newRunner(t, root, config.Check{Name: "x", Command: tc.command})
			res, err := r.Check(t.Context(), tfInput(t))
			require.NoError(t, err)
			c := res.Checks[0]
			assert.Equal(t, check.Fail, c.Status)
			require.Len(t, c.Findings, 1)
			assert.Contains(t, c.Findings[0].Message, tc.want)
			assert.NotContains(t, c.Findings[0].Message, root)
		})
	}
}

func TestStagesSelectTheChecks(t *testing.T) {
	root := t.TempDir()
	ok := script(t, root, "manifests.sh", "test -f \"$TIERDEPLOY_MANIFESTS\" && test \"$1\" = \"$TIERDEPLOY_MANIFESTS\" && ! test -e \"${TIERDEPLOY_PLAN_JSON:-/nonexistent}\" && grep -q 'kind: ConfigMap' \"$1\"\n")
	r := newRunner(t, root,
		config.Check{Name: "tf-only", Command: []string{"false"}, Stages: []string{"terraform"}},
		config.Check{Name: "helm-only", Command: []string{ok, "{manifests}"}, Stages: []string{"helm"}},
	)
	in, err := checkinput.Helm("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", checkinput.Release{Name: "web"}, checkinput.Stage{Name: "web"})
	require.NoError(t, err)
	res, err := r.Check(t.Context(), in)
	require.NoError(t, err)
	require.Len(t, res.Checks, 1)
	assert.Equal(t, "helm-only", res.Checks[0].Name)
	assert.Equal(t, check.Pass, res.Checks[0].Status, res.Checks[0].Output.Text)
	assert.Equal(t, plan.Helm, res.Checks[0].StageKind)

	none := newRunner(t, root)
	res, err = none.Check(t.Context(), in)
	require.NoError(t, err)
	assert.Empty(t, res.Checks)
}

func TestCanceledContextIsAnError(t *testing.T) {
	root := t.TempDir()
	hang := script(t, root, "hang.sh", "sleep 300\n")
	r := newRunner(t, root, config.Check{Name: "hang", Command: []string{hang}})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := r.Check(ctx, tfInput(t))
	require.ErrorIs(t, err, context.Canceled)
}

func TestCleanEnv(t *testing.T) {
	got := cleanEnv([]string{"A=1", "github_token=x", "ACTIONS_CACHE_URL=y", "actions_runtime_url=z", "=bad", "noequals", "TIERDEPLOY_STAGE=x", "B=2=3"})
	assert.Equal(t, []string{"A=1", "B=2=3"}, got)
}
