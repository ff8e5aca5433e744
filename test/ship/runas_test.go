package ship

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// runnerUID owns the workspace and the command files of a self-hosted
// GitHub runner whose user is neither root nor the image's user.
const runnerUID = 4242

// imageUser returns the UID and GID the image runs as by default: its last
// USER (root when there is none).
func imageUser(t *testing.T) (int, int) {
	t.Helper()
	user := "0:0"
	for _, c := range parseDockerfile(t).final().Commands {
		if u, ok := c.(*instructions.UserCommand); ok {
			user = u.User
		}
	}
	uid, gid, _ := strings.Cut(user, ":")
	names := map[string]string{"root": "0", "": "0"}
	if v, ok := names[uid]; ok {
		uid = v
	}
	if v, ok := names[gid]; ok {
		gid = v
	}
	u, err := strconv.Atoi(uid)
	require.NoError(t, err, "USER %s", user)
	g, err := strconv.Atoi(gid)
	require.NoError(t, err, "USER %s", user)
	return u, g
}

// unprivilegedUser returns the UID and GID of the image's user tierdeploy,
// from the passwd line the Dockerfile writes.
func unprivilegedUser(t *testing.T) (int, int) {
	t.Helper()
	m := regexp.MustCompile(`'tierdeploy:x:(\d+):(\d+):[^']*' >>/rootfs/etc/passwd`).FindStringSubmatch(
		strings.Join(runs(parseDockerfile(t).stage(t, "rootfs")), "\n"))
	require.NotNil(t, m, "the Dockerfile adds no user tierdeploy")
	u, _ := strconv.Atoi(m[1])
	g, _ := strconv.Atoi(m[2])
	return u, g
}

// TestEntrypointAsAnotherUser runs the image's entrypoint, the release
// binary, the way each platform runs the image, with the files it must write
// belonging to another user:
//
//   - GitHub runs a Docker action with the workspace and the runner's command
//     files (GITHUB_OUTPUT, the step summary) mounted in, owned by the
//     runner's user and created 0644 (directories 0755). The image's default
//     user, root, writes them whoever owns them; the UID 1001 the image ran
//     as before cannot, unless the runner's user happens to be 1001.
//   - GitLab's runner clones as root with a umask of 0, so the checkout is
//     writable by any user: the documented non-root user (1001) works there.
//
// "Works" is the whole plan of the example's staging infrastructure: the
// outputs and the summary (GitHub) or the dotenv outputs (GitLab), the
// report in the workspace, and OpenTofu's lock file next to the
// configuration. git trusts the foreign checkout through the image's own
// /etc/gitconfig.
func TestEntrypointAsAnotherUser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tierdeploy and runs OpenTofu")
	}
	if os.Geteuid() != 0 {
		t.Skip("running tierdeploy as other users needs root (the CI test jobs of both platforms run as root)")
	}
	tofu := testtools.Tofu(t)
	tfrc := testtools.Require(t, "providers", "tofu.tfrc")
	bin := releaseBinary(t, runtime.GOARCH)
	rootUID, rootGID := imageUser(t)
	require.Equal(t, 0, rootUID, "the image's default user is root")
	userUID, userGID := unprivilegedUser(t)

	sys := worldTempDir(t)
	gitconfig := filepath.Join(sys, "gitconfig")
	require.NoError(t, os.WriteFile(gitconfig, []byte(imageGitConfig(t)), 0o644))

	tests := []struct {
		name     string
		platform string
		// owner owns the workspace and the runner's files.
		owner int
		// open makes the checkout writable by everyone, as GitLab's runner
		// clones (umask 0).
		open     bool
		uid, gid int
		works    bool
	}{
		{"github/the image's default user (root)", "github", runnerUID, false, rootUID, rootGID, true},
		{"github/the image's user tierdeploy (1001)", "github", runnerUID, false, userUID, userGID, false},
		{"github/1001 on a root runner's files", "github", 0, false, userUID, userGID, false},
		{"github/the runner's own user", "github", runnerUID, false, runnerUID, runnerUID, true},
		{"gitlab/the image's user tierdeploy (1001), documented for GitLab", "gitlab", 0, true, userUID, userGID, true},
		{"gitlab/the image's default user (root)", "gitlab", 0, true, rootUID, rootGID, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := worldTempDir(t)
			ws := filepath.Join(base, "workspace")
			before, after := exampleCheckout(t, ws)
			if tt.open {
				chmodTree(t, ws, 0o666, 0o777)
			}
			cmdDir := filepath.Join(base, "command-files")
			temp := filepath.Join(base, "runner-temp")
			runnerHome := filepath.Join(base, "home")
			for _, d := range []string{cmdDir, temp, runnerHome} {
				require.NoError(t, os.Mkdir(d, 0o755))
			}
			output, summary := filepath.Join(cmdDir, "set_output"), filepath.Join(cmdDir, "step_summary")
			for _, f := range []string{output, summary} {
				require.NoError(t, os.WriteFile(f, nil, 0o644))
			}
			event := filepath.Join(cmdDir, "event.json")
			require.NoError(t, os.WriteFile(event, []byte(`{"ref":"refs/heads/main","before":"`+before+`","after":"`+after+
				`","repository":{"id":1,"full_name":"acme/infra","default_branch":"main"}}`), 0o644))
			chownTree(t, base, tt.owner)
			// The home of the user that runs it, as the image has it.
			home := filepath.Join(base, "user-home")
			require.NoError(t, os.Mkdir(home, 0o755))
			require.NoError(t, os.Chown(home, tt.uid, tt.gid))

			env := []string{
				"PATH=" + filepath.Dir(tofu) + ":/usr/local/bin:/usr/bin:/bin",
				"HOME=" + home,
				"TF_CLI_CONFIG_FILE=" + tfrc,
				"CHECKPOINT_DISABLE=1",
				"GIT_CONFIG_SYSTEM=" + gitconfig,
			}
			// A push that changed the staging infrastructure: git finds the
			// change in the foreign checkout, OpenTofu plans it.
			args := []string{"plan", "--tier", "infrastructure", "--environment", "staging"}
			if tt.platform == "github" {
				env = append(env, "GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push", "GITHUB_EVENT_PATH="+event, "GITHUB_SHA="+after,
					"GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main", "GITHUB_REPOSITORY=acme/infra",
					"GITHUB_WORKSPACE="+ws, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary, "RUNNER_TEMP="+temp)
				args = append([]string{"--platform=github"}, args...)
			} else {
				env = append(env, "GITLAB_CI=true", "CI_PIPELINE_SOURCE=push", "CI_PROJECT_ID=1", "CI_PROJECT_PATH=acme/infra",
					"CI_PROJECT_DIR="+ws, "CI_COMMIT_SHA="+after, "CI_COMMIT_BEFORE_SHA="+before,
					"CI_COMMIT_BRANCH=main", "CI_COMMIT_REF_NAME=main", "CI_DEFAULT_BRANCH=main",
					"TIERDEPLOY_OUTPUT_PREFIX=TIERDEPLOY_STAGING_")
			}
			cmd := exec.CommandContext(t.Context(), bin, args...)
			cmd.Dir, cmd.Env = ws, env
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
				Uid: uint32(tt.uid), Gid: uint32(tt.gid), Groups: []uint32{},
			}}
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stderr, &stderr
			err := cmd.Run()
			log := lastLines(stderr.String(), 20)
			lock := filepath.Join(ws, "infrastructure", "environments", "staging", ".terraform.lock.hcl")
			report := filepath.Join(ws, ".tierdeploy", "report.md")

			if !tt.works {
				var exit *exec.ExitError
				require.ErrorAs(t, err, &exit, "as UID %d tierdeploy wrote files of UID %d:\n%s", tt.uid, tt.owner, log)
				require.Equal(t, 1, exit.ExitCode(), log)
				require.Contains(t, stderr.String(), "permission denied", log)
				require.Contains(t, stderr.String(), output, "the error names the runner's file it cannot write")
				for _, f := range []string{output, summary} {
					b, err := os.ReadFile(f)
					require.NoError(t, err)
					require.Empty(t, b, "%s was written", f)
				}
				require.NoFileExists(t, lock)
				return
			}
			require.NoError(t, err, "as UID %d:\n%s", tt.uid, log)
			require.FileExists(t, report)
			require.FileExists(t, lock)
			if tt.platform == "github" {
				out, err := os.ReadFile(output)
				require.NoError(t, err)
				require.Regexp(t, `(?m)^has-changes<<\S+\ntrue\n`, string(out))
				require.Regexp(t, `(?m)^report-path<<\S+\n\.tierdeploy/report\.md\n`, string(out))
				sum, err := os.ReadFile(summary)
				require.NoError(t, err)
				require.Contains(t, string(sum), "infrastructure/staging")
			} else {
				dotenv, err := os.ReadFile(filepath.Join(ws, ".tierdeploy", "outputs.env"))
				require.NoError(t, err)
				require.Contains(t, string(dotenv), "TIERDEPLOY_STAGING_HAS_CHANGES=true\n")
				require.NotContains(t, string(dotenv), "\nTIERDEPLOY_HAS_CHANGES=")
			}
		})
	}
}

// worldTempDir returns a temporary directory that every user may enter (the
// test's temporary directories are private to root otherwise).
func worldTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	return dir
}

// exampleCheckout copies examples/two-tier into dir as a git repository on
// main, files 0644 and directories 0755, with a second commit that changes
// the staging infrastructure, and returns both commits.
func exampleCheckout(t *testing.T, dir string) (base, head string) {
	t.Helper()
	src := filepath.Join(root, "examples", "two-tier")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if name := d.Name(); name == ".terraform" || name == ".tierdeploy" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		if strings.HasSuffix(p, ".tfstate") || strings.HasSuffix(p, ".lock.hcl") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	require.NoError(t, err)
	git := func(args ...string) string {
		cmd := exec.CommandContext(t.Context(), "git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=ship", "GIT_AUTHOR_EMAIL=ship@tierdeploy.invalid",
			"GIT_COMMITTER_NAME=ship", "GIT_COMMITTER_EMAIL=ship@tierdeploy.invalid")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "the example")
	base = git("rev-parse", "HEAD")
	staging := filepath.Join(dir, "infrastructure", "environments", "staging", "main.tf")
	f, err := os.OpenFile(staging, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("\n# A change for the plan to find.\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	git("commit", "-q", "-a", "-m", "change staging")
	return base, git("rev-parse", "HEAD")
}

// chmodTree sets every file under dir to fileMode (keeping the execute
// bits) and every directory to dirMode.
func chmodTree(t *testing.T, dir string, fileMode, dirMode fs.FileMode) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(p, dirMode)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chmod(p, fileMode|(info.Mode().Perm()&0o111))
	})
	require.NoError(t, err)
}

// chownTree gives everything under dir (dir included) to uid.
func chownTree(t *testing.T, dir string, uid int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
	require.NoError(t, err)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
