package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const symlinkConfig = `version: 1
tiers:
  - name: infrastructure
    terraform:
      dir: infra/{environment}
      var_files: [infra/common.tfvars]
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    helm:
      - release: app
        chart: charts/app
        values: ["values/{environment}.yaml"]
`

// symlinkRepo writes a valid repository for symlinkConfig and, outside it,
// a file and a directory standing for a kubeconfig and a home directory.
func symlinkRepo(t *testing.T) (repo, secretFile, secretDir string) {
	t.Helper()
	repo, outside := t.TempDir(), t.TempDir()
	files := map[string]string{
		"tierdeploy.yaml":               symlinkConfig,
		"infra/default/main.tf":         "",
		"infra/common.tfvars":           "",
		"charts/app/Chart.yaml":         "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"charts/app/templates/cm.yaml":  "",
		"values/default.yaml":           "replicas: 1\n",
		"shared/values.yaml":            "replicas: 2\n",
		"infra/default/.terraform/keep": "",
	}
	for p, body := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(repo, p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, p), []byte(body), 0o644))
	}
	secretFile = filepath.Join(outside, "kubeconfig")
	require.NoError(t, os.WriteFile(secretFile, []byte("token: planted-secret\n"), 0o600))
	secretDir = filepath.Join(outside, "home")
	require.NoError(t, os.MkdirAll(secretDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(secretDir, "default.yaml"), []byte("token: planted-secret\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(secretDir, "main.tf"), []byte(""), 0o600))
	return repo, secretFile, secretDir
}

// replaceWithLink replaces the path rel of repo by a symbolic link to target.
func replaceWithLink(t *testing.T, repo, rel, target string) {
	t.Helper()
	p := filepath.Join(repo, rel)
	require.NoError(t, os.RemoveAll(p))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.Symlink(target, p))
}

// TestSymlinkEscapeRefused plants symbolic links from the repository to
// files outside it, where a pull request could put them, and checks that
// loading the configuration refuses each as bad input naming the path, so
// that nothing outside the repository is read, rendered into a diff or
// quoted in an error.
func TestSymlinkEscapeRefused(t *testing.T) {
	tests := []struct {
		name  string
		plant func(t *testing.T, repo, secretFile, secretDir string)
		key   string
		path  string
	}{
		{"values file links to a file outside", func(t *testing.T, repo, f, _ string) {
			replaceWithLink(t, repo, "values/default.yaml", f)
		}, "tiers[1].helm[0].values[0]", "values/default.yaml"},
		{"values file under a linked directory", func(t *testing.T, repo, _, d string) {
			replaceWithLink(t, repo, "values", d)
		}, "tiers[1].helm[0].values[0]", "values/default.yaml"},
		{"var file links outside", func(t *testing.T, repo, f, _ string) {
			replaceWithLink(t, repo, "infra/common.tfvars", f)
		}, "tiers[0].terraform.var_files[0]", "infra/common.tfvars"},
		{"stage directory links outside", func(t *testing.T, repo, _, d string) {
			replaceWithLink(t, repo, "infra/default", d)
		}, "tiers[0].terraform.dir", "infra/default"},
		{"file in the stage directory links outside", func(t *testing.T, repo, f, _ string) {
			replaceWithLink(t, repo, "infra/default/secrets.auto.tfvars", f)
		}, "tiers[0].terraform.dir", "infra/default/secrets.auto.tfvars"},
		{"chart template links outside", func(t *testing.T, repo, f, _ string) {
			replaceWithLink(t, repo, "charts/app/templates/leak.yaml", f)
		}, "tiers[1].helm[0].chart", "charts/app/templates/leak.yaml"},
		{"chart file links through a link inside the repository", func(t *testing.T, repo, f, _ string) {
			replaceWithLink(t, repo, "shared/leak", f)
			replaceWithLink(t, repo, "charts/app/files", "../../shared")
		}, "tiers[1].helm[0].chart", "charts/app/files/leak"},
		{"chart directory links outside", func(t *testing.T, repo, _, d string) {
			require.NoError(t, os.WriteFile(filepath.Join(d, "Chart.yaml"), []byte("apiVersion: v2\nname: app\nversion: 0.1.0\n"), 0o600))
			replaceWithLink(t, repo, "charts/app", d)
		}, "tiers[1].helm[0].chart", "charts/app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo, f, d := symlinkRepo(t)
			tt.plant(t, repo, f, d)
			_, err := Load(filepath.Join(repo, "tierdeploy.yaml"))
			var errs *Errors
			require.True(t, errors.As(err, &errs), "refused as a bad configuration: %v", err)
			require.Len(t, errs.Problems, 1)
			assert.Equal(t, tt.key, errs.Problems[0].Key)
			assert.Contains(t, errs.Problems[0].Message, tt.path)
			assert.Contains(t, errs.Problems[0].Message, "outside the repository")
			assert.NotContains(t, err.Error(), "planted-secret")
		})
	}
}

// TestConfigFileLinkedOutsideRefused checks the configuration file itself.
func TestConfigFileLinkedOutsideRefused(t *testing.T) {
	repo, f, _ := symlinkRepo(t)
	require.NoError(t, os.WriteFile(f, []byte(symlinkConfig), 0o600))
	replaceWithLink(t, repo, "tierdeploy.yaml", f)
	_, err := Load(filepath.Join(repo, "tierdeploy.yaml"))
	var errs *Errors
	require.True(t, errors.As(err, &errs), "%v", err)
	assert.Contains(t, err.Error(), "is a symbolic link to "+f)
}

// TestSymlinksInsideTheRepositoryAllowed checks the links a repository
// legitimately has: to files inside it, and Terraform's own links into the
// provider plugin cache.
func TestSymlinksInsideTheRepositoryAllowed(t *testing.T) {
	repo, f, _ := symlinkRepo(t)
	replaceWithLink(t, repo, "values/default.yaml", "../shared/values.yaml")
	replaceWithLink(t, repo, "charts/app/templates/shared.yaml", "../../../shared/values.yaml")
	replaceWithLink(t, repo, "infra/default/.terraform/providers/plugin", f)
	replaceWithLink(t, repo, "charts/app/dangling", filepath.Join(repo, "missing"))
	linkedRepo := filepath.Join(t.TempDir(), "checkout")
	require.NoError(t, os.Symlink(repo, linkedRepo))
	for _, p := range []string{filepath.Join(repo, "tierdeploy.yaml"), filepath.Join(linkedRepo, "tierdeploy.yaml")} {
		_, err := Load(p)
		require.NoError(t, err, p)
	}
}

// TestCheckCommandLinkedOutsideRefused plants a check command that is a
// link to a program outside the repository: a relative command path names
// a file of the repository, so it must resolve inside it like every other.
func TestCheckCommandLinkedOutsideRefused(t *testing.T) {
	repo, f, _ := symlinkRepo(t)
	cfg := symlinkConfig + "    checks:\n      - name: lint\n        command: [scripts/lint.sh, \"{input}\"]\n"
	require.NoError(t, os.WriteFile(filepath.Join(repo, "tierdeploy.yaml"), []byte(cfg), 0o644))
	require.NoError(t, os.Chmod(f, 0o700))
	replaceWithLink(t, repo, "scripts/lint.sh", f)
	_, err := Load(filepath.Join(repo, "tierdeploy.yaml"))
	var errs *Errors
	require.True(t, errors.As(err, &errs), "refused as a bad configuration: %v", err)
	require.Len(t, errs.Problems, 1)
	assert.Equal(t, "tiers[1].checks[0].command[0]", errs.Problems[0].Key)
	assert.Contains(t, errs.Problems[0].Message, "scripts/lint.sh leads outside the repository")
	assert.NotContains(t, err.Error(), "planted-secret")

	replaceWithLink(t, repo, "scripts/lint.sh", "../infra/common.tfvars")
	_, err = Load(filepath.Join(repo, "tierdeploy.yaml"))
	require.NoError(t, err, "a link inside the repository is kept")
}
