package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds hostile policy and data files to Load: it must not panic,
// and every failure must be bad input naming the file.
func FuzzLoad(f *testing.F) {
	f.Add(sizes, "max: 3\n")
	f.Add("package x\n\ndeny contains msg if {\n", "a: &a [*a]\n")
	f.Add("package x\nimport rego.v1\ndeny[msg] { msg := 1 }\n", "{\"a\": 1} {}")
	f.Add("package http\n\ndeny contains http.send({}) if true\n", "- 1\n- 2\n")
	f.Fuzz(func(t *testing.T, rego, data string) {
		root := t.TempDir()
		dir := filepath.Join(root, "p")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		_ = os.WriteFile(filepath.Join(dir, "policy.rego"), []byte(rego), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(data), 0o644)
		_, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}})
		if err == nil {
			return
		}
		var pe *Error
		if !errors.As(err, &pe) || !errors.Is(err, ErrInvalid) || len(pe.Problems) == 0 {
			t.Fatalf("not bad input: %v", err)
		}
		for _, p := range pe.Problems {
			if p.File == "" {
				t.Fatalf("a problem without its file: %v", err)
			}
		}
	})
}
