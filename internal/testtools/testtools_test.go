package testtools

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAtLeast(t *testing.T) {
	tests := map[string]bool{
		"1.11.4": true, "1.11.0": true, "1.12.0": true, "2.0.0": true,
		"1.10.9": false, "1.5.7": false, "0.15.0": false,
		"": false, "1": false, "x.y": false, "1.11-rc1": false,
	}
	for v, want := range tests {
		if got := atLeast(v, 1, 11); got != want {
			t.Errorf("atLeast(%q, 1, 11) = %v, want %v", v, got, want)
		}
	}
}

func TestWithoutAWS(t *testing.T) {
	got := withoutAWS([]string{"PATH=/bin", "AWS_PROFILE=prod", "AWS_SECRET_ACCESS_KEY=real", "HOME=/h", "NOTAWS_X=1"})
	want := []string{"PATH=/bin", "HOME=/h", "NOTAWS_X=1"}
	if len(got) != len(want) {
		t.Fatalf("withoutAWS = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("withoutAWS = %v, want %v", got, want)
		}
	}
}

// TestTerraformVersionOfAFakeBinary checks the version probe on a stand-in
// that prints what terraform version -json prints, and on one that fails.
func TestTerraformVersionOfAFakeBinary(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(good, []byte("#!/bin/sh\necho '{\"terraform_version\": \"1.11.4\", \"platform\": \"linux_amd64\"}'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("#!/bin/sh\necho 'not json'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if v, err := terraformVersion(good); err != nil || v != "1.11.4" {
		t.Errorf("terraformVersion(good) = %q, %v", v, err)
	}
	if _, err := terraformVersion(bad); err == nil {
		t.Error("terraformVersion(bad) succeeded")
	}
}
