package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/runner/runnertest"
	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// drive is what an outside value can hold to drive a terminal or a CI log
// viewer: a window title (OSC 0), cursor movement, the C1 form of CSI
// (U+009B, and a lone 0x9B byte), a carriage return, the line and
// paragraph separators, DEL, runner commands on lines of their own and a
// GitLab section marker. It is valid in a file name.
const drive = "x\x1b]0;pwned\x07\x1b[2A\u009b2J\x9b\r\u2028\u2029\x7f\n::error::pwned\n##[add-mask]pwned\n\x1b[0Ksection_start:1:fake\r\x1b[0Kend"

// raw are the characters of drive that must not reach the terminal as
// they are.
var raw = []string{"\x1b", "\x07", "\r", "\u009b", "\u0085", "\x7f", "\u2028", "\u2029"}

// assertInert checks one output stream: none of raw in it, valid UTF-8
// (a lone 0x9B byte is CSI on some terminals), each JSON log record still
// JSON, and on GitHub no runner command but the run's own. (GitLab reads a
// section marker only after ESC [0K and before "\r", which raw covers.)
func assertInert(t *testing.T, stream, out string, github bool) {
	t.Helper()
	for _, bad := range raw {
		assert.NotContains(t, out, bad, "%s: %q reaches the terminal:\n%q", stream, bad, out)
	}
	assert.True(t, utf8.ValidString(out), "%s: invalid UTF-8 reaches the terminal:\n%q", stream, out)
	if github {
		assert.Empty(t, runnertest.Foreign(out, func(c runnertest.Command) bool {
			// The run's own groups, masks and annotations of the
			// configuration are commands; nothing of drive is one.
			return (c.Name == "group" || c.Name == "endgroup" || c.Name == "add-mask") && !strings.Contains(c.Data, "pwned") ||
				c.Name == "error" && strings.HasSuffix(c.Data, ": is not a known key (known: environments, inventory, terraform, tiers, version)")
		}), "%s:\n%s", stream, out)
	}
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, `{"time":`) {
			assert.True(t, json.Valid([]byte(line)), "%s: a log record is no longer JSON: %q", stream, line)
		}
	}
}

// driveTools is a toolchain whose answers quote outside text: a version
// file's content in the error of one stack, a binary's version and path
// (what `terraform version` printed, where it was found) for another.
type driveTools struct{ fakeTools }

func (d driveTools) answer(req deploy.BinaryRequest) (deploy.Binary, error) {
	if strings.Contains(req.Dir, "prod") {
		return deploy.Binary{}, errors.New(".terraform-version: " + drive + " is not a version")
	}
	return deploy.Binary{Path: "/opt/" + drive + "/tofu", Version: "OpenTofu " + drive}, nil
}

func (d driveTools) SelectTerraform(_ context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	return d.answer(req)
}

func (d driveTools) FindTerraform(_ context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	return d.answer(req)
}

// driveStage plans a result whose diff, error and log lines hold drive.
func driveStage(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
	return fakeStage{plan: func(context.Context, bool) (plan.Result, error) {
		spec.Log.Warn("terraform says "+drive, "output", drive)
		r := plan.Result{Stack: spec.Stack, Kind: plan.Terraform, Name: spec.Name, HasChanges: true,
			Counts: plan.Counts{Add: 1}, Diff: "  + input = \"" + drive + "\"\n", Fingerprint: "sha256:1"}
		if spec.Stack.Environment == "prod" {
			r.Err = errors.New("terraform plan: " + drive)
		}
		return r, r.Err
	}}, nil
}

// TestTerminalOutputEscapesAreNeutralised runs every command whose output
// quotes outside values (changed file names from git, a directory name,
// version files and tool answers, plan text and tool logs, the event
// payload, configuration keys) with values that would drive a terminal or
// the runner: on standard output and standard error, as text and as JSON,
// locally and as a GitHub Actions step, nothing of them is obeyed, and
// JSON keeps them as \u escapes.
func TestTerminalOutputEscapesAreNeutralised(t *testing.T) {
	r := newRepo(t)
	// Not .tf files: the module finder does not read them.
	r.Write(map[string]string{
		"infra/envs/staging/" + drive + ".txt": "\n",
		"infra/envs/prod/" + drive + ".txt":    "\n",
	})
	r.Commit("hostile file names")
	// A checkout whose directory name is hostile.
	odd := filepath.Join(t.TempDir(), "repo"+drive)
	if out, err := exec.Command("git", "clone", "-q", r.Dir, odd).CombinedOutput(); err != nil {
		t.Skipf("the file system refuses the name: %v: %s", err, out)
	}
	// A configuration with a hostile key (escaped in a double-quoted YAML
	// scalar), which GitHub annotates.
	bad := filepath.Join(t.TempDir(), "bad")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	key, _ := json.Marshal(drive)
	require.NoError(t, os.WriteFile(filepath.Join(bad, "tierdeploy.yaml"), []byte("version: 1\n"+string(termtext.JSON(key))+": 1\n"), 0o644))

	detectArgs := []string{"--chdir", r.Dir, "detect", "--base", "main", "--head", "HEAD"}
	tests := map[string]struct {
		args   []string
		github bool
		// lossless names a \u escape the JSON output must keep.
		lossless string
	}{
		"detect":                   {args: detectArgs},
		"detect json":              {args: append(detectArgs, "--format", "json"), lossless: `\u009b2J`},
		"detect, json log":         {args: append([]string{"--log-format", "json"}, detectArgs...)},
		"detect on GitHub":         {args: detectArgs, github: true},
		"detect on GitHub, json":   {args: append([]string{"--log-format", "json"}, detectArgs...), github: true},
		"plan":                     {args: []string{"--chdir", r.Dir, "plan", "--base", "main", "--head", "HEAD"}},
		"plan, json log":           {args: []string{"--log-format", "json", "--chdir", r.Dir, "plan", "--base", "main", "--head", "HEAD"}, lossless: `\u009b2J`},
		"plan on GitHub":           {args: []string{"--chdir", r.Dir, "plan", "--all"}, github: true},
		"plan on GitHub, json log": {args: []string{"--log-format", "json", "--chdir", r.Dir, "plan", "--all"}, github: true, lossless: `\u009b2J`},
		"drift":                    {args: []string{"--chdir", r.Dir, "drift", "--no-issues"}},
		"version":                  {args: []string{"--chdir", r.Dir, "version"}},
		"tools install":            {args: []string{"--chdir", r.Dir, "tools", "install"}},
		"validate":                 {args: []string{"--chdir", odd, "validate"}},
		"bad config on GitHub":     {args: []string{"--chdir", bad, "plan", "--all"}, github: true},
		"help":                     {args: []string{"help"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			stdout, stderr := runDriven(t, r.Dir, tc.github, tc.args...)
			assertInert(t, "stdout", stdout, tc.github)
			assertInert(t, "stderr", stderr, tc.github)
			if tc.lossless != "" {
				assert.Contains(t, stdout+stderr, tc.lossless, "JSON keeps the value, escaped")
			}
		})
	}
}

// runDriven runs the command line with driveTools and driveStage, locally
// or as a GitHub Actions step on a push whose payload names a hostile
// repository, and returns standard output and standard error.
func runDriven(t *testing.T, dir string, github bool, args ...string) (stdout, stderr string) {
	t.Helper()
	tmp := t.TempDir()
	env := map[string]string{}
	if github {
		eventFile := filepath.Join(tmp, "event.json")
		head := strings.TrimSpace((&changesGit{dir}).head(t))
		payload, _ := json.Marshal(map[string]any{"ref": "refs/heads/main", "before": strings.Repeat("0", 40), "after": head,
			"repository": map[string]any{"id": 1, "full_name": "acme/infra" + drive, "default_branch": "main"}})
		require.NoError(t, os.WriteFile(eventFile, payload, 0o644))
		env = map[string]string{
			"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": eventFile,
			"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": head, "GITHUB_REF": "refs/heads/main",
			"GITHUB_OUTPUT": filepath.Join(tmp, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
			"RUNNER_TEMP": tmp,
		}
	}
	getenv := func(k string) string { return env[k] }
	out, errs := &syncBuffer{}, &syncBuffer{}
	Main(t.Context(), Deps{
		Args: args, Stdout: out, Stderr: errs, Getenv: getenv,
		Git:   func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools: driveTools{fakeTools{newTerraform: driveStage}},
		NewStore: func(_ context.Context, cfg *config.Config) (InventoryStore, error) {
			return filestore.New(filestore.Options{Dir: filepath.Join(cfg.Root, cfg.FileStoreDir())})
		},
		ReadFile: os.ReadFile,
		NewRunner: func(ev event.Event) CIRunner {
			if !github {
				return runner.NewLocal(runner.LocalOptions{Stderr: errs})
			}
			return runner.NewGitHub(runner.GitHubOptions{Stdout: out, Getenv: getenv})
		},
		Terminal: func(io.Writer) (bool, int) { return false, 0 },
	})
	return out.String(), errs.String()
}

type changesGit struct{ dir string }

func (g *changesGit) head(t *testing.T) string {
	b, err := (&changes.Git{Dir: g.dir}).Git(t.Context(), "rev-parse", "HEAD")
	require.NoError(t, err)
	return string(b)
}
