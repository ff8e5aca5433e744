package helm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

func TestOrder(t *testing.T) {
	rel := func(name string, needs ...string) config.Release {
		return config.Release{Release: name, Needs: needs}
	}
	tests := []struct {
		name     string
		releases []config.Release
		want     [][]string
		err      string
	}{
		{name: "none", want: [][]string{}},
		{
			name:     "configuration order without needs",
			releases: []config.Release{rel("postgres"), rel("meltano"), rel("airflow")},
			want:     [][]string{{"postgres"}, {"meltano"}, {"airflow"}},
		},
		{
			name:     "needs decide",
			releases: []config.Release{rel("airflow", "meltano"), rel("meltano", "postgres"), rel("postgres"), rel("docs")},
			want:     [][]string{{"postgres", "docs"}, {"meltano"}, {"airflow"}},
		},
		{
			name:     "a release after the last of its needs",
			releases: []config.Release{rel("a"), rel("b", "a"), rel("c", "a", "b"), rel("d", "a")},
			want:     [][]string{{"a"}, {"b", "d"}, {"c"}},
		},
		{
			name:     "unknown need",
			releases: []config.Release{rel("a", "nope")},
			err:      "helm release a needs nope, which is not a release of the tier",
		},
		{
			name:     "cycle",
			releases: []config.Release{rel("a", "b"), rel("b", "c"), rel("c", "a")},
			err:      "helm releases need each other in a cycle: a -> b -> c -> a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, err := Order(tt.releases)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			got := [][]string{}
			for _, s := range steps {
				var names []string
				for _, r := range s {
					names = append(names, r.Release)
				}
				got = append(got, names)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
