package testtools

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var rootOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
})

// Root returns the repository root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	root, err := rootOnce()
	if err != nil {
		t.Fatalf("find repository root: %v", err)
	}
	return root
}

// Dir returns the tools directory: $TIERDEPLOY_TOOLS, else <root>/.tools.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("TIERDEPLOY_TOOLS"); d != "" {
		return d
	}
	return filepath.Join(Root(t), ".tools")
}

// Require returns the absolute path of rel inside the tools directory. When
// it does not exist the test is skipped, or failed when CI is set; component
// names the scripts/install-tools.sh component that installs it.
func Require(t testing.TB, component, rel string) string {
	t.Helper()
	p := filepath.Join(Dir(t), rel)
	if _, err := os.Stat(p); err != nil {
		msg := p + " is missing: run scripts/install-tools.sh " + component + " (make test does)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// Tofu returns the path of the OpenTofu binary.
func Tofu(t testing.TB) string {
	t.Helper()
	return Require(t, "tofu", filepath.Join("bin", "tofu"))
}

// TofuEnv returns the environment for running tofu offline: the CLI config
// that points at the providers' filesystem mirror, a plugin cache in a
// temporary directory and no checkpoint calls.
func TofuEnv(t testing.TB) []string {
	t.Helper()
	rc := Require(t, "providers", "tofu.tfrc")
	return []string{
		"TF_CLI_CONFIG_FILE=" + rc,
		"TF_PLUGIN_CACHE_DIR=" + t.TempDir(),
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
	}
}

// SharedTestdata returns the absolute path of rel inside the test data from
// the outside world (../shared/testdata beside the repository, or
// $TIERDEPLOY_SHARED_TESTDATA), such as the official Airflow chart. When it
// is missing the test is skipped, or failed when CI is set.
func SharedTestdata(t testing.TB, rel string) string {
	t.Helper()
	dir := os.Getenv("TIERDEPLOY_SHARED_TESTDATA")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(Root(t)), "shared", "testdata")
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		msg := p + " is missing: the shared test data must sit beside the repository (../shared/testdata) or be named by TIERDEPLOY_SHARED_TESTDATA"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}
