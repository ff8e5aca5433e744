package tfinstall_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// repo writes files (slash paths) into a new repository directory and
// returns a filesystem that stays inside it.
func repo(t *testing.T, files map[string]string) *os.Root {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	root, err := os.OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { root.Close() })
	return root
}

// resolveAndInstall is what the flow does for one stack.
func resolveAndInstall(t *testing.T, in *tfinstall.Installer, root *os.Root, input tfversion.Input) (tfinstall.Binary, error) {
	t.Helper()
	req, err := tfversion.Resolve(root.FS(), input)
	if err != nil {
		return tfinstall.Binary{}, err
	}
	return in.Install(t.Context(), req)
}

// A repository whose root module says required_version = "~> 1.10.0" gets
// the newest 1.10.x of the listing, with no setting at all.
func TestRequiredVersionInstallsNewestOfSeries(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)
	root := repo(t, map[string]string{
		"terraform/prod/main.tf":     "resource \"terraform_data\" \"x\" {}\n",
		"terraform/prod/versions.tf": "terraform {\n  required_version = \"~> 1.10.0\"\n}\n",
	})
	b, err := resolveAndInstall(t, in, root, tfversion.Input{Dir: "terraform/prod", DefaultProduct: tfversion.OpenTofu})
	require.NoError(t, err)
	require.Equal(t, "1.10.7", b.Version)
	require.Equal(t, tfinstall.Downloaded, b.Location)
	require.Equal(t, "OpenTofu 1.10.7 (~> 1.10.0 from terraform/prod/versions.tf:2 (required_version))", b.Summary())
}

// A pin that is not published fails in one sentence that names the version
// or constraint and where it was written.
func TestUnpublishedPinFails(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)
	root := repo(t, map[string]string{
		"infra/.opentofu-version": "1.99.0\n",
		"app/main.tf":             "",
	})
	_, err := resolveAndInstall(t, in, root, tfversion.Input{Dir: "infra"})
	require.EqualError(t, err, "OpenTofu 1.99.0 (asked for at infra/.opentofu-version:1) is not published at "+srv.OfficialURL()+"/tofu/v1.99.0/tofu_1.99.0_SHA256SUMS")

	_, err = resolveAndInstall(t, in, root, tfversion.Input{Dir: "app", Binary: "tofu", Version: "~> 2.0.0", VersionAt: tfversion.Source{File: "tierdeploy.yaml", Line: 14}})
	require.EqualError(t, err, "no OpenTofu release satisfies ~> 2.0.0 (asked for at tierdeploy.yaml:14 (terraform.version)); the newest is 1.11.0")
}

// A stack pinned to Terraform 1.5.7 (the release the image can add)
// resolves to it.
func TestTerraform157Pin(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)
	root := repo(t, map[string]string{".tool-versions": "terraform 1.5.7\n", "legacy/main.tf": ""})
	b, err := resolveAndInstall(t, in, root, tfversion.Input{Dir: "legacy"})
	require.NoError(t, err)
	require.Equal(t, tfversion.Terraform, b.Request.Product)
	require.Equal(t, "1.5.7", b.Version)
	require.Equal(t, "Terraform 1.5.7 (from .tool-versions:1)", b.Summary())
}

// Two stacks of one run that need different products and versions resolve
// and install at the same time.
func TestTwoStacksTwoVersions(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)
	root := repo(t, map[string]string{
		"infrastructure/prod/.terraform-version": "1.9.8\n",
		"infrastructure/prod/main.tf":            "",
		"project/prod/versions.tofu":             "terraform {\n  required_version = \">= 1.10.0, < 1.11.0\"\n}\n",
	})
	inputs := []tfversion.Input{{Dir: "infrastructure/prod"}, {Dir: "project/prod", Binary: "tofu"}}
	bins := make([]tfinstall.Binary, len(inputs))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	for i, input := range inputs {
		wg.Go(func() { bins[i], errs[i] = resolveAndInstall(t, in, root, input) })
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.Equal(t, "Terraform 1.9.8 (from infrastructure/prod/.terraform-version:1)", bins[0].Summary())
	require.Equal(t, "OpenTofu 1.10.7 (>= 1.10.0, < 1.11.0 from project/prod/versions.tofu:2 (required_version))", bins[1].Summary())
	for _, b := range bins {
		v, err := tfinstall.ProbeVersion(t.Context(), b.Path)
		require.NoError(t, err)
		require.Equal(t, b.Version, v)
	}
}
