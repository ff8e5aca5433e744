package tfversion

import (
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/stretchr/testify/require"
)

func mustVersion(t *testing.T, s string) *version.Version {
	t.Helper()
	v, err := version.NewVersion(s)
	require.NoError(t, err)
	return v
}

func TestParseWant(t *testing.T) {
	tests := map[string]struct {
		in      string
		exact   string
		allow   []string
		deny    []string
		wantErr string
	}{
		"exact":             {in: "1.10.7", exact: "1.10.7", allow: []string{"1.10.7"}, deny: []string{"1.10.8", "1.10.6"}},
		"exact with v":      {in: " v1.10.7 ", exact: "1.10.7"},
		"exact with =":      {in: "= 1.5.7", exact: "1.5.7"},
		"pre-release":       {in: "1.11.0-rc1", exact: "1.11.0-rc1", allow: []string{"1.11.0-rc1"}, deny: []string{"1.11.0"}},
		"pessimistic":       {in: "~> 1.10.0", allow: []string{"1.10.0", "1.10.99"}, deny: []string{"1.11.0", "1.9.9", "1.10.1-rc1"}},
		"range":             {in: ">= 1.8, < 1.11", allow: []string{"1.8.0", "1.10.7"}, deny: []string{"1.11.0", "1.7.9"}},
		"latest":            {in: "latest", allow: []string{"0.1.0", "9.9.9"}, deny: []string{"1.11.0-beta1"}},
		"not equal":         {in: "!= 1.11.0", allow: []string{"1.10.0"}, deny: []string{"1.11.0", "1.11.0-rc1"}},
		"pre-release range": {in: ">= 1.11.0-rc1", allow: []string{"1.11.0-rc2", "1.11.0"}, deny: []string{"1.11.0-alpha1"}},
		"partial":           {in: "1.10", wantErr: `"1.10" names no single release: write 1.10.0 for that release, or ~> 1.10.0 for the newest of the series`},
		"major only":        {in: "v1", wantErr: `"v1" names no single release: write 1.0 for that release, or ~> 1.0 for the newest of the series`},
		"empty":             {in: "  ", wantErr: "is empty: write a version such as 1.10.7 or a constraint such as ~> 1.10.0"},
		"words":             {in: "latest-allowed", wantErr: `"latest-allowed" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`},
		"too long":          {in: "1.0.0" + string(make([]byte, 300)), wantErr: "is 305 characters long: a version or constraint is at most 256"},
		"operator garbage":  {in: "=> 1.0.0", wantErr: `"=> 1.0.0" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			w, err := ParseWant(tt.in)
			if tt.wantErr != "" {
				require.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.exact != "" {
				require.NotNil(t, w.Exact)
				require.Equal(t, tt.exact, w.Exact.String())
			} else {
				require.Nil(t, w.Exact)
			}
			for _, v := range tt.allow {
				require.True(t, w.Allows(mustVersion(t, v)), v)
			}
			for _, v := range tt.deny {
				require.False(t, w.Allows(mustVersion(t, v)), v)
			}
		})
	}
}

func TestParseToolVersions(t *testing.T) {
	got, err := ParseToolVersions([]byte("# tools\nnodejs 20.1.0\n\nopentofu   1.10.7  1.10.6 # fallback\nopentofu 1.0.0\nterraform\n"))
	require.NoError(t, err)
	require.Equal(t, []ToolVersion{
		{Tool: "nodejs", Versions: []string{"20.1.0"}, Line: 2},
		{Tool: "opentofu", Versions: []string{"1.10.7", "1.10.6"}, Line: 4},
		{Tool: "terraform", Versions: []string{}, Line: 6},
	}, got)
}

func TestParseRequiredVersion(t *testing.T) {
	cs, err := ParseRequiredVersion("v.tf", []byte("terraform {\n  required_version = \">= 1.0\"\n}\nterraform {\n  required_providers {}\n}\nterraform {\n  required_version = \"< 2.0\"\n}\n"))
	require.NoError(t, err)
	require.Equal(t, []Constraint{{Value: ">= 1.0", Line: 2}, {Value: "< 2.0", Line: 8}}, cs)

	cs, err = ParseRequiredVersion("v.tf.json", []byte(`{"terraform": [{"required_version": "~> 1.10.0"}, {"backend": {"local": {}}}]}`))
	require.NoError(t, err)
	require.Equal(t, []Constraint{{Value: "~> 1.10.0", Line: 1}}, cs)

	_, err = ParseRequiredVersion("v.tf", []byte(`terraform { required_version = 1 }`))
	require.EqualError(t, err, `v.tf:1: required_version must be a literal string such as "~> 1.10.0"`)
}
