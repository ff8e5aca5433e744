package testtools

import (
	"path/filepath"
	"testing"
)

// AWSProviderVersion is the version of the AWS provider in the machine
// image's filesystem mirror.
const AWSProviderVersion = "5.100.0"

// AWSProvider makes sure the project's provider mirror holds the AWS
// provider for both registry hosts (OpenTofu asks registry.opentofu.org,
// Terraform registry.terraform.io), as `scripts/install-tools.sh aws` links
// it from the machine image. It skips the test when it does not, or fails it
// when CI is set. The mirror is the one of [TofuEnv], so that environment
// installs the AWS provider offline for both products.
func AWSProvider(t testing.TB) {
	t.Helper()
	file := "terraform-provider-aws_v" + AWSProviderVersion + "_x5"
	for _, host := range []string{"registry.opentofu.org", "registry.terraform.io"} {
		Require(t, "aws", filepath.Join("mirror", host, "hashicorp", "aws", AWSProviderVersion, "linux_amd64", file))
	}
}
