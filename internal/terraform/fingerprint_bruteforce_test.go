package terraform

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// pinPlan returns a plan that creates a resource with a sensitive
// attribute and a sensitive output, both pin, beside ordinary values.
func pinPlan(t *testing.T, pin string) string {
	t.Helper()
	return strings.ReplaceAll(`{"format_version":"1.2","resource_changes":[
		{"address":"terraform_data.credentials","mode":"managed","type":"terraform_data","name":"credentials",
		 "change":{"actions":["create"],"before":null,"after":{"input":{"password":"@PIN","user":"admin"}},
		 "after_unknown":{"id":true,"output":true},"before_sensitive":false,"after_sensitive":{"input":{"password":true}}}},
		{"address":"terraform_data.app","mode":"managed","type":"terraform_data","name":"app",
		 "change":{"actions":["update"],"before":{"input":"a"},"after":{"input":"b"},"after_unknown":{},
		 "before_sensitive":false,"after_sensitive":false}}],
		"output_changes":{"pin":{"actions":["create"],"before":null,"after":"@PIN","after_unknown":false,
		 "before_sensitive":false,"after_sensitive":true}}}`, "@PIN", pin)
}

// bruteForce tries every four-digit PIN: it plans each with fingerprint
// and returns those whose fingerprint is the published one.
func bruteForce(t *testing.T, published string, fingerprint func(data []byte) string) []string {
	t.Helper()
	template := pinPlan(t, "@PIN")
	var found []string
	for i := range 10000 {
		pin := fmt.Sprintf("%04d", i)
		if fingerprint([]byte(strings.ReplaceAll(template, "@PIN", pin))) == published {
			found = append(found, pin)
		}
	}
	return found
}

// The fingerprint is published in the report comment. A sensitive value
// must not go into it through a hash anyone can compute: trying the 10,000
// four-digit PINs found the secret on the first version of this code.
func TestFingerprintDoesNotGiveAwayAWeakSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("tries 10,000 candidates")
	}
	const secret = "4821"
	published := fingerprintOf(t, []byte(pinPlan(t, secret)))
	found := bruteForce(t, published, func(data []byte) string { return fingerprintOf(t, data) })
	require.NotEqual(t, []string{secret}, found, "the secret was recovered from the published fingerprint")
	// Without a key, the fingerprint holds nothing of the secret: every
	// candidate fits it equally.
	assert.Equal(t, 10000, len(found))
}

// testKey is a fingerprint key as CI would hold it.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// With a key only CI holds, the fingerprint tells a changed secret from an
// unchanged one, and someone without the key still learns nothing: no
// candidate, computed as the public code computes it, fits.
func TestKeyedFingerprintDoesNotGiveAwayAWeakSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("tries 10,000 candidates")
	}
	keyed := keyedFingerprint(t, testKey, nil)
	published := keyed([]byte(pinPlan(t, "4821")))
	assert.Empty(t, bruteForce(t, published, func(data []byte) string { return fingerprintOf(t, data) }))
	assert.NotEqual(t, published, keyed([]byte(pinPlan(t, "4822"))), "with a key a changed secret is a changed plan")
	assert.Equal(t, published, keyed([]byte(pinPlan(t, "4821"))))
}

// A secret of the inventory goes into a consuming stack's plan unmarked
// (the variable that carries it has type any), in clear in an ordinary
// attribute: it must not reach the fingerprint either.
func TestFingerprintDoesNotGiveAwayAnInventorySecret(t *testing.T) {
	if testing.Short() {
		t.Skip("tries 10,000 candidates")
	}
	unmarked := func(pin string) []byte {
		return []byte(strings.ReplaceAll(`{"format_version":"1.2","resource_changes":[
			{"address":"terraform_data.dashboard","mode":"managed","type":"terraform_data","name":"dashboard",
			 "change":{"actions":["create"],"before":null,"after":{"input":{"dsn":"postgres://app:@PIN@db","b64":"`+
			base64PIN+`"}},"after_unknown":{"id":true},"before_sensitive":false,"after_sensitive":false}}]}`, "@PIN", pin))
	}
	for name, key := range map[string][]byte{"without a key": nil, "with a key": testKey} {
		t.Run(name, func(t *testing.T) {
			fp := func(pin string) string { return keyedFingerprint(t, key, []string{pin})(unmarked(pin)) }
			published := fp("4821")
			var found []string
			for i := range 10000 {
				pin := fmt.Sprintf("%04d", i)
				// The attacker knows the algorithm and guesses the secret;
				// without the key it can only leave the key out.
				if keyedFingerprint(t, nil, []string{pin})(unmarked(pin)) == published {
					found = append(found, pin)
				}
			}
			if key == nil {
				assert.Equal(t, 10000, len(found), "without a key the fingerprint holds nothing of the secret")
			} else {
				assert.Empty(t, found)
			}
		})
	}
}

// base64PIN marks where the test plan holds the PIN base64-encoded.
const base64PIN = "@B64"

// keyedFingerprint returns the fingerprint of plan JSON as a stage with key
// and secrets computes it.
func keyedFingerprint(t *testing.T, key []byte, secrets []string) func([]byte) string {
	t.Helper()
	d, err := redact.NewDigester(key)
	require.NoError(t, err)
	fp := fingerprinter{digest: d, seal: d.Sealer(secrets...)}
	return func(data []byte) string {
		if len(secrets) == 1 {
			data = []byte(strings.ReplaceAll(string(data), base64PIN, base64.StdEncoding.EncodeToString([]byte(secrets[0]))))
		}
		f, err := fp.read(data, false)
		require.NoError(t, err)
		return plan.Fingerprint(plan.Terraform, f.lines)
	}
}

// --require-reviewed compares the fingerprint of the plan made on the pull
// request with that of the plan made again at apply, by another job: with
// the same key (or none), the same change has the same fingerprint.
func TestPlanAndApplyFingerprintsMatch(t *testing.T) {
	for name, key := range map[string][]byte{"without a key": nil, "with a key": testKey} {
		t.Run(name, func(t *testing.T) {
			plans := func(secret string) string {
				f := &fakeRunner{replies: map[string]reply{
					"plan":       {code: 2},
					"show -json": {stdout: strings.ReplaceAll(pinPlan(t, secret), "postgres", "")},
				}}
				s, _ := fakeStage(t, f, func(o *Options) {
					o.FingerprintKey = key
					o.Secrets = []string{"inventory-" + secret}
				})
				r, err := s.Plan(t.Context(), PlanOptions{})
				require.NoError(t, err)
				return r.Fingerprint
			}
			reviewed := plans("4821")
			assert.Equal(t, reviewed, plans("4821"), "the job that applies plans the reviewed change")
			if key == nil {
				assert.Equal(t, reviewed, plans("9999"), "without a key a changed secret alone is not seen")
			} else {
				assert.NotEqual(t, reviewed, plans("9999"), "with a key a changed secret is a changed plan")
			}
		})
	}
}

func TestStageRefusesAShortFingerprintKey(t *testing.T) {
	_, err := New(Options{Binary: "/bin/true", Dir: t.TempDir(), WorkDir: t.TempDir(), FingerprintKey: []byte("short")})
	var ke *redact.KeyError
	require.ErrorAs(t, err, &ke)
}
