package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const withTools = `version: 1
terraform:
  binary: tofu
  mirror: https://artifacts.example.com/releases/
  offline: false
tiers:
  - name: infrastructure
    terraform:
      dir: infra
      version: "~> 1.10.0"
  - name: legacy
    terraform:
      dir: legacy
      version: 1.5.7
  - name: project
    terraform:
      dir: project
`

func TestParseToolSettings(t *testing.T) {
	cfg, err := Parse("tierdeploy.yaml", []byte(withTools))
	require.NoError(t, err)
	require.Equal(t, "https://artifacts.example.com/releases/", cfg.Terraform.Mirror)
	require.False(t, cfg.Terraform.Offline)
	require.Equal(t, "~> 1.10.0", cfg.Tier("infrastructure").Terraform.Version)
	require.Equal(t, "1.5.7", cfg.Tier("legacy").Terraform.Version)
	require.Empty(t, cfg.Tier("project").Terraform.Version)
	pos, ok := cfg.Position("tiers[0].terraform.version")
	require.True(t, ok)
	require.Equal(t, 10, pos.Line, "the line goes into the version's source")

	cfg, err = Parse("tierdeploy.yaml", []byte(strings.Replace(withTools, "offline: false", "offline: true", 1)))
	require.NoError(t, err)
	require.True(t, cfg.Terraform.Offline)
}

func TestParseToolSettingErrors(t *testing.T) {
	tests := map[string]struct {
		from, to string
		want     string
	}{
		"partial version": {`version: "~> 1.10.0"`, "version: 1.10", `tierdeploy.yaml:10:16: tiers[0].terraform.version: "1.10" names no single release: write 1.10.0 for that release, or ~> 1.10.0 for the newest of the series`},
		"not a version":   {`version: "~> 1.10.0"`, "version: newest", `tiers[0].terraform.version: "newest" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`},
		"empty version":   {`version: "~> 1.10.0"`, "version:", "tiers[0].terraform.version: is empty: write a version such as 1.10.7"},
		"number version":  {"version: 1.5.7", "version: [1]", "tiers[1].terraform.version: must be a string, not a list"},
		"version with a binary path": {"binary: tofu", "binary: /opt/tofu/bin/tofu",
			"tiers[0].terraform.version: is set, but terraform.binary names a file to run as it is: remove one of them"},
		"mirror scheme":  {"https://artifacts.example.com/releases/", "ftp://artifacts.example.com/", "tierdeploy.yaml:4:11: terraform.mirror: mirror URL ftp://artifacts.example.com/ must start with https:// (or http://)"},
		"mirror query":   {"https://artifacts.example.com/releases/", "https://artifacts.example.com/r?x=1", "terraform.mirror: mirror URL https://artifacts.example.com/r?… must be a base URL without ? or #"},
		"mirror no host": {"https://artifacts.example.com/releases/", "artifacts.example.com/releases", "terraform.mirror: mirror URL artifacts.example.com/releases must start with https://"},
		"mirror empty":   {"mirror: https://artifacts.example.com/releases/", "mirror: ''", "terraform.mirror: is empty: give the mirror's base URL, or remove the key"},
		"offline words":  {"offline: false", "offline: sometimes", `terraform.offline: must be true or false, not "sometimes"`},
		"unknown key":    {"offline: false", "ofline: false", `terraform.ofline: is not a known key (did you mean "offline"?)`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := strings.Replace(withTools, tt.from, tt.to, 1)
			require.NotEqual(t, withTools, src)
			_, err := Parse("tierdeploy.yaml", []byte(src))
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

// A token in a committed mirror URL is refused, and never repeated.
func TestMirrorCredentialsRefused(t *testing.T) {
	src := strings.Replace(withTools, "https://artifacts.example.com/releases/", "https://ci:SECRET-TOKEN-MARKER@artifacts.example.com/releases/", 1)
	_, err := Parse("tierdeploy.yaml", []byte(src))
	require.Error(t, err)
	require.Contains(t, err.Error(), "terraform.mirror: must not hold credentials (https://xxxxx@artifacts.example.com/releases/): give the URL with them in the TIERDEPLOY_TOOL_MIRROR variable of the CI job instead")
	require.NotContains(t, err.Error(), "SECRET-TOKEN-MARKER")

	src = strings.Replace(withTools, "https://artifacts.example.com/releases/", "ftp://ci:SECRET-TOKEN-MARKER@artifacts.example.com/", 1)
	_, err = Parse("tierdeploy.yaml", []byte(src))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "SECRET-TOKEN-MARKER")
}
