package tfinstall_test

import (
	"bytes"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

var linuxAMD64 = tfinstall.Platform{OS: "linux", Arch: "amd64"}

// published is the release listing of most tests.
var published = map[tfversion.Product][]string{
	tfversion.OpenTofu:  {"1.9.1", "1.10.0", "1.10.6", "1.10.7", "1.11.0-rc1", "1.11.0"},
	tfversion.Terraform: {"1.5.7", "1.9.8", "1.10.5"},
}

func noPath(string) (string, error) { return "", exec.ErrNotFound }

// logBuffer collects an installer's log.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newInstaller returns an installer on srv for linux_amd64 with an empty
// cache (unless mod sets one) and nothing on PATH.
func newInstaller(t *testing.T, srv *releasetest.Server, mod func(*tfinstall.Options)) (*tfinstall.Installer, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	opts := srv.Options()
	opts.CacheDir = t.TempDir()
	opts.LookPath = noPath
	opts.Platform = linuxAMD64
	opts.Log = slog.New(slog.NewTextHandler(logs, nil))
	if mod != nil {
		mod(&opts)
	}
	in, err := tfinstall.New(opts)
	require.NoError(t, err)
	return in, logs
}

// ask returns a request for product p and want, as a version file at the
// repository root would make it.
func ask(t *testing.T, p tfversion.Product, want string) tfversion.Request {
	t.Helper()
	w, err := tfversion.ParseWant(want)
	require.NoError(t, err)
	name := tfversion.OpenTofuVersionFile
	if p == tfversion.Terraform {
		name = tfversion.TerraformVersionFile
	}
	return tfversion.Request{Product: p, Want: w, Source: tfversion.Source{Origin: tfversion.FromVersionFile, File: name, Line: 1}}
}

// requireNoFile fails when dir holds a file called name anywhere below it.
func requireNoBinary(t *testing.T, dir string) {
	t.Helper()
	_ = walk(dir, func(path string, info os.FileInfo) {
		if info.Mode().IsRegular() && (info.Name() == "tofu" || info.Name() == "terraform") {
			t.Fatalf("%s was left in the cache", path)
		}
	})
}

func walk(dir string, fn func(string, os.FileInfo)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := dir + "/" + e.Name()
		info, err := os.Lstat(p)
		if err != nil {
			continue
		}
		fn(p, info)
		if info.IsDir() {
			_ = walk(p, fn)
		}
	}
	return nil
}
