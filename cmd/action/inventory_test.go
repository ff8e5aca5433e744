package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

// TestInventoryCommands publishes the example's inventory with a sensitive
// output allowed in, then reads, replaces, compares and lists it with the
// inventory command (file store).
func TestInventoryCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	noHelm(t, r)
	cfgPath := filepath.Join(r.Dir, "tierdeploy.yaml")
	b, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	cfg := strings.Replace(string(b), "    publishes_inventory: true\n", "    publishes_inventory: true\n    sensitive_outputs: [database_password]\n", 1)
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o644))
	r.Commit("the database password goes into the inventory")

	code, out := run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)

	code, out = run(t, "inventory", "get", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Contains(t, out, "version 1")
	require.Contains(t, out, "database_password = (sensitive)")
	code, out = run(t, "inventory", "get", "--chdir", r.Dir, "--environment", "staging", "--show-secrets", "--format", "json")
	require.Equal(t, 0, code)
	require.NotContains(t, out, "(sensitive)")
	require.Contains(t, out, `"database_password"`)

	// Replace the document: a new version, then compare the two.
	edited := strings.Replace(out, `"eu-west-1"`, `"us-east-1"`, 1)
	require.NotEqual(t, out, edited)
	doc := filepath.Join(t.TempDir(), "doc.json")
	require.NoError(t, os.WriteFile(doc, []byte(edited), 0o600))
	code, out = run(t, "inventory", "put", "--chdir", r.Dir, "--environment", "staging", "--file", doc)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "stored as version 2")
	code, out = run(t, "inventory", "put", "--chdir", r.Dir, "--environment", "staging", "--file", doc)
	require.Equal(t, 0, code)
	require.Contains(t, out, "unchanged (version 2)")

	code, out = run(t, "inventory", "diff", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Contains(t, out, "version 1 -> 2")
	require.Contains(t, out, "region")
	require.Contains(t, out, "us-east-1")

	// The store against the infrastructure's current outputs.
	code, out = run(t, "inventory", "diff", "--chdir", r.Dir, "--environment", "staging", "--outputs")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "stored -> current outputs")
	require.Contains(t, out, "eu-west-1")
	require.NotContains(t, out, "database_password =", "an unchanged secret is not listed")

	code, out = run(t, "inventory", "history", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Equal(t, 3, strings.Count(out, "\n"), out) // header and two versions

	// Bad input: a document for another environment, and a malformed one.
	require.NoError(t, os.WriteFile(doc, []byte(strings.Replace(edited, `"staging"`, `"prod"`, 1)), 0o600))
	code, _ = run(t, "inventory", "put", "--chdir", r.Dir, "--environment", "staging", "--file", doc)
	require.Equal(t, app.ExitInput, code)
	require.NoError(t, os.WriteFile(doc, []byte(`{"schema":"tierdeploy.inventory/v9"}`), 0o600))
	code, _ = run(t, "inventory", "put", "--chdir", r.Dir, "--environment", "staging", "--file", doc)
	require.Equal(t, app.ExitInput, code)
	code, _ = run(t, "inventory", "get", "--chdir", r.Dir)
	require.Equal(t, app.ExitInput, code, "--environment is required with two environments")
}
