package release

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAliases(t *testing.T) {
	tests := []struct {
		name     string
		version  string
		released []string
		want     []string
	}{
		{"first release", "v1.0.0", nil, []string{"1.0", "1", "latest"}},
		{"the tag itself is among the released", "v1.0.0", []string{"v1.0.0"}, []string{"1.0", "1", "latest"}},
		{"a patch release", "v1.2.4", []string{"v1.2.3", "v1.1.0", "v1.2", "v1"}, []string{"1.2", "1", "latest"}},
		{"a minor release", "v1.3.0", []string{"v1.2.9", "v0.9.0"}, []string{"1.3", "1", "latest"}},
		{"a backport to an older minor line", "v1.1.5", []string{"v1.2.0", "v1.1.4"}, []string{"1.1"}},
		{"a backport older than its own minor line's newest", "v1.1.3", []string{"v1.1.4", "v1.2.0"}, nil},
		{"a fix of the previous major", "v1.4.2", []string{"v2.0.0", "v1.4.1", "v1.3.0"}, []string{"1.4", "1"}},
		{"a new major", "v2.0.0", []string{"v1.9.9"}, []string{"2.0", "2", "latest"}},
		{"released again (a re-run)", "v1.2.3", []string{"v1.2.3", "v1.2.2"}, []string{"1.2", "1", "latest"}},
		{"floating and catalog tags are not releases", "v1.2.0", []string{"v1", "v1.9", "1.9.9", "latest", "v1.3.0-rc.1"}, []string{"1.2", "1", "latest"}},
		{"10 sorts after 9", "v1.10.0", []string{"v1.9.0"}, []string{"1.10", "1", "latest"}},
		{"9 before 10", "v1.9.1", []string{"v1.10.0", "v1.9.0"}, []string{"1.9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseTag(tt.version)
			if err != nil {
				t.Fatal(err)
			}
			assert.Equal(t, tt.want, Aliases(v, ReleaseVersions(tt.released)))
		})
	}
}
