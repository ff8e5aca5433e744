package terraform

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/redact"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestPlanTextIsShowText checks, with the real binaries, that the text the
// stage takes from plan is the text show prints of the same plan file:
// creates, a no-op, updates, replacements, deletes, drift (refresh-only),
// a data source read, and a plan with warnings.
func TestPlanTextIsShowText(t *testing.T) {
	binaries := map[string]string{"tofu": integration(t)}
	if tf, _, ok := testtools.FindTerraform(); ok {
		binaries["terraform"] = tf // Terraform 1.11 where the machine has it (forEachProduct's tests require it)
	}
	if tf := filepath.Join(testtools.Dir(t), "bin", "terraform-1.5.7"); fileExists(tf) {
		binaries["terraform-1.5.7"] = tf // what scripts/install-tools.sh terraform installs
	}
	for name, bin := range binaries {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := copyConfig(t, "basic")
			require.NoError(t, os.WriteFile(filepath.Join(dir, "data.tf"), []byte(`data "terraform_remote_state" "none" {
  backend = "local"
  config  = { path = "${path.module}/none.tfstate" }
  defaults = { x = 1 }
}
`), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "none.tfstate"),
				[]byte(`{"version":4,"terraform_version":"1.10.0","serial":1,"lineage":"x","outputs":{},"resources":[]}`), 0o644))
			s, _ := newStage(t, bin, dir, nil)
			same := func(what string, refreshOnly bool) {
				t.Helper()
				r, err := s.Plan(t.Context(), PlanOptions{RefreshOnly: refreshOnly})
				require.NoError(t, err, what)
				file := filepath.Join(s.opts.WorkDir, s.fileBase()+".tfplan")
				if refreshOnly {
					file = filepath.Join(s.opts.WorkDir, s.fileBase()+".refresh-only.tfplan")
				}
				cmd := exec.CommandContext(t.Context(), bin, "show", "-no-color", file)
				cmd.Dir, cmd.Env = dir, s.env
				out, err := cmd.Output()
				require.NoError(t, err)
				want := redact.New(r.Secrets...).String(strings.Trim(string(out), "\n") + "\n")
				assert.Equal(t, want, r.Diff, "%s: the text of plan is the text of show", what)
			}
			same("create", false)
			require.NoError(t, s.Apply(t.Context(), s.PlanFile()))
			same("no changes", false)
			writeVars(t, dir, "terraform.tfvars", "name = \"beta\"\nrevision = 2\nextra = false\n")
			same("update, replace, delete", false)
			writeVars(t, dir, "undeclared.auto.tfvars", "undeclared = 1\n")
			same("with a warning", false)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "motd.txt"), []byte("edited\n"), 0o644))
			same("drift", true)
		})
	}
}
