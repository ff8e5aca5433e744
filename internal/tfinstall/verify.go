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

// signatureError says why a detached signature was refused.
type signatureError struct {
	// Unknown means no trusted key made it.
	Unknown bool
	Err     error
}

func (e *signatureError) Error() string {
	if e.Unknown {
		return "not made by a trusted key"
	}
	return e.Err.Error()
}

func (e *signatureError) Unwrap() error { return e.Err }

// checkSignature verifies that sig (binary or ASCII-armored) is a detached
// signature of signed by one of keys, and returns the signer's primary key
// fingerprint. A refusal is a *signatureError.
//
// A key that has expired since is accepted for a signature it made while it
// was valid, as gpg does: a release signed in 2024 stays verifiable after
// the key's expiry date. A revoked key, an expired signature or a key that
// was expired when it signed are refused.
func checkSignature(keys openpgp.EntityList, signed, sig []byte, now func() time.Time) (string, error) {
	if now == nil {
		now = time.Now
	}
	if len(keys) == 0 {
		return "", &signatureError{Unknown: true}
	}
	body, err := signatureBody(sig)
	if err != nil {
		return "", &signatureError{Err: err}
	}
	verify := func(at func() time.Time) (*packet.Signature, *openpgp.Entity, error) {
		return openpgp.VerifyDetachedSignature(keys, bytes.NewReader(signed), bytes.NewReader(body), &packet.Config{Time: at})
	}
	s, signer, err := verify(now)
	if errors.Is(err, pgperrors.ErrKeyExpired) && s != nil && !s.CreationTime.After(now()) {
		created := s.CreationTime
		s, signer, err = verify(func() time.Time { return created })
	}
	switch {
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return "", &signatureError{Unknown: true}
	case err != nil:
		return "", &signatureError{Err: err}
	case signer == nil:
		return "", &signatureError{Unknown: true}
	}
	return Fingerprint(signer), nil
}

// signatureBody returns the packets of a detached signature, unwrapping the
// ASCII armor when there is one.
func signatureBody(sig []byte) ([]byte, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(sig), []byte("-----BEGIN ")) {
		return sig, nil
	}
	block, err := armor.Decode(bytes.NewReader(sig))
	if err != nil {
		return nil, err
	}
	if block.Type != openpgp.SignatureType {
		return nil, fmt.Errorf("it is a %s", block.Type)
	}
	body, err := io.ReadAll(io.LimitReader(block.Body, maxSignature))
	if err != nil {
		return nil, err
	}
	return body, nil
}
