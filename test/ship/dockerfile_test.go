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

// stageNames are the Dockerfile's stages in order: the target's Alpine
// (nothing runs in it), the cross-compiled tools and tierdeploy, the root
// file system assembled on the build machine, and the image.
var stageNames = []string{"base", "tools", "build", "rootfs", "runtime"}

func TestDockerfileStages(t *testing.T) {
	d := parseDockerfile(t)
	var names []string
	for _, s := range d.stages {
		names = append(names, s.Name)
	}
	require.Equal(t, stageNames, names)

	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(readFile(t, "go.mod"))
	require.NotNil(t, goVersion, "go.mod has no go directive")
	require.Equal(t, string(goVersion[1]), d.args["GO_VERSION"], "build with the Go release go.mod names")
	require.Regexp(t, `^\d+\.\d+$`, d.args["ALPINE_VERSION"], "pin the Alpine release")

	for _, name := range []string{"tools", "build"} {
		require.Equal(t, "golang:"+d.args["GO_VERSION"]+"-bookworm", d.base(d.stage(t, name)), "stage %s", name)
	}
	for _, name := range []string{"base", "rootfs"} {
		require.Equal(t, "alpine:"+d.args["ALPINE_VERSION"], d.base(d.stage(t, name)), "stage %s", name)
	}
	require.Equal(t, "scratch", d.base(d.final()), "the image is only copied together")
}

// TestDockerfileNeedsNoEmulation: `docker buildx build --platform
// linux/amd64,linux/arm64` runs every command on the build machine's own
// platform, so no stage may run a command in the target's: every stage with
// a RUN is FROM --platform=$BUILDPLATFORM, the Go builds cross-compile for
// TARGETOS/TARGETARCH, apk installs the target's packages into a root it
// does not run, and the image stage only copies.
func TestDockerfileNeedsNoEmulation(t *testing.T) {
	d := parseDockerfile(t)
	goBuilds := 0
	for _, s := range d.stages {
		r := runs(s)
		if len(r) > 0 {
			require.Equal(t, "$BUILDPLATFORM", s.Platform, "stage %s runs commands, so it must run on the build platform (FROM --platform=$BUILDPLATFORM)", s.Name)
		}
		for _, line := range r {
			for _, cmd := range regexp.MustCompile(`&&|;`).Split(line, -1) {
				if !regexp.MustCompile(`\bgo (-C \S+ )?build\b`).MatchString(cmd) {
					continue
				}
				goBuilds++
				require.Contains(t, cmd, `GOOS="$TARGETOS" GOARCH="$TARGETARCH"`, "stage %s: cross-compile for the target: %s", s.Name, cmd)
				require.True(t, stageDeclaresArgs(s, "TARGETOS", "TARGETARCH"), "stage %s uses TARGETOS and TARGETARCH without declaring them (ARG)", s.Name)
			}
		}
	}
	require.GreaterOrEqual(t, goBuilds, 2, "tofu and tierdeploy are cross-compiled")
	require.Empty(t, runs(d.final()), "the image stage runs nothing (it would run the target's binaries)")
	require.Empty(t, d.stage(t, "base").Commands, "the target's Alpine is only copied from")
}

// TestDockerfileOneDefaultOpenTofu: the image carries one OpenTofu release,
// which reports itself as that release (not a development build), so that
// tierdeploy reuses it for a stack that asks for it and downloads nothing;
// other releases, Terraform's too, are installed at run time (or by
// `tierdeploy tools install` in an image built from this one), not built
// in.
func TestDockerfileOneDefaultOpenTofu(t *testing.T) {
	d := parseDockerfile(t)
	tools := strings.Join(runs(d.stage(t, "tools")), "\n")
	require.Contains(t, tools, `-X github.com/opentofu/opentofu/version.dev=no`, "tofu version -json must name the release")
	require.Contains(t, tools, "-o /out/bin/tofu ./cmd/tofu")
	require.Equal(t, 1, strings.Count(tools, " build "), "one OpenTofu, nothing else")
	for _, s := range d.stages {
		for _, c := range s.Commands {
			if a, ok := c.(*instructions.ArgCommand); ok {
				for _, kv := range a.Args {
					require.NotContains(t, []string{"WITH_TERRAFORM", "TERRAFORM_VERSION"}, kv.Key,
						"stage %s: Terraform is installed at run time, not built into the image", s.Name)
				}
			}
		}
	}
	require.NotContains(t, string(readFile(t, "Dockerfile")), "hashicorp/terraform@")
}

func stageDeclaresArgs(s instructions.Stage, names ...string) bool {
	declared := map[string]bool{}
	for _, c := range s.Commands {
		if a, ok := c.(*instructions.ArgCommand); ok {
			for _, kv := range a.Args {
				declared[kv.Key] = true
			}
		}
	}
	for _, n := range names {
		if !declared[n] {
			return false
		}
	}
	return true
}

// TestDockerfileRuntimeRunsAsRoot: the image runs as root by default, which
// GitHub's Docker actions need (the runner's files belong to the runner's
// user, whatever its UID), and keeps the unprivileged user tierdeploy
// (1001:1001, with a home) for GitLab and Kubernetes.
func TestDockerfileRuntimeRunsAsRoot(t *testing.T) {
	d := parseDockerfile(t)
	final := d.final()
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
	require.NotEqual(t, -1, entryAt, "the runtime stage has no ENTRYPOINT")
	require.Contains(t, []string{"", "0", "0:0", "root", "root:root"}, user, "the image's default user must be root for GitHub's Docker actions")
	if userAt != -1 {
		require.Less(t, userAt, entryAt, "set USER before ENTRYPOINT")
	}

	rootfs := strings.Join(runs(d.stage(t, "rootfs")), "\n")
	for _, want := range []string{
		"'tierdeploy:x:1001:1001:tierdeploy:/home/tierdeploy:/bin/sh' >>/rootfs/etc/passwd",
		"'tierdeploy:x:1001:' >>/rootfs/etc/group",
		"install -d -o 1001 -g 1001 -m 0755 /rootfs/home/tierdeploy",
	} {
		require.Contains(t, rootfs, want, "the tierdeploy user (1001:1001) for GitLab and Kubernetes' runAsUser")
	}
	require.Equal(t, "[safe]\n\tdirectory = *\n", imageGitConfig(t), "git in the image trusts checkouts of any owner")
}

// imageGitConfig returns the /etc/gitconfig the image's root file system
// gets (a printf of the rootfs stage).
func imageGitConfig(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`printf '([^']*)' >/rootfs/etc/gitconfig`).FindStringSubmatch(strings.Join(runs(parseDockerfile(t).stage(t, "rootfs")), "\n"))
	require.NotNil(t, m, "the rootfs stage writes no /etc/gitconfig")
	return strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(m[1])
}

func TestDockerfileLicense(t *testing.T) {
	d := parseDockerfile(t)
	labels := map[string]string{}
	for _, c := range d.final().Commands {
		if l, ok := c.(*instructions.LabelCommand); ok {
			for _, kv := range l.Labels {
				labels[kv.Key] = strings.Trim(kv.Value, `"`)
			}
		}
	}
	require.Equal(t, "Apache-2.0", labels["org.opencontainers.image.licenses"])
	require.Equal(t, "https://github.com/tierdeploy/tierdeploy", labels["org.opencontainers.image.source"])
	require.Equal(t, "${VERSION}", labels["org.opencontainers.image.version"])
	require.Equal(t, "${REVISION}", labels["org.opencontainers.image.revision"])

	license := string(readFile(t, "LICENSE"))
	require.Contains(t, license, "Apache License\n                           Version 2.0, January 2004")
	require.Contains(t, license, "END OF TERMS AND CONDITIONS")
	copied := false
	for _, c := range d.stage(t, "build").Commands {
		if cp, ok := c.(*instructions.CopyCommand); ok && slices.Contains(cp.SourcePaths, "LICENSE") {
			copied = cp.DestPath == "/out/share/licenses/tierdeploy/LICENSE"
		}
	}
	require.True(t, copied, "the image carries tierdeploy's LICENSE (/usr/local/share/licenses/tierdeploy)")
	require.Contains(t, strings.Join(runs(d.stage(t, "tools")), "\n"), "/out/share/licenses/opentofu/LICENSE", "and OpenTofu's")
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

// outputRe finds what a RUN line writes: go build -o FILE, GOBIN=DIR,
// install -D ... FILE, a redirection into a file.
var outputRe = regexp.MustCompile(`(?:^|\s)(?:-o\s+|GOBIN=|install -D(?:\s+-m\s+\d+)?\s+\S+\s+|>>?)([^\s;&|]+)`)

// produced returns the paths the stage writes: what its RUN instructions
// write and where its COPY instructions copy to.
func produced(s instructions.Stage) []string {
	var out []string
	for _, r := range runs(s) {
		for _, m := range outputRe.FindAllStringSubmatch(r, -1) {
			out = append(out, path.Clean(m[1]))
		}
	}
	for _, c := range s.Commands {
		if cp, ok := c.(*instructions.CopyCommand); ok {
			out = append(out, path.Clean(cp.DestPath))
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
					if src == "/" {
						require.Empty(t, d.stages[from].Commands, "COPY --from=%s /: the whole file system of a base image stage only", cp.From)
						return
					}
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

// TestDockerfileInstallsOnlyGit: the image adds git (and the libraries it
// links) to the target's Alpine, whose base already holds the CA
// certificates bundle; apk unpacks the target's packages into the root file
// system without running their scripts, which are the target's binaries.
func TestDockerfileInstallsOnlyGit(t *testing.T) {
	d := parseDockerfile(t)
	var pkgs []string
	for _, s := range d.stages {
		for _, r := range runs(s) {
			for _, cmd := range regexp.MustCompile(`&&|;`).Split(r, -1) {
				f := strings.Fields(cmd)
				if len(f) < 2 || f[0] != "apk" || f[1] != "add" {
					continue
				}
				require.Equal(t, "rootfs", s.Name, "only the rootfs stage installs packages")
				for i := 2; i < len(f); i++ {
					switch {
					case f[i] == "--root" || f[i] == "--arch":
						i++
					case regexp.MustCompile(`^[a-z0-9][a-z0-9.+_-]*$`).MatchString(f[i]):
						pkgs = append(pkgs, f[i])
					}
				}
				for _, flag := range []string{"--no-cache", "--no-scripts", "--root", "--arch"} {
					require.Contains(t, f, flag, "apk add %s: %s", flag, cmd)
				}
				require.Contains(t, cmd, "--root /rootfs --arch \"$(cat /rootfs/etc/apk/arch)\"", "the target's architecture, from the target's Alpine")
			}
		}
	}
	require.Equal(t, []string{"git"}, pkgs)
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
