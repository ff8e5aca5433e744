package terraform

import (
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindBinary(t *testing.T) {
	cwd, err := filepath.Abs(".")
	require.NoError(t, err)
	tests := []struct {
		name       string
		configured string
		onPath     map[string]string
		want       string
		wantErr    string
	}{
		{name: "tofu first", onPath: map[string]string{"tofu": "/usr/bin/tofu", "terraform": "/usr/bin/terraform"}, want: "/usr/bin/tofu"},
		{name: "terraform when no tofu", onPath: map[string]string{"terraform": "/usr/bin/terraform"}, want: "/usr/bin/terraform"},
		{name: "configured name", configured: "terraform", onPath: map[string]string{"tofu": "/a/tofu", "terraform": "/b/terraform"}, want: "/b/terraform"},
		{name: "configured path", configured: "/opt/tofu/bin/tofu", onPath: map[string]string{"/opt/tofu/bin/tofu": "/opt/tofu/bin/tofu"}, want: "/opt/tofu/bin/tofu"},
		{name: "relative path made absolute", configured: "./bin/tofu", onPath: map[string]string{"./bin/tofu": "bin/tofu"}, want: filepath.Join(cwd, "bin", "tofu")},
		{
			name:    "none on PATH",
			wantErr: "neither tofu nor terraform is on PATH: install OpenTofu (https://opentofu.org/docs/intro/install/)",
		},
		{
			name: "configured one missing", configured: "tofu", onPath: map[string]string{"terraform": "/usr/bin/terraform"},
			wantErr: `terraform binary "tofu" not found (exec: "tofu": executable file not found in $PATH): install OpenTofu`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookPath := func(name string) (string, error) {
				if p, ok := tt.onPath[name]; ok {
					return p, nil
				}
				return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
			}
			got, err := FindBinary(tt.configured, lookPath)
			if tt.wantErr != "" {
				var bnf *BinaryNotFoundError
				require.ErrorAs(t, err, &bnf)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Contains(t, err.Error(), "scripts/install-tools.sh tofu")
				assert.True(t, errors.Is(err, exec.ErrNotFound))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
