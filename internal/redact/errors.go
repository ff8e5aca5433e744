package redact

import "fmt"

// KeyError means a fingerprint key is too short to keep secrets from being
// guessed.
type KeyError struct {
	// Len is the key's length in bytes.
	Len int
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("the fingerprint key is %d bytes long: use at least %d random bytes (for example `openssl rand -hex 32`)",
		e.Len, MinKeyLen)
}
