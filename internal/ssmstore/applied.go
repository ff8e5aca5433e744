package ssmstore

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// AppliedName returns the parameter name of the environment's apply record:
// the document's name followed by ".applied".
func (s *Store) AppliedName(env string) string { return s.Name(env) + ".applied" }

// GetApplied returns the environment's apply record, or an empty one
// (inventory.NewApplied) when the parameter does not exist yet. An error
// matching inventory.ErrInvalid means the parameter does not hold a valid
// apply record of env. Callers that change the record hold the environment's
// lease (Acquire) from this read until PutApplied returns.
func (s *Store) GetApplied(ctx context.Context, env string) (*inventory.Applied, error) {
	name := s.AppliedName(env)
	// WithDecryption lets a parameter that someone made a SecureString be
	// read too; for a String it changes nothing and needs no KMS permission.
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if errorCode(err) == "ParameterNotFound" {
		return inventory.NewApplied(env), nil
	}
	if err != nil {
		return nil, fmt.Errorf("get ssm parameter %s: %w", name, err)
	}
	a, err := parseApplied(env, aws.ToString(out.Parameter.Value))
	if err != nil {
		return nil, fmt.Errorf("ssm parameter %s version %d: %w", name, out.Parameter.Version, err)
	}
	return a, nil
}

// PutApplied writes a as the apply record of the claim's environment, as a
// write fenced by the claim like Put: nothing is written unless the lock
// holds the claim's token, and a loss is an error matching
// inventory.ErrLeaseLost. The record is a new version of a String parameter
// (it holds commits, times and run addresses, no secrets), in the Standard
// tier while it fits in 4096 bytes and the Advanced tier up to 8192 bytes,
// as for the inventory. It reads the version back and compares the bytes: a
// difference is an error matching inventory.ErrReadBack. A record over 8192
// bytes is an error matching ErrTooLarge, and one that Marshal rejects is
// not written.
func (s *Store) PutApplied(ctx context.Context, c *inventory.Claim, a *inventory.Applied) error {
	env, err := s.claimed(c, "put apply record")
	if err != nil {
		return err
	}
	name := s.AppliedName(env)
	if a == nil {
		return fmt.Errorf("put apply record to ssm parameter %s: the record is nil", name)
	}
	if a.Environment != env {
		return fmt.Errorf("put apply record to ssm parameter %s: the record is for environment %q, not %q",
			name, a.Environment, env)
	}
	body, err := a.Marshal()
	if err != nil {
		return fmt.Errorf("put apply record to ssm parameter %s: %w", name, err)
	}
	tier := types.ParameterTierStandard
	switch {
	case len(body) > AdvancedLimit:
		return fmt.Errorf("the apply record of %d stacks is %d bytes, more than the %d bytes ssm parameter %s can hold: %w",
			len(a.Stacks), len(body), AdvancedLimit, name, ErrTooLarge)
	case len(body) > StandardLimit:
		tier = types.ParameterTierAdvanced
	}
	return c.Write(ctx, func(ctx context.Context) error {
		number, err := s.write(ctx, &ssm.PutParameterInput{
			Name:        aws.String(name),
			Value:       aws.String(string(body)),
			Type:        types.ParameterTypeString,
			Overwrite:   aws.Bool(true),
			Tier:        tier,
			Description: aws.String("tierdeploy apply record (" + inventory.AppliedSchemaV1 + ")"),
		})
		if err != nil {
			return err
		}
		back, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(fmt.Sprintf("%s:%d", name, number)),
			WithDecryption: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("read back ssm parameter %s version %d: %w", name, number, err)
		}
		if !bytes.Equal([]byte(aws.ToString(back.Parameter.Value)), body) {
			return fmt.Errorf("ssm parameter %s version %d: %w", name, number, inventory.ErrReadBack)
		}
		return nil
	})
}

// parseApplied decodes a stored apply record and checks that it is env's.
func parseApplied(env, value string) (*inventory.Applied, error) {
	a, err := inventory.ParseApplied([]byte(value))
	if err != nil {
		return nil, err
	}
	if a.Environment != env {
		return nil, &inventory.InvalidError{Kind: "apply record", Field: "environment",
			Problem: fmt.Sprintf("holds the apply record of environment %q, not %q (does the parameter name lack %s?)",
				a.Environment, env, config.Placeholder)}
	}
	return a, nil
}
