package filestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// appliedSuffix ends the name of an environment's apply record (before
// ".json").
const appliedSuffix = ".applied"

// AppliedPath returns the file of the environment's apply record.
func (s *Store) AppliedPath(env string) string {
	return filepath.Join(s.opts.Dir, env+appliedSuffix+".json")
}

// GetApplied returns the environment's apply record, or an empty one
// (inventory.NewApplied) when none was written yet. An error matching
// inventory.ErrInvalid, naming the file, means the file is not a valid apply
// record of env. Callers that change the record hold the environment's lease
// (Acquire) from this read until PutApplied returns.
func (s *Store) GetApplied(ctx context.Context, env string) (*inventory.Applied, error) {
	if err := checkEnv(env); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path := s.AppliedPath(env)
	b, err := readDocument(path)
	if errors.Is(err, fs.ErrNotExist) {
		return inventory.NewApplied(env), nil
	}
	if err != nil {
		return nil, fmt.Errorf("get apply record of %s: %w", env, err)
	}
	a, err := parseApplied(env, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// PutApplied writes a as the apply record of the claim's environment, as a
// write fenced by the claim (see Acquire): nothing is written unless the
// lock file holds the claim's token, and an error matching
// inventory.ErrLeaseLost names the run that holds it instead. The record is
// indented and replaces the file atomically (mode 0600), then is read back
// and compared: a difference is an error matching inventory.ErrReadBack. A
// record that Marshal rejects is not written. The record has no versions:
// each write replaces the previous one.
func (s *Store) PutApplied(ctx context.Context, c *inventory.Claim, a *inventory.Applied) error {
	env, err := s.claimed(c, "put apply record")
	if err != nil {
		return err
	}
	path := s.AppliedPath(env)
	if a == nil {
		return fmt.Errorf("put apply record to %s: the record is nil", path)
	}
	if a.Environment != env {
		return fmt.Errorf("put apply record to %s: the record is for environment %q, not %q", path, a.Environment, env)
	}
	body, err := a.MarshalIndent()
	if err != nil {
		return fmt.Errorf("put apply record to %s: %w", path, err)
	}
	return c.Write(ctx, func(ctx context.Context) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeFile(path, body); err != nil {
			return fmt.Errorf("put apply record: %w", err)
		}
		back, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read back %s: %w", path, err)
		}
		if !bytes.Equal(back, body) {
			return fmt.Errorf("%s: %w", path, inventory.ErrReadBack)
		}
		return nil
	})
}

// parseApplied decodes a stored apply record and checks that it is env's.
func parseApplied(env string, b []byte) (*inventory.Applied, error) {
	a, err := inventory.ParseApplied(b)
	if err != nil {
		return nil, err
	}
	if a.Environment != env {
		return nil, &inventory.InvalidError{Kind: "apply record", Field: "environment",
			Problem: fmt.Sprintf("holds the apply record of environment %q, not %q", a.Environment, env)}
	}
	return a, nil
}
