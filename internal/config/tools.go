package config

import (
	"github.com/tierdeploy/tierdeploy/internal/redact"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// validateInstall checks the settings of Terraform and OpenTofu
// installation: terraform.mirror must be a base URL, without credentials
// (the file is committed; give those in the environment variable instead).
func (c *Config) validateInstall(errs *Errors) {
	m := c.Terraform.Mirror
	if _, set := c.pos["terraform.mirror"]; !set {
		return
	}
	u, err := tfinstall.ParseMirror(m)
	switch {
	case m == "":
		c.problem(errs, "terraform.mirror", "is empty: give the mirror's base URL, or remove the key")
	case err != nil:
		c.problem(errs, "terraform.mirror", "%v", err)
	case u.User != nil:
		c.problem(errs, "terraform.mirror", "must not hold credentials (%s): give the URL with them in the TIERDEPLOY_TOOL_MIRROR variable of the CI job instead", redact.URL(m))
	}
}

// validateVersion checks a tier's terraform.version: one release or a
// constraint, and not together with a terraform.binary that names a file.
func (c *Config) validateVersion(errs *Errors, at string, tf *TerraformStage) {
	key := at + ".version"
	if _, set := c.pos[key]; !set {
		return
	}
	if _, err := tfversion.ParseWant(tf.Version); err != nil {
		c.problem(errs, key, "%v", err)
		return
	}
	if _, ok := tfversion.ParseProduct(c.Terraform.Binary); c.Terraform.Binary != "" && !ok {
		c.problem(errs, key, "is set, but terraform.binary names a file to run as it is: remove one of them")
	}
}
