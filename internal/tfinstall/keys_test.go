package tfinstall_test

import (
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

func mustSemver(t *testing.T, s string) *version.Version {
	t.Helper()
	v, err := version.NewSemver(s)
	require.NoError(t, err)
	return v
}

// The embedded keys are the products' published release keys, and each
// has a signing key that is valid on the day this was written.
func TestEmbeddedKeys(t *testing.T) {
	keys, err := tfinstall.EmbeddedKeys()
	require.NoError(t, err)
	require.Len(t, keys, 2)
	require.Equal(t, "C874011F0AB405110D02105534365D9472D7468F", tfinstall.Fingerprint(keys[tfversion.Terraform][0]))
	require.Equal(t, "E3E6E43D84CB852EADB0051D0C0AF313E5FD9F80", tfinstall.Fingerprint(keys[tfversion.OpenTofu][0]))

	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	hashicorp := keys[tfversion.Terraform][0]
	signing, ok := hashicorp.SigningKeyById(day, 0xC820C6D5CD27AB87)
	require.True(t, ok, "HashiCorp's signing subkey 374E C75B 4859 1360 4A83 1CC7 C820 C6D5 CD27 AB87 is valid")
	require.Equal(t, "374EC75B485913604A831CC7C820C6D5CD27AB87", upperHex(signing.PublicKey.Fingerprint))
	_, ok = keys[tfversion.OpenTofu][0].SigningKey(day)
	require.True(t, ok, "OpenTofu's key can sign")
}

func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
