package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// TestUnsetSetVariableIsBadInput: a release whose set value reads a
// variable the job does not set fails the run with exit 3.
func TestUnsetSetVariableIsBadInput(t *testing.T) {
	err := fmt.Errorf("plan: %w", &config.SetError{Release: "app", Path: "image.tag", Placeholder: "{env.IMAGE_TAG}",
		Err: fmt.Errorf("environment variable IMAGE_TAG is not set: set it in the job's environment: %w", config.ErrUnset)})
	res := result{outcome: &deploy.Outcome{Stacks: []*deploy.StackOutcome{{Results: []plan.Result{{Kind: plan.Helm, Name: "app", Err: err}}}}}}
	assert.Equal(t, ExitInput, exitCode(res, nil))
	require.Error(t, res.err())
	assert.Contains(t, res.err().Error(), "bad input: plan: helm release app: set image.tag: {env.IMAGE_TAG}: environment variable IMAGE_TAG is not set")

	other := result{outcome: &deploy.Outcome{Stacks: []*deploy.StackOutcome{{Results: []plan.Result{{Err: errors.New("helm upgrade failed")}}}}}}
	assert.Equal(t, ExitFailed, exitCode(other, nil))
}

// TestKubeContextFlag: --kube-context is taken by plan, apply and drift,
// and a value no kubeconfig could name (control characters, blanks) is
// refused as bad input before anything runs.
func TestKubeContextFlag(t *testing.T) {
	for _, cmd := range []string{"plan", "apply", "drift"} {
		for _, bad := range []string{"  ", "ctx\n::add-mask::x", "a\x1b[2Jb"} {
			code, _, stderr := runCLI(t, "--platform", "local", cmd, "--kube-context", bad)
			assert.Equal(t, ExitInput, code, "%s %q", cmd, bad)
			assert.Contains(t, stderr, "--kube-context", cmd)
			assert.Contains(t, stderr, "is not a kubeconfig context name", cmd)
		}
		code, out, _ := runCLI(t, cmd, "-h")
		assert.Equal(t, ExitOK, code)
		assert.Contains(t, out, "-kube-context context", cmd)
	}
	a := &invocation{kubeContext: "platform/agents:meltano-staging", name: "plan"}
	assert.NoError(t, a.checkKubeContext())
}

// TestLookupEnv: set values read the job's environment through
// Deps.LookupEnv, which tells an empty variable from an unset one; without
// it, an empty variable counts as unset.
func TestLookupEnv(t *testing.T) {
	a := &invocation{deps: Deps{LookupEnv: func(k string) (string, bool) { return "", k == "EMPTY" }}}
	v, ok := a.lookupEnv("EMPTY")
	assert.True(t, ok)
	assert.Empty(t, v)
	_, ok = a.lookupEnv("UNSET")
	assert.False(t, ok)

	a = &invocation{deps: Deps{Getenv: func(k string) string { return map[string]string{"TAG": "v1"}[k] }}}
	v, ok = a.lookupEnv("TAG")
	assert.True(t, ok)
	assert.Equal(t, "v1", v)
	_, ok = a.lookupEnv("EMPTY")
	assert.False(t, ok)
}
