package tfinstall_test

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// The real OpenTofu binary, packed as releases are, comes out of the
// installer verified and runs. (It says it is 1.10.10 whatever release it
// is served as; the installer's job is the download and the checks.)
func TestInstallRealOpenTofu(t *testing.T) {
	tofu := testtools.Tofu(t)
	binary, err := os.ReadFile(tofu)
	require.NoError(t, err)
	host := tfinstall.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	srv := releasetest.New(t, releasetest.Options{
		Releases:  map[tfversion.Product][]string{tfversion.OpenTofu: {"1.10.9", "1.10.10", "1.11.0"}},
		Platforms: []tfinstall.Platform{host},
		Binary:    func(tfversion.Product, string, tfinstall.Platform) []byte { return binary },
	})
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.Platform = host })
	start := time.Now()
	b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.NoError(t, err)
	t.Logf("installed %d MB in %v", len(binary)>>20, time.Since(start).Round(time.Millisecond))
	require.Equal(t, "1.10.10", b.Version)
	v, err := tfinstall.ProbeVersion(t.Context(), b.Path)
	require.NoError(t, err)
	require.Equal(t, "1.10.10", v)

	// The next run checks the cached binary against its recorded SHA-256.
	again, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.Platform, o.CacheDir = host, in.CacheDir() })
	start = time.Now()
	b2, err := again.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.10"))
	require.NoError(t, err)
	t.Logf("cache hit checked in %v", time.Since(start).Round(time.Millisecond))
	require.Equal(t, tfinstall.InCache, b2.Location)
}

// Terraform 1.11 on the machine's PATH is found, asked its version by the
// real probe, and used offline for a constraint it satisfies.
func TestRealTerraformOnPath(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("terraform is not on PATH")
		}
		t.Skip("terraform is not on PATH")
	}
	in, err := tfinstall.New(tfinstall.Options{CacheDir: t.TempDir(), Offline: true})
	require.NoError(t, err)
	b, err := in.Install(t.Context(), ask(t, tfversion.Terraform, ">= 1.11.0"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.OnPath, b.Location)
	require.Regexp(t, `^1\.1[1-9]\.`, b.Version)
}
