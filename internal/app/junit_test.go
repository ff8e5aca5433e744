package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTestPoliciesJUnit checks that --junit writes the report whether the
// tests pass or fail, with the exit code unchanged, and that a bad path is
// bad input before any test runs.
func TestTestPoliciesJUnit(t *testing.T) {
	r := policyRepo(t)
	for _, tt := range []struct {
		name string
		ok   bool
		code int
	}{{"passing", true, ExitOK}, {"failing", false, ExitFailed}} {
		t.Run(tt.name, func(t *testing.T) {
			pol := &fakePolicies{test: func(context.Context, string, []string, string) (PolicyTests, error) {
				return fakeTests{text: tt.name, ok: tt.ok}, nil
			}}
			code, _, stderr, _ := checksCLI(t, pol, nil, "--chdir", r.Dir, "test-policies", "--junit", ".tierdeploy/"+tt.name+"/policy-tests.xml")
			assert.Equal(t, tt.code, code, stderr)
			doc, err := os.ReadFile(filepath.Join(r.Dir, ".tierdeploy", tt.name, "policy-tests.xml"))
			require.NoError(t, err)
			assert.Contains(t, string(doc), "<!-- "+tt.name+" -->")
			entries, err := os.ReadDir(filepath.Join(r.Dir, ".tierdeploy", tt.name))
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left")
		})
	}

	require.NoError(t, os.WriteFile(filepath.Join(r.Dir, "afile"), []byte("x"), 0o644))
	for name, tt := range map[string]struct{ path, want string }{
		"a directory":            {".", "--junit . is a directory"},
		"under a file":           {"afile/policy-tests.xml", "afile is not a directory"},
		"through an escape link": {"out/policy-tests.xml", "out leads outside the repository"},
		"deep under the link":    {"out/a/b/policy-tests.xml", "out leads outside the repository"},
	} {
		t.Run(name, func(t *testing.T) {
			outside := t.TempDir()
			link := filepath.Join(r.Dir, "out")
			require.NoError(t, os.Symlink(outside, link))
			t.Cleanup(func() { _ = os.Remove(link) })
			ran := false
			pol := &fakePolicies{test: func(context.Context, string, []string, string) (PolicyTests, error) {
				ran = true
				return fakeTests{text: "PASS: 1/1\n", ok: true}, nil
			}}
			code, _, stderr, _ := checksCLI(t, pol, nil, "--chdir", r.Dir, "test-policies", "--junit", tt.path)
			assert.Equal(t, ExitInput, code, stderr)
			assert.Contains(t, stderr, tt.want)
			assert.False(t, ran, "no test ran")
			entries, err := os.ReadDir(outside)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written outside the repository")
		})
	}

	// A path the operator names outside the repository is theirs.
	pol := &fakePolicies{test: func(context.Context, string, []string, string) (PolicyTests, error) {
		return fakeTests{text: "PASS: 1/1\n", ok: true}, nil
	}}
	elsewhere := filepath.Join(t.TempDir(), "policy-tests.xml")
	code, _, stderr, _ := checksCLI(t, pol, nil, "--chdir", r.Dir, "test-policies", "--junit", elsewhere)
	assert.Equal(t, ExitOK, code, stderr)
	assert.FileExists(t, elsewhere)
}
