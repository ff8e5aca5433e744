package checkinput

import (
	"strings"
	"testing"

	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// fuzzSecret is a secret the caller names; it must never come out.
const fuzzSecret = "fuzz-secret-value"

// FuzzTerraform feeds hostile plan JSON to the builder: it must not panic,
// and no string or key of the result may hold a value it masked.
func FuzzTerraform(f *testing.F) {
	for _, name := range []string{"create", "update", "delete", "drift", "moved-import"} {
		f.Add(realPlan(f, name))
	}
	f.Add([]byte(`{"resource_changes":[{"change":{"before":{"a":["x","fuzz-secret-value"]},"before_sensitive":{"a":[false,true]}}}]}`))
	f.Add([]byte(`{"variables":{"v":{"value":"hunter2-value"}},"configuration":{"root_module":{"variables":{"v":{"sensitive":true}}}}}`))
	f.Add([]byte(`{"planned_values":{"root_module":{"resources":[{"values":{"k":"abcd-secret"},"sensitive_values":true}],"child_modules":[{"resources":[{"values":[1234567],"sensitive_values":[true]}]}]}}}`))
	f.Add([]byte(`{"a":{"fuzz-secret-value":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Terraform(data, Stage{Secrets: []string{fuzzSecret}})
		if err != nil {
			return
		}
		js, err := in.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if strings.Contains(string(js), fuzzSecret) || strings.Contains(string(in.PlanJSON()), fuzzSecret) {
			t.Fatalf("the caller's secret is in the input: %s", js)
		}
		assertNoSecretLeft(t, in)
	})
}

// FuzzHelm feeds hostile manifests to the builder.
func FuzzHelm(f *testing.F) {
	f.Add(manifest)
	f.Add("apiVersion: v1\nkind: Secret\ndata:\n  k: ZnV6ei1zZWNyZXQtdmFsdWU=\n")
	f.Add("kind: Secret\nstringData: fuzz-secret-value\n")
	f.Add("--- |\n  text\n")
	f.Fuzz(func(t *testing.T, m string) {
		in, err := Helm(m, Release{Name: "r"}, Stage{Secrets: []string{fuzzSecret}})
		if err != nil {
			return
		}
		js, err := in.JSON()
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if strings.Contains(string(js), fuzzSecret) || strings.Contains(string(in.Manifests()), fuzzSecret) {
			t.Fatalf("the caller's secret is in the input: %s", js)
		}
		assertNoSecretLeft(t, in)
	})
}

// assertNoSecretLeft checks that no string or key of the document holds a
// secret the builder masked.
func assertNoSecretLeft(t *testing.T, in Input) {
	t.Helper()
	mask := redact.New(in.Secrets...)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if mask.Contains(x) {
				t.Fatalf("a masked value is left in %q", x)
			}
		case map[string]any:
			for k, e := range x {
				if mask.Contains(k) {
					t.Fatalf("a masked value is left in the key %q", k)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(in.Document())
}
