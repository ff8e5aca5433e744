package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// Apply applies the saved plan file planFile (see PlanFile), which must
// have been planned for this stage. Applying a saved plan asks nothing and
// changes exactly what the plan says; Terraform refuses a plan made stale by
// another apply since. Errors are as for Plan.
func (s *Stage) Apply(ctx context.Context, planFile string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	s.log.InfoContext(ctx, "terraform apply started")
	err := s.apply(ctx, planFile)
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		s.log.ErrorContext(ctx, "terraform apply failed", "duration", took, "error", err)
		return fmt.Errorf("terraform apply %s: %w", s.name, err)
	}
	s.log.InfoContext(ctx, "terraform apply done", "duration", took)
	return nil
}

func (s *Stage) apply(ctx context.Context, planFile string) error {
	if _, err := os.Stat(planFile); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %s", ErrNoPlanFile, planFile)
		}
		return err
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	code, out, err := s.exec(ctx, "apply", applyArgs(planFile, s.opts.LockTimeout), nil, true)
	switch {
	case err != nil:
		return err
	case code != 0:
		return out.failure("apply", code, s.opts.LockTimeout)
	}
	return nil
}

// Output is one root module output, as `output -json` prints it.
type Output struct {
	Sensitive bool `json:"sensitive"`
	// Type is the output's type constraint, in Terraform's JSON type
	// notation (such as "string" or ["object",{...}]).
	Type json.RawMessage `json:"type"`
	// Value is the output's value; sensitive values are in clear text.
	Value json.RawMessage `json:"value"`
}

// Outputs returns the root module's outputs from the state, by name: after
// Apply, they are what the inventory is built from.
func (s *Stage) Outputs(ctx context.Context) (map[string]Output, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(ctx); err != nil {
		return nil, fmt.Errorf("terraform output %s: %w", s.name, err)
	}
	var stdout bytes.Buffer
	code, out, err := s.exec(ctx, "output", outputArgs(), &stdout, false)
	if err == nil && code != 0 {
		err = out.failure("output", code, s.opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("terraform output %s: %w", s.name, err)
	}
	outs := map[string]Output{}
	if err := json.Unmarshal(stdout.Bytes(), &outs); err != nil {
		return nil, fmt.Errorf("terraform output %s: read JSON: %w", s.name, err)
	}
	return outs, nil
}
