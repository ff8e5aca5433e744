package helm

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// configMapWithPIN is a ConfigMap revision holding a sensitive inventory
// value.
func configMapWithPIN(t *testing.T, pin string) []object {
	t.Helper()
	o, ok, err := parseObject("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  HOST: db.internal\n", "app", nil)
	require.NoError(t, err)
	require.True(t, ok)
	o.body["data"].(map[string]any)["PIN"] = pin
	o.raw = pin
	return []object{o}
}

// helmFingerprint is the fingerprint of a release plan that adds the
// ConfigMap with pin, as a stage whose inventory holds pin computes it.
func helmFingerprint(t *testing.T, pin string, key []byte) string {
	t.Helper()
	d, err := redact.NewDigester(key)
	require.NoError(t, err)
	changes, _, err := diffObjects(nil, configMapWithPIN(t, pin), newMasking([]string{pin}, d))
	require.NoError(t, err)
	var res plan.Result
	fillResult(&res, changes)
	return res.Fingerprint
}

// The fingerprint of a Helm plan was a hash of the diff with the values in
// clear: a four-digit PIN in a ConfigMap was found by trying every one.
func TestHelmFingerprintDoesNotGiveAwayAWeakSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("tries 10,000 candidates")
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	for name, k := range map[string][]byte{"without a key": nil, "with a key": key} {
		t.Run(name, func(t *testing.T) {
			published := helmFingerprint(t, "4821", k)
			found := 0
			recovered := false
			for i := range 10000 {
				pin := fmt.Sprintf("%04d", i)
				// The attacker has the chart and the algorithm, not the key.
				if helmFingerprint(t, pin, nil) == published {
					found++
					recovered = recovered || pin == "4821"
				}
			}
			if k == nil {
				assert.Equal(t, 10000, found, "without a key the fingerprint holds nothing of the secret")
			} else {
				assert.Zero(t, found)
				assert.NotEqual(t, published, helmFingerprint(t, "4822", k), "with a key a changed secret is a changed plan")
			}
			assert.False(t, recovered && found == 1, "the secret was recovered")
		})
	}
}

// The plan job and the apply job plan the same release with the same
// inventory (and key): their fingerprints match, so --require-reviewed
// applies it.
func TestHelmPlanAndApplyFingerprintsMatch(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	for name, k := range map[string][]byte{"without a key": nil, "with a key": key} {
		t.Run(name, func(t *testing.T) {
			c := fakeCluster(t)
			opts := stageOptions(t, c)
			opts.FingerprintKey = k
			opts.Release.InventoryValues = map[string]string{"greeting": "app_secret", "database.password": "app_secret"}
			opts.Inventory = secretInventory(t, "4821")
			reviewed, err := newStage(t, opts).Plan(t.Context())
			require.NoError(t, err)
			again, err := newStage(t, opts).Plan(t.Context())
			require.NoError(t, err)
			assert.Equal(t, reviewed.Fingerprint, again.Fingerprint)

			opts.Inventory = secretInventory(t, "9999")
			rotated, err := newStage(t, opts).Plan(t.Context())
			require.NoError(t, err)
			if k == nil {
				assert.Equal(t, reviewed.Fingerprint, rotated.Fingerprint, "without a key a changed secret alone is not seen")
			} else {
				assert.NotEqual(t, reviewed.Fingerprint, rotated.Fingerprint)
			}
		})
	}
	_, err := New(Options{Release: stageOptions(t, fakeCluster(t)).Release, Root: testdata(t), FingerprintKey: []byte("short")})
	var ke *redact.KeyError
	require.ErrorAs(t, err, &ke)
}
