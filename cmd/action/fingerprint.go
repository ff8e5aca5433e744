package main

import (
	"os"
	"strings"
)

// fingerprintKeyEnv names the environment variable that holds the key of
// the published fingerprints: a CI secret, the same for the plan and the
// apply jobs (see the README). Without it a secret contributes only its
// presence to a fingerprint.
const fingerprintKeyEnv = "TIERDEPLOY_FINGERPRINT_KEY"

// fingerprintKey returns the fingerprint key, nil when none is set.
func fingerprintKey() []byte {
	if k := os.Getenv(fingerprintKeyEnv); k != "" {
		return []byte(k)
	}
	return nil
}

// withoutFingerprintKey returns env without the fingerprint key: Terraform
// and its providers never need it, and a configuration could print it.
func withoutFingerprintKey(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, fingerprintKeyEnv+"=") {
			out = append(out, kv)
		}
	}
	return out
}
