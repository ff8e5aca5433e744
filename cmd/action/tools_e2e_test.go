package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// These tests run tierdeploy's command line against a local HTTPS release
// server (internal/tfinstall/releasetest) that serves the project's real
// OpenTofu binary under several version numbers, and the real Terraform
// 1.5.7 when the tools have it, signed with a test key the toolchain
// trusts in place of the embedded ones.

// realBinary reads a tool of the tools directory once.
func realBinary(t *testing.T, path string) func() []byte {
	var once sync.Once
	var data []byte
	return func() []byte {
		once.Do(func() {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("read %s: %v", path, err)
			}
			data = b
		})
		return data
	}
}

// releaseServer publishes tofu and terraform releases for this platform
// only: the real binaries for the versions in real (the OpenTofu binary
// answers 1.10.10 whatever its number), scripts for the others.
func releaseServer(t *testing.T, releases map[tfversion.Product][]string, real ...string) *releasetest.Server {
	t.Helper()
	tofu := realBinary(t, testtools.Tofu(t))
	var terraform func() []byte
	if p := filepath.Join(testtools.Dir(t), "bin", "terraform-1.5.7"); fileExists(p) {
		terraform = realBinary(t, p)
	}
	isReal := map[string]bool{}
	for _, r := range real {
		isReal[r] = true
	}
	return releasetest.New(t, releasetest.Options{
		Releases:  releases,
		Platforms: []tfinstall.Platform{{OS: runtime.GOOS, Arch: runtime.GOARCH}},
		Binary: func(p tfversion.Product, v string, pl tfinstall.Platform) []byte {
			switch {
			case !isReal[string(p)+"@"+v]:
			case p == tfversion.OpenTofu:
				return tofu()
			case terraform != nil:
				return terraform()
			}
			return releasetest.Script(p, v, pl)
		},
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// toolsEnv sets up a run without CI: the project's OpenTofu (1.10.10), and
// no other tool of the tools directory, on PATH before the system's;
// offline providers; an empty tool cache.
func toolsEnv(t *testing.T) (cache string) {
	t.Helper()
	for _, kv := range testtools.TofuEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	bin := t.TempDir()
	require.NoError(t, os.Symlink(testtools.Tofu(t), filepath.Join(bin, "tofu")))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	clearCI(t)
	cache = t.TempDir()
	t.Setenv("TIERDEPLOY_TOOL_CACHE", cache)
	t.Setenv(app.ToolMirrorVar, "")
	t.Setenv(app.OfflineVar, "")
	return cache
}

// runTools runs tierdeploy with the real adapters, its releases from srv,
// and returns the exit code, stdout and stderr.
func runTools(t *testing.T, srv *releasetest.Server, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	d := deps(args)
	d.Stdout, d.Stderr = &stdout, &stderr
	d.Tools = newToolchain(fingerprintKey(), newEKSTokens(), srv.Options(), os.Getenv)
	code := app.Main(t.Context(), d)
	t.Logf("tierdeploy %s: exit %d\n%s", strings.Join(args, " "), code, lastLines(stderr.String(), 20))
	return code, stdout.String(), stderr.String()
}

// tfRepo makes a git repository with files (a tierdeploy.yaml among them).
func tfRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	r := gittest.New(t)
	r.Write(files)
	r.Commit("the stacks")
	return r.Dir
}

// module is a root module with one builtin resource, planned offline.
func module(required string) string {
	s := ""
	if required != "" {
		s = "terraform {\n  required_version = \"" + required + "\"\n}\n\n"
	}
	return s + "resource \"terraform_data\" \"x\" {\n  input = \"a\"\n}\n"
}

const oneTier = "version: 1\ntiers:\n  - name: infra\n    terraform:\n      dir: infra\n"

var opentofu = map[tfversion.Product][]string{
	tfversion.OpenTofu:  {"1.9.1", "1.10.10", "1.10.12", "1.11.0"},
	tfversion.Terraform: {"1.5.7"},
}

// usingRe finds the "using terraform" log lines: the binary each stack ran.
var usingRe = regexp.MustCompile(`msg="using terraform" binary=(\S+)`)

// TestRequiredVersionPlansWithTheNewestMatch: a root module that says
// required_version = "~> 1.10.0", and no setting anywhere else, plans with
// the newest OpenTofu 1.10.x of the listing, downloaded and verified; the
// log and the report footer say which and why.
func TestRequiredVersionPlansWithTheNewestMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	cache := toolsEnv(t)
	srv := releaseServer(t, opentofu, "tofu@1.10.12")
	dir := tfRepo(t, map[string]string{"tierdeploy.yaml": oneTier, "infra/main.tf": module("~> 1.10.0")})

	code, stdout, stderr := runTools(t, srv, "--chdir", dir, "plan", "--all", "--detailed-exitcode")
	require.Equal(t, app.ExitChanges, code, stderr)
	const choice = "OpenTofu 1.10.12 (~&gt; 1.10.0 from infra/main.tf:2 (required_version))"
	assert.Contains(t, stdout, "Terraform: <code>"+choice+"</code>")
	assert.Contains(t, stdout, "terraform_data.x")
	assert.NotContains(t, stdout, cache, "the report names no path that varies by run")
	assert.Equal(t, 1, srv.Hits("tofu_1.10.12_"+runtime.GOOS+"_"+runtime.GOARCH+".zip"))
	m := usingRe.FindStringSubmatch(stderr)
	require.NotNil(t, m, stderr)
	assert.Equal(t, filepath.Join(cache, "tofu", "1.10.12", runtime.GOOS+"_"+runtime.GOARCH, "tofu"), m[1])
	assert.Contains(t, stderr, `msg="terraform chosen" stack=infra/default choice="OpenTofu 1.10.12 (~> 1.10.0 from infra/main.tf:2 (required_version))" location="to download"`)
	assert.Contains(t, stderr, `location="downloaded and verified"`)

	// The next run finds it in the cache: no archive is downloaded again.
	code, _, _ = runTools(t, srv, "--chdir", dir, "plan", "--all")
	require.Equal(t, app.ExitOK, code)
	assert.Equal(t, 1, srv.Hits(".zip"))
}

// TestTheImagesOpenTofuIsReused: when the newest release that satisfies
// the constraint is the OpenTofu on PATH (the image's), nothing is
// downloaded.
func TestTheImagesOpenTofuIsReused(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	toolsEnv(t)
	srv := releaseServer(t, map[tfversion.Product][]string{tfversion.OpenTofu: {"1.9.1", "1.10.10", "1.11.0"}})
	dir := tfRepo(t, map[string]string{"tierdeploy.yaml": oneTier, "infra/main.tf": module("~> 1.10.0")})

	code, stdout, stderr := runTools(t, srv, "--chdir", dir, "plan", "--all")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, "Terraform: <code>OpenTofu 1.10.10 (~&gt; 1.10.0 from infra/main.tf:2 (required_version))</code>")
	assert.Contains(t, stderr, `location="on PATH"`)
	n, paths := srv.Requests()
	assert.Equal(t, []string{"/official/tofu/api.json"}, paths, "only the listing was read")
	assert.Equal(t, 1, n)
}

// TestUnpublishedVersionFailsBeforeAnythingRuns: a version that is not
// published fails the run before any stack starts, in one sentence that
// names the version or constraint and where it was written; exit 3.
func TestUnpublishedVersionFailsBeforeAnythingRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tierdeploy against a release server")
	}
	toolsEnv(t)
	srv := releaseServer(t, opentofu)
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"version file", map[string]string{".opentofu-version": "1.99.0\n"},
			"infra/default: OpenTofu 1.99.0 (asked for at .opentofu-version:1) is not published at " + srv.OfficialURL() + "/tofu/v1.99.0/tofu_1.99.0_SHA256SUMS"},
		{"required_version", map[string]string{"infra/main.tf": module("~> 1.99.0")},
			"infra/default: no OpenTofu release satisfies ~> 1.99.0 (asked for at infra/main.tf:2 (required_version)); the newest is 1.11.0"},
		{"configuration", map[string]string{"tierdeploy.yaml": oneTier + "      version: \">= 2.0, < 3\"\n"},
			"infra/default: no OpenTofu release satisfies >= 2.0, < 3 (asked for at tierdeploy.yaml:6 (terraform.version)); the newest is 1.11.0"},
		{"tool-versions", map[string]string{".tool-versions": "nodejs 20.1.0\nterraform 0.99.0\n"},
			"infra/default: Terraform 0.99.0 (asked for at .tool-versions:2) is not published at " + srv.OfficialURL() + "/terraform/0.99.0/terraform_0.99.0_SHA256SUMS"},
		{"unparsable version file", map[string]string{"infra/.opentofu-version": "one point ten\n"},
			`infra/default: infra/.opentofu-version:1: "one point ten" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`},
		{"workflow command in a version file", map[string]string{".opentofu-version": "::add-mask::x\n"},
			`infra/default: .opentofu-version:1: "::add-mask::x" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"tierdeploy.yaml": oneTier, "infra/main.tf": module("")}
			for k, v := range tt.files {
				files[k] = v
			}
			dir := tfRepo(t, files)
			for _, cmd := range [][]string{{"plan", "--all"}, {"drift"}, {"tools", "install"}} {
				code, stdout, stderr := runTools(t, srv, append([]string{"--chdir", dir}, cmd...)...)
				assert.Equal(t, app.ExitInput, code, "%v", cmd)
				lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
				assert.Equal(t, "tierdeploy: "+tt.want, lines[len(lines)-1], "%v: one sentence", cmd)
				assert.NotContains(t, stderr, "plan of stack started", "no stack ran")
				assert.NotRegexp(t, `(?m)^::`, stderr, "no line of the repository's starts a line")
				assert.Empty(t, stdout, "no report")
			}
			assert.Zero(t, srv.Hits(".zip"), "nothing was downloaded")
		})
	}
}

// stacksRepo has three tiers that ask for three releases: OpenTofu 1.10.12
// in tierdeploy.yaml, OpenTofu 1.9.1 in a version file, Terraform 1.5.7 in
// a .terraform-version file.
func stacksRepo(t *testing.T) string {
	return tfRepo(t, map[string]string{
		"tierdeploy.yaml": `version: 1
tiers:
  - name: current
    terraform:
      dir: current
      version: 1.10.12
  - name: older
    terraform:
      dir: older
  - name: legacy
    terraform:
      dir: legacy
`,
		"current/main.tf":           module(""),
		"older/main.tf":             module(""),
		"older/.opentofu-version":   "1.9.1\n",
		"legacy/main.tf":            module(""),
		"legacy/.terraform-version": "1.5.7\n",
	})
}

// TestStacksWithDifferentVersionsInOneRun: each stack runs its own
// release, installed in parallel in one invocation, Terraform 1.5.7 among
// them.
func TestStacksWithDifferentVersionsInOneRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu and Terraform")
	}
	testtools.Terraform157(t)
	cache := toolsEnv(t)
	srv := releaseServer(t, opentofu, "tofu@1.10.12", "tofu@1.9.1", "terraform@1.5.7")
	dir := stacksRepo(t)

	code, stdout, stderr := runTools(t, srv, "--chdir", dir, "plan", "--all", "--parallelism", "3")
	require.Equal(t, app.ExitOK, code, stderr)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	var used []string
	for _, m := range usingRe.FindAllStringSubmatch(stderr, -1) {
		used = append(used, m[1])
	}
	assert.ElementsMatch(t, []string{
		filepath.Join(cache, "tofu", "1.10.12", platform, "tofu"),
		filepath.Join(cache, "tofu", "1.9.1", platform, "tofu"),
		filepath.Join(cache, "terraform", "1.5.7", platform, "terraform"),
	}, used)
	assert.Contains(t, stdout, "Terraform: <code>current/default</code> <code>OpenTofu 1.10.12 (from tierdeploy.yaml:6 (terraform.version))</code>, "+
		"<code>older/default</code> <code>OpenTofu 1.9.1 (from older/.opentofu-version:1)</code>, "+
		"<code>legacy/default</code> <code>Terraform 1.5.7 (from legacy/.terraform-version:1)</code>")
	for _, a := range []string{"tofu_1.10.12_", "tofu_1.9.1_", "terraform_1.5.7_"} {
		assert.Equal(t, 1, srv.Hits(a+platform+".zip"), a)
	}
	// Terraform 1.5.7 initialized the legacy stack, OpenTofu the others.
	assert.Contains(t, stderr, `msg="Terraform has been successfully initialized!" stack=legacy/default`)
	assert.Contains(t, stderr, `msg="OpenTofu has been successfully initialized!" stack=current/default`)
	assert.Contains(t, stderr, `msg="OpenTofu has been successfully initialized!" stack=older/default`)
}

// TestToolsInstallThenOffline: tools install fills the tool cache; an
// offline plan then makes no request at all. Offline without the cache
// says what is missing.
func TestToolsInstallThenOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	cache := toolsEnv(t)
	srv := releaseServer(t, map[tfversion.Product][]string{tfversion.OpenTofu: opentofu[tfversion.OpenTofu]}, "tofu@1.10.12", "tofu@1.9.1")
	dir := tfRepo(t, map[string]string{
		"tierdeploy.yaml":         "version: 1\ntiers:\n  - name: current\n    terraform:\n      dir: current\n      version: 1.10.12\n  - name: older\n    terraform:\n      dir: older\n",
		"current/main.tf":         module(""),
		"older/main.tf":           module(""),
		"older/.opentofu-version": "1.9.1\n",
	})

	// Offline with an empty cache: the stacks fail, saying what is missing.
	code, stdout, stderr := runTools(t, srv, "--chdir", dir, "--offline", "plan", "--all")
	require.Equal(t, app.ExitFailed, code, stderr)
	assert.Contains(t, stdout, "offline mode: OpenTofu 1.10.12 (asked for at tierdeploy.yaml:6 (terraform.version)) is neither in the tool cache "+cache)
	n, _ := srv.Requests()
	require.Zero(t, n)

	// version says what each stack would use, downloading nothing.
	code, stdout, _ = runTools(t, srv, "--chdir", dir, "version")
	require.Equal(t, app.ExitOK, code)
	assert.Contains(t, stdout, "\ncurrent/default  OpenTofu 1.10.12 (from tierdeploy.yaml:6 (terraform.version)), to download\n")
	assert.Contains(t, stdout, "\nolder/default    OpenTofu 1.9.1 (from older/.opentofu-version:1), to download\n")
	assert.Zero(t, srv.Hits(".zip"))

	code, stdout, stderr = runTools(t, srv, "--chdir", dir, "tools", "install")
	require.Equal(t, app.ExitOK, code, stderr)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	assert.Equal(t, "current/default  OpenTofu 1.10.12 (from tierdeploy.yaml:6 (terraform.version)), downloaded and verified at "+
		filepath.Join(cache, "tofu", "1.10.12", platform, "tofu")+"\n"+
		"older/default    OpenTofu 1.9.1 (from older/.opentofu-version:1), downloaded and verified at "+
		filepath.Join(cache, "tofu", "1.9.1", platform, "tofu")+"\n", stdout)

	before, _ := srv.Requests()
	t.Setenv(app.OfflineVar, "true")
	code, stdout, stderr = runTools(t, srv, "--chdir", dir, "plan", "--all")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, "OpenTofu 1.9.1 (from older/.opentofu-version:1)")
	after, paths := srv.Requests()
	assert.Equal(t, before, after, "an offline plan makes no request: %v", paths)

	code, stdout, _ = runTools(t, srv, "--chdir", dir, "version")
	require.Equal(t, app.ExitOK, code)
	assert.Contains(t, stdout, "\ncurrent/default  OpenTofu 1.10.12 (from tierdeploy.yaml:6 (terraform.version)), cached at "+filepath.Join(cache, "tofu", "1.10.12", platform, "tofu")+"\n")
}

// TestToolMirror: --tool-mirror, else TIERDEPLOY_TOOL_MIRROR, else
// terraform.mirror sends every request to the mirror.
func TestToolMirror(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tierdeploy against a release server")
	}
	toolsEnv(t)
	srv := releaseServer(t, opentofu)
	dir := tfRepo(t, map[string]string{"tierdeploy.yaml": oneTier, "infra/main.tf": module("~> 1.11.0")})

	code, stdout, stderr := runTools(t, srv, "--chdir", dir, "tools", "install", "--tool-mirror", srv.MirrorURL())
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, "infra/default  OpenTofu 1.11.0 (~> 1.11.0 from infra/main.tf:2 (required_version)), downloaded and verified at ")
	_, paths := srv.Requests()
	for _, p := range paths {
		assert.True(t, strings.HasPrefix(p, "/mirror/"), "request to %s", p)
	}
	assert.Equal(t, 1, srv.Hits("/mirror/tofu/api.json"))
	assert.Contains(t, stderr, `msg="Terraform and OpenTofu releases come from a mirror" mirror=`+srv.MirrorURL()+` "set by"=--tool-mirror`)

	// The variable, with credentials: never shown.
	t.Setenv(app.ToolMirrorVar, "https://user:hunter2-secret@"+strings.TrimPrefix(srv.MirrorURL(), "https://"))
	code, _, stderr = runTools(t, srv, "--chdir", dir, "version")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Equal(t, 2, srv.Hits("/mirror/tofu/api.json"))
	assert.Contains(t, stderr, `"set by"=TIERDEPLOY_TOOL_MIRROR`)
	t.Setenv(app.ToolMirrorVar, "https://user:hunter2-secret@mirror.example/r?x=1")
	code, stdout, stderr = runTools(t, srv, "--chdir", dir, "plan", "--all")
	assert.Equal(t, app.ExitInput, code)
	assert.Equal(t, "tierdeploy: TIERDEPLOY_TOOL_MIRROR: mirror URL https://xxxxx@mirror.example/r?… must be a base URL without ? or #\n", lastLines(stderr, 1)+"\n")
	assert.NotContains(t, stdout+stderr, "hunter2")
	assert.NotContains(t, stdout+stderr, "x=1", "a query may hold a token too")
}

// TestVersionFilesFromTheRepositoryRoot: with the configuration in a
// subdirectory, version files are looked for up to the repository root, and
// places are named from it; a version file that is a symbolic link out of
// the repository is not read.
func TestVersionFilesFromTheRepositoryRoot(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tierdeploy against a release server")
	}
	toolsEnv(t)
	srv := releaseServer(t, opentofu)
	dir := tfRepo(t, map[string]string{
		"deploy/tierdeploy.yaml": oneTier + "      version: 1.9.1\n",
		"deploy/infra/main.tf":   module(""),
		".opentofu-version":      "1.11.0\n",
	})
	code, stdout, stderr := runTools(t, srv, "--chdir", filepath.Join(dir, "deploy"), "version")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, "\ninfra/default  OpenTofu 1.9.1 (from deploy/tierdeploy.yaml:6 (terraform.version)), to download\n")

	dir = tfRepo(t, map[string]string{
		"deploy/tierdeploy.yaml": oneTier,
		"deploy/infra/main.tf":   module(""),
		".opentofu-version":      "1.11.0\n",
	})
	code, stdout, stderr = runTools(t, srv, "--chdir", filepath.Join(dir, "deploy"), "version")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, "\ninfra/default  OpenTofu 1.11.0 (from .opentofu-version:1), to download\n")

	// The configuration's own check refuses links in stage directories;
	// above them, the repository root keeps the read inside.
	outside := filepath.Join(t.TempDir(), "version")
	require.NoError(t, os.WriteFile(outside, []byte("1.10.12-escaped\n"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(dir, ".opentofu-version")))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, ".opentofu-version")))
	code, stdout, stderr = runTools(t, srv, "--chdir", filepath.Join(dir, "deploy"), "plan", "--all")
	assert.Equal(t, app.ExitInput, code)
	assert.Contains(t, stderr, "tierdeploy: infra/default: .opentofu-version: cannot be read: ")
	assert.NotContains(t, stdout+stderr, "escaped", "the file outside the repository is not read")
}
