package release

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTag(t *testing.T) {
	good := map[string]Version{
		"v1.2.3":          {1, 2, 3},
		"v0.0.0":          {0, 0, 0},
		"v10.20.30":       {10, 20, 30},
		"v999999999.0.1":  {999999999, 0, 1},
		"v1.0.0":          {1, 0, 0},
		"v2.11.0":         {2, 11, 0},
		"v123456789.9.99": {123456789, 9, 99},
	}
	for tag, want := range good {
		v, err := ParseTag(tag)
		require.NoError(t, err, tag)
		assert.Equal(t, want, v, tag)
		assert.Equal(t, tag, v.Tag())
	}
	for _, tag := range []string{
		"", "v", "1.2.3", "V1.2.3", "v1.2", "v1", "v1.2.3.4", "v01.2.3", "v1.02.3", "v1.2.03",
		"v1.2.3-rc.1", "v1.2.3+build", "v1.2.3\n", " v1.2.3", "v1.2.3 ", "v-1.2.3", "v1..3",
		"v1.2.3\nRELEASE_VERSION=6.6.6", "v$(id).2.3", "v1000000000.0.0", "v1.2.x", "vv1.2.3", "v１.2.3",
	} {
		_, err := ParseTag(tag)
		require.ErrorIs(t, err, ErrInput, "%q", tag)
		var ierr *InputError
		require.ErrorAs(t, err, &ierr)
		assert.Contains(t, err.Error(), "v1.2.3", "the error shows the expected form")
	}
}

func TestParseVersion(t *testing.T) {
	v, err := ParseVersion("1.2.3")
	require.NoError(t, err)
	assert.Equal(t, "1.2.3", v.String())
	for _, s := range []string{"v1.2.3", "1.2", "latest", "1.2.3-rc.1", "", "01.2.3"} {
		_, err := ParseVersion(s)
		require.ErrorIs(t, err, ErrInput, s)
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b Version
		want int
	}{
		{Version{1, 2, 3}, Version{1, 2, 3}, 0},
		{Version{1, 2, 3}, Version{1, 2, 4}, -1},
		{Version{1, 10, 0}, Version{1, 9, 9}, 1},
		{Version{2, 0, 0}, Version{1, 99, 99}, 1},
		{Version{0, 0, 1}, Version{0, 1, 0}, -1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.a.Compare(tt.b), "%v vs %v", tt.a, tt.b)
		assert.Equal(t, -tt.want, tt.b.Compare(tt.a), "%v vs %v", tt.b, tt.a)
	}
}

func TestReleaseVersions(t *testing.T) {
	got := ReleaseVersions([]string{"v1.2.3", "v1", "v1.2", "1.2.3", "latest", "v1.3.0-rc.1", " v1.3.0 \r", "", "nightly"})
	assert.Equal(t, []Version{{1, 2, 3}, {1, 3, 0}}, got)
}
