package valueschema

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSchema has the constraints charts put on values that come from the
// infrastructure: patterns, integer ranges, references, alternatives,
// conditions and closed objects.
const testSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "definitions": {
    "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63},
    "optionalName": {"anyOf": [{"type": "string", "maxLength": 0}, {"$ref": "#/definitions/name"}]},
    "roleArn": {"type": "string", "pattern": "^(arn:aws[a-z-]*:iam::[0-9]{12}:role/.+)?$"},
    "loop": {"properties": {"next": {"$ref": "#/definitions/loop"}}}
  },
  "properties": {
    "image": {"type": "object", "additionalProperties": false, "required": ["repository"],
      "properties": {"repository": {"type": "string", "minLength": 1, "pattern": "^[^:@\\s]+(:[0-9]+/[^:@\\s]+)?$"}}},
    "serviceAccount": {"type": "object", "properties": {
      "name": {"$ref": "#/definitions/optionalName"},
      "roleArn": {"$ref": "#/definitions/roleArn"}}},
    "database": {"type": "object", "properties": {
      "host": {"type": "string", "pattern": "^([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)?$"},
      "port": {"type": "integer", "minimum": 1, "maximum": 65535},
      "ssl": {"type": "boolean"},
      "mode": {"enum": ["require", "verify-full"]},
      "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}}},
    "replicas": {"type": ["integer", "null"], "minimum": 0, "multipleOf": 2},
    "logs": {"type": "object", "properties": {
        "efs": {"type": "object", "properties": {"volumeHandle": {"type": "string", "pattern": "^(fs-[0-9a-f]+(:[^:]*)?(::fsap-[0-9a-f]+)?)?$"}}},
        "claim": {"type": "string"}},
      "if": {"properties": {"efs": {"properties": {"volumeHandle": {"minLength": 1}}}}},
      "then": {"properties": {"claim": {"minLength": 1}}}},
    "annotations": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
    "env": {"type": "object", "patternProperties": {"^[A-Z_]+$": {"type": "string", "pattern": "^[a-z]+$"}}},
    "loop": {"$ref": "#/definitions/loop"}
  }
}`

func compileTest(t *testing.T) *Schema {
	t.Helper()
	s, err := Compile([]byte(testSchema))
	require.NoError(t, err)
	return s
}

func TestCandidatesSatisfyTheSchema(t *testing.T) {
	s := compileTest(t)
	tests := []struct {
		path string
		best any
	}{
		{"image.repository", "known-after-apply"},
		{"serviceAccount.name", "known-after-apply"},
		{"serviceAccount.roleArn", "arn:aws:iam::000000000000:role/known-after-apply"},
		{"database.host", "known-after-apply"},
		{"database.port", int64(1)},
		{"database.ssl", true},
		{"database.mode", "require"},
		{"database.ratio", int64(1)},
		{"replicas", int64(2)},
		{"logs.efs.volumeHandle", "fs-a:known-after-apply"},
		{"logs.claim", Marker},
		{"annotations.anything", "https://known-after-apply.invalid/"},
		{"env.REGION", "knownafterapply"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			path := strings.Split(tt.path, ".")
			got := s.Candidates(path)
			require.NotEmpty(t, got)
			assert.Equal(t, tt.best, got[0])
			// The best stand-in alone breaks nothing at its path.
			vals := map[string]any{"image": map[string]any{"repository": "r"}}
			set(vals, path, got[0])
			for _, v := range s.Validate(vals) {
				assert.False(t, v.Under(path), "%s: %v", tt.path, v)
			}
		})
	}
}

func TestCandidatesWithoutTypeInformation(t *testing.T) {
	s := compileTest(t)
	assert.Empty(t, s.Candidates([]string{"loop", "next", "next", "next"}), "a schema that refers to itself")
	assert.Empty(t, s.Candidates([]string{"nosuch"}))
	assert.Empty(t, s.Candidates([]string{"image", "repository", "deeper"}))
}

func TestValidateLocatesViolations(t *testing.T) {
	s := compileTest(t)
	vs := s.Validate(map[string]any{
		"image":    map[string]any{"repository": Marker},
		"database": map[string]any{"port": Marker, "host": "db.internal"},
		"logs":     map[string]any{"efs": map[string]any{"volumeHandle": "fs-0123"}, "claim": ""},
		"unknown":  true,
	})
	var where []string
	for _, v := range vs {
		where = append(where, "/"+strings.Join(v.Path, "/"))
		assert.NotEmpty(t, v.Message)
	}
	assert.ElementsMatch(t, []string{"/image/repository", "/database/port", "/logs/claim", "/"}, uniq(where))
	assert.Empty(t, s.Validate(map[string]any{"image": map[string]any{"repository": "registry.example/app"}}))
}

func TestCompileRefusesOtherDocuments(t *testing.T) {
	for _, doc := range []string{
		`{"properties": {"a": {"$ref": "https://schemas.example/x.json"}}}`,
		`{"properties": {"a": {"$ref": "file:///etc/passwd"}}}`,
	} {
		_, err := Compile([]byte(doc))
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrExternalRef), "%v", err)
	}
	for _, doc := range []string{``, `{`, `[1,2]`, `{"type": 7}`} {
		_, err := Compile([]byte(doc))
		var ce *CompileError
		assert.ErrorAs(t, err, &ce, "%q", doc)
	}
}

func set(vals map[string]any, path []string, v any) {
	cur := vals
	for _, p := range path[:len(path)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[path[len(path)-1]] = v
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
