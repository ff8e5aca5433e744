package helm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitPath(t *testing.T) {
	tests := map[string][]string{
		"database.host": {"database", "host"},
		"image":         {"image"},
		`podAnnotations.eks\.amazonaws\.com/role-arn`: {"podAnnotations", "eks.amazonaws.com/role-arn"},
		`a\b.c`: {`a\b`, "c"},
	}
	for in, want := range tests {
		assert.Equal(t, want, splitPath(in), in)
	}
}

func TestSetPath(t *testing.T) {
	vals := map[string]any{"database": map[string]any{"port": 5432}, "image": "web:1", "empty": nil}
	require.NoError(t, setPath(vals, []string{"database", "host"}, "db.internal"))
	require.NoError(t, setPath(vals, []string{"empty", "x"}, int64(1)))
	require.NoError(t, setPath(vals, []string{"new", "deep", "key"}, true))
	assert.Equal(t, map[string]any{
		"database": map[string]any{"port": 5432, "host": "db.internal"},
		"image":    "web:1",
		"empty":    map[string]any{"x": int64(1)},
		"new":      map[string]any{"deep": map[string]any{"key": true}},
	}, vals)

	err := setPath(vals, []string{"image", "tag"}, "2")
	require.EqualError(t, err, "image is string in the values files, not a map")
}

func TestLeaves(t *testing.T) {
	got := leaves(map[string]any{"a": "secret-a", "b": []any{int64(1234), 1.5, true, nil}, "c": map[string]any{"d": "secret-d"}})
	assert.ElementsMatch(t, []string{"secret-a", "1234", "1.5", "secret-d"}, got)
}

func TestValuesFileErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{name: "missing", file: "values/none.yaml", want: "helm release web: read values file: open "},
		{name: "not YAML", file: "", want: "helm release web: values file "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			f := tt.file
			if f == "" {
				f = valuesFile(t, "a: [unclosed\n")
			}
			opts.Release.Values = []string{f}
			_, err := newStage(t, opts).Plan(t.Context())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
