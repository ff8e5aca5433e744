package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// TestDetectSymlinkEscapeRefused plants, where a pull request could, a
// local Terraform module and a file:// chart dependency that are links to
// directories outside the repository holding a secret (a file that does
// not parse, so that a parser's error would quote it). Detect follows
// modules and chart dependencies; it must refuse the link as bad input
// naming it, and read nothing outside the repository.
func TestDetectSymlinkEscapeRefused(t *testing.T) {
	tests := map[string]struct {
		plant func(t *testing.T, dir, outside string)
		link  string
	}{
		"terraform module linked outside": {func(t *testing.T, dir, outside string) {
			require.NoError(t, os.WriteFile(filepath.Join(outside, "main.tf"), []byte("planted-secret-value\n"), 0o600))
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "modules", "platform")))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, "modules", "platform")))
		}, "modules/platform"},
		"file in a terraform module linked outside": {func(t *testing.T, dir, outside string) {
			require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("planted-secret-value\n"), 0o600))
			require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "modules", "platform", "leak.tf")))
		}, "modules/platform/leak.tf"},
		"file:// chart dependency linked outside": {func(t *testing.T, dir, outside string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "project", "chart", "Chart.yaml"),
				[]byte("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(outside, "Chart.yaml"), []byte("planted-secret-value\n"), 0o600))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, "project", "lib")))
		}, "project/lib/Chart.yaml"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := newRepo(t)
			tt.plant(t, r.Dir, t.TempDir())
			r.Commit("plant the link")
			code, out, stderr := runCLI(t, "--chdir", r.Dir, "detect", "--base", "main", "--head", "HEAD", "--format", "json")
			assert.Equal(t, ExitInput, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, stderr, tt.link+" leads outside the repository")
			assert.NotContains(t, out+stderr, "planted-secret")
		})
	}
}

// TestReportFileSymlinkEscapeRefused plants a report directory that is a
// link out of the checkout (a change can commit .tierdeploy as a link to a
// directory of the runner) and checks that plan, apply and drift refuse it
// as bad input naming the link before any stage runs, and that no report
// is written outside the repository.
func TestReportFileSymlinkEscapeRefused(t *testing.T) {
	r := newRepo(t)
	base := strings.TrimSpace(r.Git("rev-parse", "main"))
	pushEnv := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": "/event.json",
		"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": base, "GITHUB_REF": "refs/heads/main",
		"GITHUB_WORKSPACE": r.Dir,
	}
	payload := []byte(`{"ref":"refs/heads/main","before":"` + base + `","after":"` + base + `"}`)
	tests := map[string]struct {
		env  map[string]string
		args []string
		link string
	}{
		"plan --report through a link":  {nil, []string{"--platform", "local", "plan", "--report", "out/report.md"}, "out"},
		"drift --report through a link": {nil, []string{"--platform", "local", "drift", "--no-issues", "--report", "out/sub/report.md"}, "out"},
		"apply --report through a link": {nil, []string{"--platform", "local", "apply", "--all", "--report", "out/report.md"}, "out"},
		"default report path in CI":     {pushEnv, []string{"plan"}, ".tierdeploy"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			outside := t.TempDir()
			link := filepath.Join(r.Dir, tt.link)
			require.NoError(t, os.Symlink(outside, link))
			t.Cleanup(func() { _ = os.Remove(link) })
			var stages atomic.Int32
			code, stderr := runWith(t, tt.env, payload, fakeStore{getErr: inventory.ErrNotFound}, &stages,
				append([]string{"--chdir", r.Dir}, tt.args...)...)
			assert.Equal(t, ExitInput, code, stderr)
			assert.Contains(t, stderr, tt.link+" leads outside the repository")
			assert.Zero(t, stages.Load(), "no stage ran")
			entries, err := os.ReadDir(outside)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written outside the repository")
		})
	}
}

// acquireStore records whether a lease was asked for, the first step of
// storing a document.
type acquireStore struct {
	fakeStore
	acquired *atomic.Bool
}

func (s acquireStore) Acquire(context.Context, string, string, time.Duration) (*inventory.Claim, error) {
	s.acquired.Store(true)
	return nil, errors.New("the test's store stores nothing")
}

// TestInventoryPutSymlinkEscapeRefused names, as a workflow might, a
// document of the repository that a change made a link to a file outside
// it (a valid document holding a secret, so that it would be stored):
// inventory put must refuse it as bad input naming the link, and neither
// store it nor quote it.
func TestInventoryPutSymlinkEscapeRefused(t *testing.T) {
	r := newRepo(t)
	outside := filepath.Join(t.TempDir(), "doc.json")
	doc := `{"schema":"tierdeploy.inventory/v1","environment":"staging","tier":"infrastructure",` +
		`"commit":"0123456789abcdef0123456789abcdef01234567","created":"2026-03-04T04:06:07Z",` +
		`"sensitive":["db_password"],"values":{"db_password":"planted-secret"}}`
	require.NoError(t, os.WriteFile(outside, []byte(doc), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(r.Dir, "inventory"), 0o755))
	require.NoError(t, os.Symlink(outside, filepath.Join(r.Dir, "inventory", "staging.json")))

	var acquired atomic.Bool
	var stages atomic.Int32
	code, stderr := runWith(t, nil, nil, acquireStore{acquired: &acquired}, &stages,
		"inventory", "put", "--chdir", r.Dir, "--platform", "local", "--environment", "staging", "--file", "inventory/staging.json")
	assert.Equal(t, ExitInput, code, stderr)
	assert.Contains(t, stderr, "inventory/staging.json leads outside the repository")
	assert.NotContains(t, stderr, "planted-secret")
	assert.False(t, acquired.Load(), "nothing stored")

	// The same document named by its own path outside the repository is
	// the operator's choice.
	code, stderr = runWith(t, nil, nil, acquireStore{acquired: &acquired}, &stages,
		"inventory", "put", "--chdir", r.Dir, "--platform", "local", "--environment", "staging", "--file", outside)
	assert.True(t, acquired.Load(), "a document outside the repository named as such is read: %s", stderr)
	assert.NotContains(t, stderr, "planted-secret")
	assert.NotEqual(t, ExitOK, code)
}
