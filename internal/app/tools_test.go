package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
)

// sourcedTools is a toolchain that installs: it records the tool source
// each command gives it, and answers by stage directory.
type sourcedTools struct {
	fakeTools
	mu      sync.Mutex
	sources []ToolSource
	// answer returns the binary of a request; install says whether it is
	// FindTerraform asking.
	answer func(req deploy.BinaryRequest, install bool) (deploy.Binary, error)
	calls  []string
}

// WithSource refuses a mirror that does not start with https://, as
// cmd/action's toolchain refuses one that tfinstall cannot use.
func (s *sourcedTools) WithSource(src ToolSource) (deploy.Toolchain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if src.Mirror != "" && !strings.HasPrefix(src.Mirror, "https://") {
		return nil, fmt.Errorf("mirror URL %s must start with https://", redacted(src.Mirror))
	}
	s.sources = append(s.sources, ToolSource{Mirror: src.Mirror, Offline: src.Offline})
	return s, nil
}

func (s *sourcedTools) SelectTerraform(_ context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	s.mu.Lock()
	s.calls = append(s.calls, "select "+req.Dir)
	s.mu.Unlock()
	return s.answer(req, false)
}

func (s *sourcedTools) FindTerraform(_ context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	s.mu.Lock()
	s.calls = append(s.calls, "install "+req.Dir)
	s.mu.Unlock()
	return s.answer(req, true)
}

func tofu(req deploy.BinaryRequest, install bool) (deploy.Binary, error) {
	b := deploy.Binary{Version: "OpenTofu 1.10.7", Choice: "OpenTofu 1.10.7 (~> 1.10.0 from " + req.Dir + "/versions.tf:2 (required_version))",
		Location: "to download"}
	if install {
		b.Path, b.Location = "/cache/tofu/1.10.7/linux_amd64/tofu", "downloaded and verified"
	}
	return b, nil
}

// runTools runs the command line with tools and env, and returns the exit
// code, stdout and stderr.
func runWithTools(t *testing.T, tools deploy.Toolchain, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), Deps{
		Args: args, Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools:  tools,
	})
	return code, stdout.String(), stderr.String()
}

func toolsRepo(t *testing.T, settings string) *gittest.Repo {
	t.Helper()
	r := newRepo(t)
	if settings != "" {
		r.Write(map[string]string{"tierdeploy.yaml": strings.Replace(repoConfig, "version: 1\n", "version: 1\nterraform:\n"+settings, 1)})
	}
	return r
}

// TestToolSourcePrecedence: each setting comes from its flag, else its
// environment variable, else tierdeploy.yaml.
func TestToolSourcePrecedence(t *testing.T) {
	const (
		fileMirror = "https://file.example/releases"
		envMirror  = "https://env.example/releases"
		flagMirror = "https://flag.example/releases"
	)
	tests := []struct {
		name     string
		settings string
		env      map[string]string
		flags    []string
		want     ToolSource
	}{
		{name: "nothing set", want: ToolSource{}},
		{name: "configuration", settings: "  mirror: " + fileMirror + "\n  offline: true\n", want: ToolSource{Mirror: fileMirror, Offline: true}},
		{name: "variables over the configuration", settings: "  mirror: " + fileMirror + "\n  offline: true\n",
			env: map[string]string{ToolMirrorVar: envMirror, OfflineVar: "false"}, want: ToolSource{Mirror: envMirror}},
		{name: "flags over the variables", settings: "  mirror: " + fileMirror + "\n",
			env:   map[string]string{ToolMirrorVar: envMirror, OfflineVar: "true"},
			flags: []string{"--tool-mirror", flagMirror, "--offline=false"}, want: ToolSource{Mirror: flagMirror}},
		{name: "bare offline flag", flags: []string{"--offline"}, want: ToolSource{Offline: true}},
		{name: "empty values are not set", settings: "  mirror: " + fileMirror + "\n  offline: true\n",
			env:   map[string]string{ToolMirrorVar: "", OfflineVar: " "},
			flags: []string{"--tool-mirror="}, want: ToolSource{Mirror: fileMirror, Offline: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := toolsRepo(t, tt.settings)
			tools := &sourcedTools{answer: tofu}
			args := append([]string{"--chdir", r.Dir}, tt.flags...)
			code, _, stderr := runWithTools(t, tools, tt.env, append(args, "version")...)
			require.Equal(t, ExitOK, code, stderr)
			require.Equal(t, []ToolSource{tt.want}, tools.sources)
		})
	}
}

func TestToolSourceErrors(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		flags []string
		want  string
	}{
		{name: "offline variable", env: map[string]string{OfflineVar: "yes please"}, want: `TIERDEPLOY_OFFLINE must be true or false, not "yes please"`},
		{name: "offline flag", flags: []string{"--offline=maybe"}, want: `invalid boolean value "maybe" for -offline: must be true or false`},
		{name: "mirror flag", flags: []string{"--tool-mirror", "ftp://mirror.example/"}, want: "--tool-mirror: mirror URL ftp://mirror.example/ must start with https://"},
		{name: "mirror variable with credentials redacted", env: map[string]string{ToolMirrorVar: "ftp://user:hunter2-secret@mirror.example/r"},
			want: "TIERDEPLOY_TOOL_MIRROR: mirror URL ftp://user:xxxxx@mirror.example/r must start with https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := toolsRepo(t, "")
			tools := &sourcedTools{answer: tofu}
			args := append([]string{"--chdir", r.Dir}, tt.flags...)
			for _, cmd := range [][]string{{"version"}, {"tools", "install"}, {"plan", "--all"}} {
				code, stdout, stderr := runWithTools(t, tools, tt.env, append(append([]string{}, args...), cmd...)...)
				assert.Equal(t, ExitInput, code, "%v: %s", cmd, stderr)
				assert.Contains(t, stderr, tt.want, "%v", cmd)
				assert.NotContains(t, stderr+stdout, "hunter2")
			}
			assert.Empty(t, tools.calls, "nothing was selected or installed")
		})
	}
}

func TestVersionListsEachStack(t *testing.T) {
	r := toolsRepo(t, "")
	tools := &sourcedTools{answer: tofu}
	code, stdout, stderr := runWithTools(t, tools, nil, "--chdir", r.Dir, "version")
	require.Equal(t, ExitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 3, stdout)
	assert.True(t, strings.HasPrefix(lines[0], "tierdeploy "))
	assert.Equal(t, []string{
		"infrastructure/staging  OpenTofu 1.10.7 (~> 1.10.0 from infra/envs/staging/versions.tf:2 (required_version)), to download",
		"infrastructure/prod     OpenTofu 1.10.7 (~> 1.10.0 from infra/envs/prod/versions.tf:2 (required_version)), to download",
	}, lines[1:], "the project tier has no Terraform")
	assert.Equal(t, []string{"select infra/envs/staging", "select infra/envs/prod"}, tools.calls, "version installs nothing")
}

func TestVersionWithAVersionThatCannotBeHad(t *testing.T) {
	r := toolsRepo(t, "")
	tools := &sourcedTools{answer: func(req deploy.BinaryRequest, install bool) (deploy.Binary, error) {
		if req.Dir == "infra/envs/prod" {
			return deploy.Binary{}, &deploy.RequestError{Err: errors.New("OpenTofu 1.99.0 (asked for at infra/envs/prod/.opentofu-version:1) is not published at https://mirror.example/tofu/v1.99.0/tofu_1.99.0_SHA256SUMS")}
		}
		return tofu(req, install)
	}}
	code, stdout, stderr := runWithTools(t, tools, nil, "--chdir", r.Dir, "version")
	assert.Equal(t, ExitInput, code)
	assert.Contains(t, stdout, "infrastructure/staging  OpenTofu 1.10.7")
	assert.Contains(t, stdout, "infrastructure/prod     error: OpenTofu 1.99.0 (asked for at infra/envs/prod/.opentofu-version:1) is not published at")
	assert.Equal(t, "tierdeploy: infrastructure/prod: OpenTofu 1.99.0 (asked for at infra/envs/prod/.opentofu-version:1) is not published at https://mirror.example/tofu/v1.99.0/tofu_1.99.0_SHA256SUMS\n", stderr)
}

func TestVersionOutsideARepository(t *testing.T) {
	tools := &sourcedTools{answer: func(req deploy.BinaryRequest, _ bool) (deploy.Binary, error) {
		require.Equal(t, deploy.BinaryRequest{}, req, "no configuration: the binary on PATH")
		return deploy.Binary{Path: "/usr/local/bin/tofu", Version: "OpenTofu 1.10.10",
			Choice: "OpenTofu 1.10.10 (no version set, the binary on PATH)", Location: "on PATH"}, nil
	}}
	code, stdout, stderr := runWithTools(t, tools, nil, "--chdir", t.TempDir(), "version")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "\nterraform: OpenTofu 1.10.10 (no version set, the binary on PATH), on PATH at /usr/local/bin/tofu\n")
}

func TestToolsInstall(t *testing.T) {
	r := toolsRepo(t, "")
	tools := &sourcedTools{answer: tofu}
	code, stdout, stderr := runWithTools(t, tools, nil, "--chdir", r.Dir, "tools", "install", "--environment", "prod", "--parallelism", "2")
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "infrastructure/prod  OpenTofu 1.10.7 (~> 1.10.0 from infra/envs/prod/versions.tf:2 (required_version)), downloaded and verified at /cache/tofu/1.10.7/linux_amd64/tofu\n", stdout)
	assert.Equal(t, []string{"select infra/envs/prod", "install infra/envs/prod"}, tools.calls, "chosen before anything is installed")
}

func TestToolsInstallErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		answer func(req deploy.BinaryRequest, install bool) (deploy.Binary, error)
		code   int
		stdout string
		stderr string
		calls  []string
	}{
		{name: "no subcommand", args: []string{"tools"}, code: ExitInput,
			stderr: "tools: the only subcommand is install: tierdeploy tools install [--tier T]... [--environment E]..."},
		{name: "unknown subcommand", args: []string{"tools", "upgrade"}, code: ExitInput, stderr: "the only subcommand is install"},
		{name: "unknown tier", args: []string{"tools", "install", "--tier", "nope"}, code: ExitInput, stderr: `tier "nope" is not in the configuration`},
		{name: "bad pin: nothing installed", args: []string{"tools", "install"}, code: ExitInput,
			answer: func(req deploy.BinaryRequest, install bool) (deploy.Binary, error) {
				if req.Dir == "infra/envs/staging" {
					return deploy.Binary{}, &deploy.RequestError{Err: errors.New("no OpenTofu release satisfies ~> 1.99.0 (asked for at infra/envs/staging/versions.tf:2 (required_version)); the newest is 1.11.0")}
				}
				return tofu(req, install)
			},
			stderr: "tierdeploy: infrastructure/staging: no OpenTofu release satisfies ~> 1.99.0 (asked for at infra/envs/staging/versions.tf:2 (required_version)); the newest is 1.11.0\n",
			calls:  []string{"select infra/envs/staging", "select infra/envs/prod"}},
		{name: "download fails", args: []string{"tools", "install"}, code: ExitFailed,
			answer: func(req deploy.BinaryRequest, install bool) (deploy.Binary, error) {
				if install && req.Dir == "infra/envs/prod" {
					return deploy.Binary{}, fmt.Errorf("install OpenTofu 1.10.7: download https://mirror.example/tofu/v1.10.7/tofu_1.10.7_linux_amd64.zip: 503 Service Unavailable")
				}
				return tofu(req, install)
			},
			stdout: "infrastructure/prod     error: install OpenTofu 1.10.7: download https://mirror.example/tofu/v1.10.7/tofu_1.10.7_linux_amd64.zip: 503 Service Unavailable\n",
			stderr: "tierdeploy: 1 of 2 stacks have no Terraform or OpenTofu binary: infrastructure/prod (see above)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := toolsRepo(t, "")
			answer := tt.answer
			if answer == nil {
				answer = tofu
			}
			tools := &sourcedTools{answer: answer}
			code, stdout, stderr := runWithTools(t, tools, nil, append([]string{"--chdir", r.Dir}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stdout, tt.stdout)
			if strings.HasSuffix(tt.stderr, "\n") {
				assert.True(t, strings.HasSuffix(stderr, tt.stderr), "stderr: %s", stderr)
			} else {
				assert.Contains(t, stderr, tt.stderr)
			}
			if tt.calls != nil {
				assert.Equal(t, tt.calls, tools.calls)
			}
		})
	}
}
