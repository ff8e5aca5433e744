package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// TestREADMEExamples: the Rego policy and test of the README's Policies
// section compile and pass on the reference fixture they name.
func TestREADMEExamples(t *testing.T) {
	src := testtools.Root(t)
	b, err := os.ReadFile(filepath.Join(src, "README.md"))
	require.NoError(t, err)
	readme := string(b)
	start := strings.Index(readme, "\n## Policies\n")
	require.NotEqual(t, -1, start)
	section := readme[start+1:]
	if end := strings.Index(section[1:], "\n## "); end >= 0 {
		section = section[:end+1]
	}
	var blocks []string
	for _, part := range strings.Split(section, "```rego\n")[1:] {
		blocks = append(blocks, part[:strings.Index(part, "```\n")])
	}
	require.Len(t, blocks, 2, "a policy and its test")

	root := t.TempDir()
	dir := filepath.Join(root, "policy", "terraform")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "testdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s3.rego"), []byte(blocks[0]), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s3_test.rego"), []byte(blocks[1]), 0o644))
	fixture, err := os.ReadFile(filepath.Join(src, "policy", "terraform", "testdata", "public_bucket.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "testdata", "public_bucket.json"), fixture, 0o644))

	rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"policy/terraform"}})
	require.NoError(t, err)
	assert.True(t, rep.OK(), rep.Text(true))
}
