package tfinstall

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// checkSignature verifies that sig (binary or ASCII-armored) is a detached
// signature of signed by one of keys, and returns the signer's primary key
// fingerprint.
//
// A key that has expired since is accepted for a signature it made while it
// was valid, as gpg does: a release signed in 2024 stays verifiable after
// the key's expiry date. A revoked key, an expired signature or a key that
// was expired when it signed are refused.
func checkSignature(keys openpgp.EntityList, signed, sig []byte, now func() time.Time) (string, error) {
	if len(keys) == 0 {
		return "", errors.New("no key to check it with")
	}
	verify := func(at func() time.Time) (*packet.Signature, *openpgp.Entity, error) {
		body, err := signatureBody(sig)
		if err != nil {
			return nil, nil, err
		}
		return openpgp.VerifyDetachedSignature(keys, bytes.NewReader(signed), body, &packet.Config{Time: at})
	}
	s, signer, err := verify(now)
	if errors.Is(err, pgperrors.ErrKeyExpired) && s != nil && !s.CreationTime.After(now()) {
		created := s.CreationTime
		s, signer, err = verify(func() time.Time { return created })
	}
	switch {
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return "", errors.New("is not signed by the release key")
	case err != nil:
		return "", fmt.Errorf("is not a valid signature (%v)", err)
	case signer == nil:
		return "", errors.New("is not signed by the release key")
	}
	return Fingerprint(signer), nil
}

// signatureBody returns the packets of a detached signature, unwrapping the
// ASCII armor when there is one.
func signatureBody(sig []byte) (io.Reader, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN PGP SIGNATURE-----")) {
		return bytes.NewReader(sig), nil
	}
	block, err := armor.Decode(bytes.NewReader(sig))
	if err != nil {
		return nil, fmt.Errorf("is not a valid signature (%v)", err)
	}
	if block.Type != openpgp.SignatureType {
		return nil, fmt.Errorf("is a %s, not a signature", block.Type)
	}
	return block.Body, nil
}
