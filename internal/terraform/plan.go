package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// PlanOptions select the kind of plan.
type PlanOptions struct {
	// RefreshOnly plans only to update the state to match the real objects
	// (-refresh-only): its changes are drift, changes made outside
	// Terraform. A drift check runs a normal plan (everything apply would
	// do: drift and unapplied configuration) and a refresh-only plan (drift
	// alone) to tell the two apart.
	RefreshOnly bool
}

// Plan plans the stage into a plan file in WorkDir and reads it back as
// JSON.
//
// The Result holds: HasChanges, from the exit status of -detailed-exitcode
// (an output-only change is a change; for a refresh-only plan it means
// drift of what the configuration sets, see drift.go); Counts, Resources and Outputs, from the plan's JSON (for a
// refresh-only plan, Resources are the drifted resources, Counts are zero
// and Notes say "refresh-only: N drifted"); Fingerprint (see
// fingerprint.go); Secrets, every value Terraform marks sensitive and
// Options.Secrets; and Diff, the text plan printed (the text show would
// print; see plantext.go), with those values masked.
//
// A plan that fails returns a Result with Err set, the same error, and what
// was known. The error is a *LockError when the state lock was held beyond
// LockTimeout, wraps a *CommandError when Terraform failed otherwise, and
// wraps the context's error when ctx ended (the command got SIGINT and
// GracePeriod to exit).
func (s *Stage) Plan(ctx context.Context, po PlanOptions) (plan.Result, error) {
	what := "plan"
	if po.RefreshOnly {
		what = "refresh-only plan"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	// The inventory's secrets are known from the start: a failure (a
	// diagnostic that quotes one) is masked with them.
	res := plan.Result{Stack: s.opts.Stack, Kind: plan.Terraform, Name: s.name, Secrets: slices.Clone(s.opts.Secrets)}
	s.log.InfoContext(ctx, "terraform "+what+" started")
	err := s.plan(ctx, po, &res)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = fmt.Errorf("terraform %s %s: %w", what, s.name, err)
		s.log.ErrorContext(ctx, "terraform "+what+" failed", "duration", res.Duration.Round(time.Millisecond), "error", err)
		return res, res.Err
	}
	c := res.Counts
	s.log.InfoContext(ctx, "terraform "+what+" done", "duration", res.Duration.Round(time.Millisecond),
		"changes", res.HasChanges, "add", c.Add, "change", c.Change, "destroy", c.Destroy, "replace", c.Replace)
	return res, nil
}

func (s *Stage) plan(ctx context.Context, po PlanOptions, res *plan.Result) error {
	if err := s.ready(ctx); err != nil {
		return err
	}

	file := filepath.Join(s.opts.WorkDir, s.fileBase()+".tfplan")
	if po.RefreshOnly {
		file = filepath.Join(s.opts.WorkDir, s.fileBase()+".refresh-only.tfplan")
	}
	if s.planFile == file {
		s.planFile = ""
	}
	// A plan file left by an earlier plan must not survive a failed one.
	if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	args := planArgs(file, s.opts.VarFiles, s.opts.LockTimeout, po.RefreshOnly)
	log := s.log.With("cmd", "plan")
	stdout := newPlanStdout(func(line string) { log.InfoContext(ctx, line) })
	code, out, err := s.exec(ctx, "plan", args, stdout, false)
	stdout.lines.Close()
	switch {
	case err != nil:
		return err
	case code == 2:
		res.HasChanges = true
	case code != 0:
		return out.planFailure(code, s.opts.LockTimeout)
	}

	var js bytes.Buffer
	if err := s.command(ctx, "show -json", showJSONArgs(file), &js); err != nil {
		return err
	}
	if err := os.WriteFile(file+".json", js.Bytes(), 0o600); err != nil {
		return fmt.Errorf("keep plan JSON: %w", err)
	}

	f, err := s.fp.read(js.Bytes(), po.RefreshOnly)
	if err != nil {
		return err
	}
	res.Counts = f.counts
	res.Resources = f.resources
	res.Outputs = maskOutputs(f.outputs, redact.New(s.opts.Secrets...))
	res.Fingerprint = plan.Fingerprint(plan.Terraform, f.lines)
	res.Secrets = mergeSecrets(f.secrets, s.opts.Secrets)
	mask := redact.New(res.Secrets...)
	text, warnings := planText(stdout.String())
	res.Diff = mask.String(text)
	if warnings != "" {
		log.WarnContext(ctx, mask.String(warnings))
	}
	if po.RefreshOnly {
		// Terraform's exit status counts every refreshed difference;
		// drift is what the configuration sets (see drift.go).
		res.HasChanges = res.HasChanges && (f.drifted > 0 || len(f.outputs) > 0)
		res.Notes = append(res.Notes, f.driftNotes()...)
	} else {
		s.planFile = file
	}
	return nil
}

// mergeSecrets returns the values of a and b, sorted, without duplicates.
func mergeSecrets(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// maskOutputs masks the stage's secrets in the values of output changes
// (those Terraform marks are SensitiveValue already). A value that masking
// would leave as invalid JSON becomes SensitiveValue whole.
func maskOutputs(outs []plan.OutputChange, m *redact.Masker) []plan.OutputChange {
	mask := func(v json.RawMessage) json.RawMessage {
		if v == nil || !m.Contains(string(v)) {
			return v
		}
		if masked := json.RawMessage(m.String(string(v))); json.Valid(masked) {
			return masked
		}
		return json.RawMessage(`"` + SensitiveValue + `"`)
	}
	for i := range outs {
		outs[i].Before = mask(outs[i].Before)
		outs[i].After = mask(outs[i].After)
	}
	return outs
}
