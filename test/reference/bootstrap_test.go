package reference

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBootstrapReadsTheInventoryInItsRegion runs deploy/bootstrap.sh with
// stand-in aws, kubectl, jq and openssl commands that record their
// arguments, and checks that the inventory is read from the region of
// tierdeploy.reference.yaml's inventory store, or from INVENTORY_REGION.
// The stand-in aws finds no parameter, so the script stops there.
func TestBootstrapReadsTheInventoryInItsRegion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	region := loadConfig(t).Inventory.SSM.Region
	require.NotEmpty(t, region)
	for name, tt := range map[string]struct {
		env  []string
		want string
	}{
		"default":          {want: region},
		"INVENTORY_REGION": {env: []string{"INVENTORY_REGION=us-east-2"}, want: "us-east-2"},
	} {
		t.Run(name, func(t *testing.T) {
			bin := t.TempDir()
			calls := filepath.Join(t.TempDir(), "calls")
			for _, tool := range []string{"aws", "kubectl", "jq", "openssl"} {
				stub := "#!/bin/sh\nprintf '%s %s\\n' \"$(basename \"$0\")\" \"$*\" >>" + calls + "\nexit 1\n"
				require.NoError(t, os.WriteFile(filepath.Join(bin, tool), []byte(stub), 0o755))
			}
			cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(repoRoot(t), "deploy", "bootstrap.sh"), "staging")
			cmd.Env = append([]string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + t.TempDir()}, tt.env...)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the stand-in aws fails, so must the script")
			assert.Contains(t, string(out), "cannot read the inventory /meltano/staging/inventory in "+tt.want)
			data, err := os.ReadFile(calls)
			require.NoError(t, err)
			// The pipeline's commands start together: find aws's call.
			var aws []string
			for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				if strings.HasPrefix(l, "aws ") {
					aws = append(aws, l)
				}
			}
			assert.Equal(t, []string{"aws ssm get-parameter --region " + tt.want +
				" --with-decryption --name /meltano/staging/inventory --query Parameter.Value --output text"}, aws)
		})
	}
}
