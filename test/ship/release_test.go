package ship

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/release"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

const (
	pinImage  = "ghcr.io/tierdeploy/tierdeploy"
	pinDigest = "sha256:5b8c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80"
)

// pinStep returns the release workflow's step that rewrites action.yml.
func pinStep(t *testing.T) step {
	t.Helper()
	w := readWorkflow(t, ".github/workflows/release.yml")
	return w.Jobs["release"].Steps[w.stepIndex(t, "release", "go run ./cmd/release pin-action")]
}

// runPinStep runs the step's script with bash, as the runner does, in a
// copy of the repository's action.yml next to links to the Go module (so
// that `go run ./cmd/release` builds this tree), with IMAGE and DIGEST set
// as the workflow sets them from the published image. It returns the
// rewritten action.yml, the script's output and its error.
func runPinStep(t *testing.T, image, digest string) ([]byte, string, error) {
	t.Helper()
	s := pinStep(t)
	require.Equal(t, "${{ needs.check.outputs.image }}", s.Env["IMAGE"])
	require.Equal(t, "${{ needs.publish.outputs.digest }}", s.Env["DIGEST"])
	abs, err := filepath.Abs(root)
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "cmd", "internal"} {
		require.NoError(t, os.Symlink(filepath.Join(abs, f), filepath.Join(dir, f)))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "action.yml"), readFile(t, "action.yml"), 0o644))
	cmd := exec.CommandContext(t.Context(), "bash", "-e", "-c", s.Run)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "IMAGE="+image, "DIGEST="+digest)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if runErr != nil {
		t.Logf("the pin step: %v\n%s", runErr, out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "action.yml"))
	require.NoError(t, err)
	return b, out.String(), runErr
}

// TestReleasePinsTheAction runs the release step that rewrites action.yml
// on a copy and checks the result: runs.image is the published image pinned
// by digest, every other line is as it was (inputs, outputs and args
// included), and actionlint accepts the example workflows against it.
func TestReleasePinsTheAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/release")
	}
	orig := readFile(t, "action.yml")
	pinned, _, err := runPinStep(t, pinImage, pinDigest)
	require.NoError(t, err)

	dev, got := readActionBytes(t, orig), readActionBytes(t, pinned)
	require.Equal(t, release.DevelopmentImage, dev.Runs.Image)
	require.Equal(t, "docker://"+pinImage+"@"+pinDigest, got.Runs.Image)
	require.Equal(t, dev.Inputs, got.Inputs, "inputs unchanged")
	require.Equal(t, dev.Outputs, got.Outputs, "outputs unchanged")
	got.Runs.Image = dev.Runs.Image
	require.Equal(t, dev, got, "nothing but runs.image changed")

	origLines, pinnedLines := strings.Split(string(orig), "\n"), strings.Split(string(pinned), "\n")
	require.Len(t, pinnedLines, len(origLines))
	changed := 0
	for i := range origLines {
		if origLines[i] != pinnedLines[i] {
			changed++
			require.Equal(t, "  image: Dockerfile", origLines[i])
			require.Equal(t, "  image: docker://"+pinImage+"@"+pinDigest, pinnedLines[i])
		}
	}
	require.Equal(t, 1, changed, "one line changes")

	// actionlint checks the workflows that use the action (`uses: ./`)
	// against the pinned metadata: inputs, outputs, the docker:// image.
	actionlint := testtools.Require(t, "actionlint", "bin/actionlint")
	repo := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(repo, ".github", "workflows"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, ".git"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "action.yml"), pinned, 0o644))
	examples, err := filepath.Glob(filepath.Join(root, "examples", "github", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	var files []string
	for _, f := range examples {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		name := filepath.Join(".github", "workflows", filepath.Base(f))
		require.NoError(t, os.WriteFile(filepath.Join(repo, name), b, 0o644))
		files = append(files, name)
	}
	cmd := exec.CommandContext(t.Context(), actionlint, append([]string{"-no-color", "-shellcheck="}, files...)...)
	cmd.Dir = repo
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "actionlint on the pinned action.yml:\n%s", out)

	// A broken action.yml, as actionlint sees it, is caught by the same
	// check: an input that the workflows use is gone.
	broken := strings.Replace(string(pinned), "\n  require-reviewed:\n", "\n  require-reviewed-renamed:\n", 1)
	require.NotEqual(t, string(pinned), broken)
	require.NoError(t, os.WriteFile(filepath.Join(repo, "action.yml"), []byte(broken), 0o644))
	cmd = exec.CommandContext(t.Context(), actionlint, append([]string{"-no-color", "-shellcheck="}, files...)...)
	cmd.Dir = repo
	out, err = cmd.CombinedOutput()
	require.Error(t, err, "actionlint accepted an action.yml without the require-reviewed input")
	require.Contains(t, string(out), "require-reviewed")
}

// TestReleasePinStepRefusesBadInput: a digest or image that is not what the
// push produced fails the step and leaves action.yml as it was.
func TestReleasePinStepRefusesBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/release")
	}
	orig := readFile(t, "action.yml")
	for name, in := range map[string][2]string{
		"empty digest":            {pinImage, ""},
		"a tag for a digest":      {pinImage, "1.2.3"},
		"a line in the digest":    {pinImage, pinDigest + "\n  using: node20"},
		"an image with a tag":     {pinImage + ":1.2.3", pinDigest},
		"an upper-case image":     {"ghcr.io/TierDeploy/tierdeploy", pinDigest},
		"an image with a command": {pinImage + "$(id)", pinDigest},
	} {
		t.Run(name, func(t *testing.T) {
			got, out, err := runPinStep(t, in[0], in[1])
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit)
			// go run reports the program's own exit code, 3 for bad input.
			require.Contains(t, out, fmt.Sprintf("exit status %d", release.ExitInput))
			require.Equal(t, string(orig), string(got), "action.yml changed")
		})
	}
}
