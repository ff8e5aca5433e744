package tfinstall

import (
	"bytes"
	"crypto"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/stretchr/testify/require"
)

func testKey(t *testing.T, created time.Time, lifetime uint32) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity("release", "", "release@example.invalid", &packet.Config{
		Algorithm:       packet.PubKeyAlgoEdDSA,
		Time:            func() time.Time { return created },
		KeyLifetimeSecs: lifetime,
	})
	require.NoError(t, err)
	return e
}

func sign(t *testing.T, e *openpgp.Entity, data []byte, at time.Time, armored bool) []byte {
	t.Helper()
	var b bytes.Buffer
	cfg := &packet.Config{Time: func() time.Time { return at }}
	if armored {
		require.NoError(t, openpgp.ArmoredDetachSign(&b, e, bytes.NewReader(data), cfg))
	} else {
		require.NoError(t, openpgp.DetachSign(&b, e, bytes.NewReader(data), cfg))
	}
	return b.Bytes()
}

// signRaw makes a signature at any time, even one the key was not valid
// at (which openpgp.DetachSign refuses to do).
func signRaw(t *testing.T, e *openpgp.Entity, data []byte, at time.Time) []byte {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return at }}
	pk := e.PrimaryKey
	sig := &packet.Signature{
		Version: pk.Version, SigType: packet.SigTypeBinary, PubKeyAlgo: pk.PubKeyAlgo, Hash: crypto.SHA256,
		CreationTime: at, IssuerKeyId: &pk.KeyId, IssuerFingerprint: pk.Fingerprint,
	}
	h, err := sig.PrepareSign(cfg)
	require.NoError(t, err)
	h.Write(data)
	require.NoError(t, sig.Sign(h, e.PrivateKey, cfg))
	var b bytes.Buffer
	require.NoError(t, sig.Serialize(&b))
	return b.Bytes()
}

func TestCheckSignature(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	key := testKey(t, t0, 0)
	stranger := testKey(t, t0, 0)
	expiring := testKey(t, t0, uint32((365 * 24 * time.Hour).Seconds())) // expired 2025-01-01
	sums := []byte("abc  tofu_1.0.0_linux_amd64.zip\n")

	tests := map[string]struct {
		keys openpgp.EntityList
		data []byte
		sig  []byte
		want string // "" means valid
	}{
		"binary signature":    {keys: openpgp.EntityList{key}, data: sums, sig: sign(t, key, sums, t0.Add(time.Hour), false)},
		"armored signature":   {keys: openpgp.EntityList{key}, data: sums, sig: sign(t, key, sums, t0.Add(time.Hour), true)},
		"one of several keys": {keys: openpgp.EntityList{stranger, key}, data: sums, sig: sign(t, key, sums, t0.Add(time.Hour), false)},
		"another key":         {keys: openpgp.EntityList{key}, data: sums, sig: sign(t, stranger, sums, t0.Add(time.Hour), false), want: "not made by a trusted key"},
		"changed content":     {keys: openpgp.EntityList{key}, data: append([]byte("x"), sums...), sig: sign(t, key, sums, t0.Add(time.Hour), false), want: "openpgp:"},
		"signed while the key was valid, checked after it expired": {
			keys: openpgp.EntityList{expiring}, data: sums, sig: sign(t, expiring, sums, t0.Add(30*24*time.Hour), false),
		},
		"signed after the key expired": {
			keys: openpgp.EntityList{expiring}, data: sums, sig: signRaw(t, expiring, sums, t0.Add(400*24*time.Hour)), want: "openpgp:",
		},
		"garbage":         {keys: openpgp.EntityList{key}, data: sums, sig: []byte("not a signature"), want: "openpgp:"},
		"empty":           {keys: openpgp.EntityList{key}, data: sums, sig: nil, want: "not made by a trusted key"},
		"armored garbage": {keys: openpgp.EntityList{key}, data: sums, sig: []byte("-----BEGIN PGP SIGNATURE-----\n\nxx\n-----END PGP SIGNATURE-----\n"), want: "unexpected EOF"},
		"armored key":     {keys: openpgp.EntityList{key}, data: sums, sig: armoredPublicKey(t, key), want: "it is a PGP PUBLIC KEY BLOCK"},
		"no keys":         {keys: nil, data: sums, sig: sign(t, key, sums, t0, false), want: "not made by a trusted key"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fp, err := checkSignature(tt.keys, tt.data, tt.sig, now)
			if tt.want == "" {
				require.NoError(t, err)
				require.Equal(t, Fingerprint(tt.keys[len(tt.keys)-1]), fp)
				return
			}
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tt.want), err.Error())
		})
	}
}

func armoredPublicKey(t *testing.T, e *openpgp.Entity) []byte {
	var b bytes.Buffer
	w, err := armorEncode(&b)
	require.NoError(t, err)
	require.NoError(t, e.Serialize(w))
	require.NoError(t, w.Close())
	return b.Bytes()
}
