package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

// runAll runs tierdeploy with the real adapters and returns the exit code,
// standard output and standard error.
func runAll(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	d := deps(args)
	d.Stdout, d.Stderr = &stdout, &stderr
	code := app.Main(t.Context(), d)
	t.Logf("tierdeploy %s: exit %d\n%s", strings.Join(args, " "), code, lastLines(stderr.String(), 8))
	return code, stdout.String(), stderr.String()
}

// TestMalformedInventoryIsBadInput plants a malformed inventory document in
// the store and checks that every command that reads it exits 3 (bad
// input), as the README promises, with an error naming the document and
// the field, instead of 1 (an operation failed), and before anything is
// planned or applied.
func TestMalformedInventoryIsBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	noHelm(t, r)
	r.Commit("no helm")

	doc := filepath.Join(r.Dir, ".tierdeploy", "inventory", "staging.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(doc), 0o755))
	require.NoError(t, os.WriteFile(doc, []byte(`{"schema":"tierdeploy.inventory/v1","environment":"staging","tier":"infrastructure",`+
		`"commit":"abc","created":"yesterday","values":{}}`), 0o644))

	for _, args := range [][]string{
		{"plan", "--all", "--environment", "staging"},
		{"apply", "--all", "--environment", "staging"},
		{"drift", "--environment", "staging", "--no-issues"},
		{"inventory", "get", "--environment", "staging"},
		{"inventory", "diff", "--environment", "staging", "--outputs"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			code, _, stderr := runAll(t, append(args, "--chdir", r.Dir)...)
			assert.Equal(t, app.ExitInput, code)
			last := lastLines(stderr, 1)
			assert.True(t, strings.Contains(last, "staging.json") && strings.Contains(last, `field "created"`),
				"the error names the document and the field: %s", last)
		})
	}
	states, err := filepath.Glob(filepath.Join(r.Dir, "infrastructure", "environments", "staging", "*.tfstate"))
	require.NoError(t, err)
	assert.Empty(t, states, "nothing was applied")
}
