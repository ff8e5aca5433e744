package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// MinKeyLen is the shortest fingerprint key NewDigester accepts: a shorter
// one could itself be guessed, and with it every secret.
const MinKeyLen = 16

// Digester turns secret values into the tokens that stand for them in
// published fingerprints. A fingerprint is public (it is in the report
// comment), and a plain hash of a weak secret (a four-digit PIN, a word) is
// found again by trying every candidate, so a secret never goes into one
// through an unkeyed hash:
//
//   - with a key (one only CI holds), a secret's token is its HMAC-SHA256
//     under that key: a changed secret changes the fingerprint, and without
//     the key nothing can be learnt from it;
//   - without a key, every secret has the same token: a secret contributes
//     only that a sensitive value is there, so a change of a secret alone
//     does not change the fingerprint.
//
// A Digester is safe for concurrent use; the zero value and nil have no
// key.
type Digester struct {
	key []byte
}

// NewDigester returns a Digester with key, which may be empty (no key). A
// key shorter than MinKeyLen bytes is a *KeyError.
func NewDigester(key []byte) (*Digester, error) {
	if len(key) > 0 && len(key) < MinKeyLen {
		return nil, &KeyError{Len: len(key)}
	}
	return &Digester{key: append([]byte(nil), key...)}, nil
}

// Keyed reports whether the Digester has a key.
func (d *Digester) Keyed() bool { return d != nil && len(d.key) > 0 }

// unkeyedToken is every secret's token without a key.
const unkeyedToken = "(sensitive)"

// Token returns the token for one secret value: "(sensitive)" without a
// key, "(sensitive hmac:<32 hex digits>)" with one.
func (d *Digester) Token(secret string) string {
	if !d.Keyed() {
		return unkeyedToken
	}
	mac := hmac.New(sha256.New, d.key)
	mac.Write([]byte(secret))
	return "(sensitive hmac:" + hex.EncodeToString(mac.Sum(nil)[:16]) + ")"
}

// Sealer returns a function that replaces each of secrets, in every form a
// Masker masks (see New), with its Token: text that keeps apart what is
// different (with a key) but holds nothing of a secret. A stage applies it
// to what goes into a fingerprint. Secrets shorter than MinLen are left as
// they are, as a Masker leaves them.
func (d *Digester) Sealer(secrets ...string) func(string) string {
	type pair struct{ from, to string }
	seen := map[string]bool{}
	var pairs []pair
	for _, s := range secrets {
		if len(s) < MinLen {
			continue
		}
		tok := d.Token(s)
		for _, v := range variants(s) {
			if len(v) >= MinLen && !seen[v] {
				seen[v] = true
				pairs = append(pairs, pair{v, tok})
			}
		}
	}
	if len(pairs) == 0 {
		return func(s string) string { return s }
	}
	// Longest first: at one position the longer form wins.
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	r := strings.NewReplacer(args...)
	return r.Replace
}
