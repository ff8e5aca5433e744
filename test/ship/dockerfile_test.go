package ship

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/stretchr/testify/require"
)

// dockerfile is the repository's Dockerfile, parsed.
type dockerfile struct {
	stages []instructions.Stage
	// args are the ARGs before the first FROM, with their defaults.
	args map[string]string
}

func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(readFile(t, "Dockerfile")))
	require.NoError(t, err)
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile:%d: %s", w.Location.Start.Line, w.Short)
	}
	stages, meta, err := instructions.Parse(res.AST, nil)
	require.NoError(t, err)
	d := dockerfile{stages: stages, args: map[string]string{}}
	for _, a := range meta {
		for _, kv := range a.Args {
			d.args[kv.Key] = kv.ValueString()
		}
	}
	return d
}

// final returns the stage the image is made of: the last one.
func (d dockerfile) final() instructions.Stage { return d.stages[len(d.stages)-1] }

// stage returns the stage named name.
func (d dockerfile) stage(t *testing.T, name string) instructions.Stage {
	t.Helper()
	i, ok := instructions.HasStage(d.stages, name)
	require.True(t, ok, "the Dockerfile has no stage %q", name)
	return d.stages[i]
}

// base returns the stage's base image with the meta ARGs expanded.
func (d dockerfile) base(s instructions.Stage) string {
	return os.Expand(s.BaseName, func(k string) string { return d.args[k] })
}

// runs returns the command lines of the stage's RUN instructions.
func runs(s instructions.Stage) []string {
	var out []string
	for _, c := range s.Commands {
		if r, ok := c.(*instructions.RunCommand); ok {
			out = append(out, strings.Join(r.CmdLine, " "))
		}
	}
	return out
}

func TestDockerfileStages(t *testing.T) {
	d := parseDockerfile(t)
	var names []string
	for _, s := range d.stages {
		names = append(names, s.Name)
	}
	require.Equal(t, []string{"tools", "build", "runtime"}, names,
		"stages: tools (OpenTofu, Terraform), build (tierdeploy), runtime (the image)")

	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(readFile(t, "go.mod"))
	require.NotNil(t, goVersion, "go.mod has no go directive")
	require.Equal(t, string(goVersion[1]), d.args["GO_VERSION"], "build with the Go release go.mod names")
	require.Regexp(t, `^\d+\.\d+$`, d.args["ALPINE_VERSION"], "pin the Alpine release")

	for _, name := range []string{"tools", "build"} {
		require.Equal(t, "golang:"+d.args["GO_VERSION"]+"-bookworm", d.base(d.stage(t, name)), "stage %s", name)
	}
	require.Equal(t, "alpine:"+d.args["ALPINE_VERSION"], d.base(d.final()))
}

func TestDockerfileRuntimeRunsAsNonRoot(t *testing.T) {
	final := parseDockerfile(t).final()
	user, userAt, entryAt := "", -1, -1
	for i, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user, userAt = c.User, i
		case *instructions.EntrypointCommand:
			entryAt = i
			require.False(t, c.PrependShell, "ENTRYPOINT in exec form: the action's args go straight to tierdeploy")
			require.Equal(t, []string{"/usr/local/bin/tierdeploy"}, c.CmdLine)
		}
	}
	require.NotEqual(t, -1, userAt, "the runtime stage sets no USER, so the image runs as root")
	require.NotEqual(t, -1, entryAt, "the runtime stage has no ENTRYPOINT")
	require.Less(t, userAt, entryAt, "set USER before ENTRYPOINT")
	uid, gid, _ := strings.Cut(user, ":")
	require.Regexp(t, `^[1-9][0-9]*$`, uid, "USER %s: a numeric, non-zero UID (Kubernetes runAsNonRoot checks it)", user)
	require.NotEqual(t, "0", gid, "USER %s: not the root group", user)
	require.Equal(t, "1001", uid, "the UID of GitHub-hosted runners' user, which owns the workspace")
}

func TestDockerfileEndsWithSmokeCheck(t *testing.T) {
	final := parseDockerfile(t).final()
	last, ok := final.Commands[len(final.Commands)-1].(*instructions.RunCommand)
	require.True(t, ok, "the last instruction should be the smoke check RUN")
	line := strings.Join(last.CmdLine, " ")
	for _, want := range []string{"tierdeploy --version", "tofu version", "git --version"} {
		require.Contains(t, line, want)
	}
}

func TestDockerfileBuildsWithVersion(t *testing.T) {
	build := parseDockerfile(t).stage(t, "build")
	hasArg := false
	for _, c := range build.Commands {
		if a, ok := c.(*instructions.ArgCommand); ok {
			for _, kv := range a.Args {
				hasArg = hasArg || kv.Key == "VERSION"
			}
		}
	}
	require.True(t, hasArg, "the build stage declares no ARG VERSION")
	found := false
	for _, r := range runs(build) {
		if strings.Contains(r, "go build") {
			found = true
			require.Contains(t, r, "-X github.com/tierdeploy/tierdeploy/internal/app.version=${VERSION}")
			require.Contains(t, r, "./cmd/action")
			require.Contains(t, r, "-trimpath")
		}
	}
	require.True(t, found, "the build stage runs no go build")
}

// outputRe finds what a RUN line writes: go build -o FILE, GOBIN=DIR.
var outputRe = regexp.MustCompile(`(?:^|\s)(?:-o\s+|GOBIN=)([^\s;&|]+)`)

// produced returns the paths the stage's RUN instructions write.
func produced(s instructions.Stage) []string {
	var out []string
	for _, r := range runs(s) {
		for _, m := range outputRe.FindAllStringSubmatch(r, -1) {
			out = append(out, path.Clean(m[1]))
		}
	}
	return out
}

func TestDockerfileCopiesOnlyWhatTheBuildMakes(t *testing.T) {
	d := parseDockerfile(t)
	allowed := dockerignoreIncludes(t)
	for i, s := range d.stages {
		for _, c := range s.Commands {
			cp, ok := c.(*instructions.CopyCommand)
			if !ok {
				continue
			}
			for _, src := range cp.SourcePaths {
				src := path.Clean(src)
				t.Run(s.Name+"/"+src, func(t *testing.T) {
					if cp.From == "" {
						_, err := os.Stat(filepath.Join(root, filepath.FromSlash(src)))
						require.NoError(t, err, "COPY %s: not in the repository", src)
						require.Contains(t, allowed, src, "COPY %s: .dockerignore keeps it out of the build context (add !%s)", src, src)
						return
					}
					from, ok := instructions.HasStage(d.stages, cp.From)
					require.True(t, ok, "COPY --from=%s: not a stage of this Dockerfile", cp.From)
					require.Less(t, from, i, "COPY --from=%s: a later stage", cp.From)
					outs := produced(d.stages[from])
					covered := slices.ContainsFunc(outs, func(p string) bool {
						return p == src || strings.HasPrefix(p, src+"/")
					})
					require.True(t, covered, "COPY --from=%s %s: no RUN of stage %s writes it (it writes %v)", cp.From, src, cp.From, outs)
				})
			}
		}
	}
}

// dockerignoreIncludes returns the paths .dockerignore lets back in after
// excluding everything ("*" then "!path" lines).
func dockerignoreIncludes(t *testing.T) []string {
	t.Helper()
	var first string
	var in []string
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, ".dockerignore")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if first == "" {
			first = line
		}
		if p, ok := strings.CutPrefix(line, "!"); ok {
			in = append(in, path.Clean(p))
		}
	}
	require.Equal(t, "*", first, ".dockerignore should exclude everything first and let paths back in")
	return in
}

func TestDockerfileContextHoldsTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("lists the packages with go list")
	}
	d := parseDockerfile(t)
	var copied []string
	for _, c := range d.stage(t, "build").Commands {
		if cp, ok := c.(*instructions.CopyCommand); ok && cp.From == "" {
			for _, s := range cp.SourcePaths {
				copied = append(copied, path.Clean(s))
			}
		}
	}
	abs, err := filepath.Abs(root)
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), "go", "list", "-deps",
		"-f", `{{if not .Standard}}{{.Dir}}|{{join .GoFiles ","}},{{join .EmbedFiles ","}}{{end}}`, "./cmd/action")
	cmd.Dir = abs
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", exitStderr(err))
	n := 0
	for line := range strings.Lines(string(out)) {
		dir, files, _ := strings.Cut(strings.TrimSpace(line), "|")
		rel, err := filepath.Rel(abs, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a dependency in the module cache
		}
		n++
		rel = filepath.ToSlash(rel)
		top, _, _ := strings.Cut(rel, "/")
		require.Contains(t, copied, top, "package %s is not copied into the build stage", rel)
		for f := range strings.SplitSeq(files, ",") {
			if f == "" {
				continue
			}
			require.NotContains(t, "/"+rel+"/"+f, "/testdata/", "%s/%s: .dockerignore leaves testdata out", rel, f)
		}
	}
	require.NotZero(t, n, "go list found no package of the module")
	for _, f := range []string{"go.mod", "go.sum"} {
		require.Contains(t, copied, f)
	}
}

func TestDockerfileRuntimeInstallsOnlyGitAndCertificates(t *testing.T) {
	final := parseDockerfile(t).final()
	var pkgs []string
	for _, r := range runs(final) {
		for _, cmd := range regexp.MustCompile(`&&|;`).Split(r, -1) {
			f := strings.Fields(cmd)
			if len(f) < 2 || f[0] != "apk" || f[1] != "add" {
				continue
			}
			for _, w := range f[2:] {
				if !strings.HasPrefix(w, "-") {
					pkgs = append(pkgs, w)
				}
			}
			require.Contains(t, f, "--no-cache", "apk add without --no-cache leaves the index in the image")
		}
	}
	slices.Sort(pkgs)
	require.Equal(t, []string{"ca-certificates", "git"}, pkgs)
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
