package tfversion

import (
	"strings"
	"testing"
	"testing/fstest"
)

func FuzzParseWant(f *testing.F) {
	for _, s := range []string{"1.10.7", "v1.10.7", "= 1.5.7", "~> 1.10.0", ">= 1.8, < 1.11", "latest", "1.10", "1.11.0-rc1", "!=1.2.3", "=> 1", "~>1.0.0.0.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWant(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		if w.IsZero() || len(w.Constraints) == 0 {
			t.Fatalf("accepted %q as a zero Want", s)
		}
		if w.Exact != nil && !w.Allows(w.Exact) {
			t.Fatalf("%q does not allow its own release %s", s, w.Exact)
		}
	})
}

func FuzzParseVersionFile(f *testing.F) {
	for _, s := range []string{"1.10.7\n", "# c\n\n v1.9.0 # x\n", "", "\n\n", "latest\r\n", strings.Repeat("9", 70000)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, line, err := ParseVersionFile(data)
		if err != nil {
			return
		}
		if v == "" || line < 1 || strings.ContainsAny(v, "\n#") {
			t.Fatalf("bad result %q at line %d", v, line)
		}
	})
}

func FuzzParseToolVersions(f *testing.F) {
	for _, s := range []string{"opentofu 1.10.7\nterraform 1.9.8\n", "# x\nopentofu system\n", "opentofu\n", "a b c d\n\x00\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tools, err := ParseToolVersions(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, tv := range tools {
			if tv.Tool == "" || seen[tv.Tool] || tv.Line < 1 || strings.Contains(tv.Tool, "#") {
				t.Fatalf("bad entry %+v", tv)
			}
			seen[tv.Tool] = true
		}
	})
}

func FuzzResolveRequiredVersion(f *testing.F) {
	for _, s := range []string{
		"terraform {\n  required_version = \"~> 1.10.0\"\n}\n",
		`terraform { required_version = "${var.x}" }`,
		`{"terraform": {"required_version": ">= 1.0"}}`,
		"terraform {",
	} {
		f.Add(s, strings.HasPrefix(s, "{"))
	}
	f.Fuzz(func(t *testing.T, src string, isJSON bool) {
		name := stage + "/versions.tf"
		if isJSON {
			name += ".json"
		}
		r, err := Resolve(fstest.MapFS{name: file(src)}, Input{Dir: stage})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		if r.Source.Origin == FromRequiredVersion && (r.Want.IsZero() || r.Source.File != name) {
			t.Fatalf("bad request %+v", r)
		}
	})
}
