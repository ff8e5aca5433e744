package app

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fakeStore is an inventory store whose current document is bad.
type fakeStore struct {
	InventoryStore
	getErr error
}

func (s fakeStore) Get(context.Context, string) (*inventory.Document, inventory.Version, error) {
	return nil, inventory.Version{}, s.getErr
}

// fakeTerraform is a Terraform stage with nothing to change.
type fakeTerraform struct{}

func (fakeTerraform) Plan(context.Context, bool) (plan.Result, error) { return plan.Result{}, nil }
func (fakeTerraform) Apply(context.Context) error                     { return nil }
func (fakeTerraform) Outputs(context.Context) (map[string]inventory.Output, error) {
	return map[string]inventory.Output{}, nil
}

// stagesRun counts the stages built; runWith runs the command line with a
// store, Terraform and the environment given.
func runWith(t *testing.T, env map[string]string, payload []byte, store InventoryStore, stagesRun *atomic.Int32, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), Deps{
		Args:     args,
		Stdout:   &stdout,
		Stderr:   &stderr,
		Getenv:   func(k string) string { return env[k] },
		ReadFile: func(string) ([]byte, error) { return payload, nil },
		Git:      func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools: fakeTools{bin: deploy.Binary{Path: "/opt/bin/tofu", Version: "OpenTofu v1.10.10"},
			newTerraform: func(deploy.TerraformSpec) (deploy.TerraformStage, error) {
				stagesRun.Add(1)
				return fakeTerraform{}, nil
			}},
		NewStore: func(context.Context, *config.Config) (InventoryStore, error) { return store, nil },
	})
	return code, stderr.String()
}

// TestMalformedInventoryIsBadInput checks that plan and drift stop with
// exit 3, naming the problem, before any stage runs, when the stored
// inventory document is invalid (they exited 1 after planning).
func TestMalformedInventoryIsBadInput(t *testing.T) {
	r := newRepo(t)
	bad := fakeStore{getErr: &inventory.InvalidError{Field: "created", Problem: `"yesterday" is not an RFC 3339 time`}}
	for _, args := range [][]string{{"plan", "--all"}, {"drift", "--no-issues"}} {
		var stages atomic.Int32
		code, stderr := runWith(t, nil, nil, bad, &stages, append([]string{"--chdir", r.Dir, "--platform", "local"}, args...)...)
		assert.Equal(t, ExitInput, code, args)
		assert.Contains(t, stderr, `invalid inventory document: field "created"`, args)
		assert.Zero(t, stages.Load(), "%v: no stage ran", args)
	}
}

// TestBadInputInsideAStackIsExitThree checks that a stack failing for bad
// input makes the run exit 3, with the cause in the message.
func TestBadInputInsideAStackIsExitThree(t *testing.T) {
	bad := &inventory.InvalidError{Field: "values", Problem: "must be an object"}
	res := result{outcome: &deploy.Outcome{Stacks: []*deploy.StackOutcome{
		{Results: []plan.Result{{Err: nil}}},
		{Results: []plan.Result{{Err: bad}}},
	}}}
	err := res.err()
	require.Error(t, err)
	assert.Equal(t, ExitInput, exitCode(res, nil))
	assert.Contains(t, err.Error(), `bad input: invalid inventory document: field "values"`)
}
