package policy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/terraform"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// awsProviderGlob finds the AWS provider that the machine image ships as a
// filesystem mirror for registry.terraform.io.
const awsProviderGlob = "/opt/tf-plugins/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_v*"

// tofuAWS returns tofu and an environment in which it plans AWS resources
// offline: the AWS provider from the machine's mirror (laid out for
// registry.opentofu.org too), the project's random and local mirror, no
// instance metadata. Plans of new resources and -refresh=false plans need
// no AWS endpoint.
func tofuAWS(t testing.TB) (string, []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: runs tofu")
	}
	tofu := testtools.Tofu(t)
	projectMirror := filepath.Join(testtools.Dir(t), "mirror")
	testtools.Require(t, "providers", "mirror")
	matches, _ := filepath.Glob(awsProviderGlob)
	if len(matches) == 0 {
		msg := "the AWS provider mirror (" + awsProviderGlob + ") is missing: it comes with the machine image"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	bin := matches[len(matches)-1]
	version := filepath.Base(filepath.Dir(filepath.Dir(bin)))
	mirror := filepath.Join(t.TempDir(), "aws-mirror")
	for _, host := range []string{"registry.opentofu.org", "registry.terraform.io"} {
		dir := filepath.Join(mirror, host, "hashicorp", "aws", version, "linux_amd64")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.Symlink(bin, filepath.Join(dir, filepath.Base(bin))))
	}
	rc := filepath.Join(t.TempDir(), "tofu.tfrc")
	require.NoError(t, os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.opentofu.org/hashicorp/aws", "registry.terraform.io/hashicorp/aws"]
  }
  filesystem_mirror {
    path    = %q
    include = ["*/*/*"]
  }
}
`, mirror, projectMirror)), 0o644))
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	return tofu, env
}

// awsProvider is the provider block of the test configurations: static
// dummy credentials, nothing asked of AWS while planning.
const awsProvider = `terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "dummy-secret-key-for-offline-plans"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
`

// writeConfig writes main.tf (and more files) into a new directory.
func writeConfig(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	return dir
}

// stagePlan plans dir with the real terraform stage, as plan and apply do,
// and returns the result and the plan JSON the stage keeps beside the plan
// file.
func stagePlan(t testing.TB, tofu string, env []string, stack plan.Stack, dir string, varFiles ...string) (plan.Result, []byte) {
	t.Helper()
	s, err := terraform.New(terraform.Options{Binary: tofu, Env: env, Stack: stack, Name: "terraform/environments/" + stack.Environment,
		Dir: dir, WorkDir: t.TempDir(), VarFiles: varFiles})
	require.NoError(t, err)
	res, err := s.Plan(t.Context(), terraform.PlanOptions{})
	require.NoError(t, err)
	js, err := os.ReadFile(s.PlanFile() + ".json")
	require.NoError(t, err)
	return res, js
}

// tofuRun runs tofu in dir.
func tofuRun(t testing.TB, tofu string, env []string, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tofu, args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "tofu %s:\n%s", strings.Join(args, " "), stderr.String())
	return out
}
