package terraform

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzReadPlan feeds the plan-JSON reader arbitrary documents, seeded with
// real plans: it must not panic, and what it reads must be deterministic and
// keep sensitive values out of everything but the secrets.
func FuzzReadPlan(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "plans", "*.json"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, strings.Contains(s, "drift"))
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","mode":"managed","change":{"actions":["update"],"before":{"l":[1,2]},"after":{"l":[1]},"after_unknown":{"l":[true]},"after_sensitive":{"l":[true,true]}}}]}`), false)
	f.Add([]byte(`{"format_version":"1.2","output_changes":{"o":{"actions":["create"],"after":{"k":"v"},"after_unknown":{"k":{"x":true}},"after_sensitive":[true]}}}`), false)
	f.Fuzz(func(t *testing.T, data []byte, refreshOnly bool) {
		a, err := readPlan(data, refreshOnly)
		if err != nil {
			return
		}
		b, err := readPlan(data, refreshOnly)
		if err != nil {
			t.Fatalf("second read failed: %v", err)
		}
		slices.Sort(a.lines)
		slices.Sort(b.lines)
		if !slices.Equal(a.lines, b.lines) || !slices.Equal(a.secrets, b.secrets) {
			t.Fatal("reading the same plan twice gave different results")
		}
		if slices.Contains(a.secrets, "") {
			t.Fatal("an empty secret")
		}
		if !slices.IsSorted(a.secrets) {
			t.Fatal("secrets are not sorted")
		}
		for _, o := range a.outputs {
			if o.Name == "" && o.Action == "" {
				t.Fatal("empty output change")
			}
		}
		if refreshOnly && a.drifted != len(a.resources) {
			t.Fatalf("drifted %d, resources %d", a.drifted, len(a.resources))
		}
	})
}
