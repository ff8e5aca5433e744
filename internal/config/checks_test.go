package config

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const checksConfig = `version: 1
environments: [{name: staging}, {name: prod}]
tiers:
  - name: infrastructure
    terraform: {dir: terraform}
    policies: [policy/terraform, "policy/{environment}", policy/terraform]
    checks:
      - name: trivy
        command: [trivy, config, --exit-code, "1", "{plan_json}"]
        timeout: 2m
        stages: [terraform]
        warn_exit_codes: [2, 3]
      - name: company
        command: [scripts/check.sh]
`

func TestChecksConfig(t *testing.T) {
	cfg, err := Parse("tierdeploy.yaml", []byte(checksConfig))
	require.NoError(t, err)
	tier := cfg.Tier("infrastructure")
	assert.Equal(t, []string{"policy/terraform", "policy/prod"}, tier.PolicyDirs("prod"))
	assert.Equal(t, []string{"policy/terraform", "policy/staging", "policy/prod"}, cfg.AllPolicyDirs())
	require.Len(t, tier.Checks, 2)
	trivy := tier.Checks[0]
	assert.Equal(t, []string{"trivy", "config", "--exit-code", "1", "{plan_json}"}, trivy.Command)
	assert.Equal(t, 2*time.Minute, trivy.CheckTimeout())
	assert.Equal(t, []int{2, 3}, trivy.WarnExitCodes)
	assert.True(t, trivy.Runs("terraform"))
	assert.False(t, trivy.Runs("helm"))
	assert.True(t, tier.Checks[1].Runs("helm"))
	assert.Equal(t, DefaultCheckTimeout, tier.Checks[1].CheckTimeout())

	fsys := fstest.MapFS{
		"terraform/main.tf":           {Data: []byte("")},
		"policy/terraform/s3.rego":    {Data: []byte("")},
		"policy/prod/rds.rego":        {Data: []byte("")},
		"policy/staging/.placeholder": {Data: []byte("")},
	}
	require.NoError(t, cfg.Check(fsys))
	delete(fsys, "policy/staging/.placeholder")
	err = cfg.Check(fsys)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tiers[0].policies[1]: directory policy/staging does not exist")
}

func TestChecksConfigErrors(t *testing.T) {
	tests := map[string]struct{ tier, want string }{
		"policy outside":  {"policies: [../shared]", `tiers[0].policies[0]: must be a relative path inside the repository, not "../shared"`},
		"policy absolute": {"policies: [/etc]", `tiers[0].policies[0]: must be a relative path inside the repository`},
		"no command":      {"checks: [{name: x}]", "tiers[0].checks[0].command: is required"},
		"command string":  {"checks: [{name: x, command: trivy config}]", "tiers[0].checks[0].command: must be a list"},
		"absolute":        {"checks: [{name: x, command: [/usr/bin/env]}]", `tiers[0].checks[0].command[0]: must be a program on PATH or a path inside the repository, not "/usr/bin/env"`},
		"escaping":        {"checks: [{name: x, command: [../x.sh]}]", "command[0]: must be a program on PATH or a path inside the repository"},
		"no name":         {"checks: [{command: [x]}]", "tiers[0].checks[0]: has no name"},
		"duplicate":       {"checks: [{name: x, command: [x]}, {name: x, command: [y]}]", `tiers[0].checks[1].name: check "x" is already defined at tiers[0].checks[0]`},
		"bad name":        {"checks: [{name: 'a b', command: [x]}]", `"a b" is not a valid check name`},
		"stage kind":      {"checks: [{name: x, command: [x], stages: [kubernetes]}]", `tiers[0].checks[0].stages[0]: must be terraform or helm, not "kubernetes"`},
		"exit code":       {"checks: [{name: x, command: [x], warn_exit_codes: [0]}]", "warn_exit_codes[0]: must be an exit status from 1 to 255, not 0"},
		"timeout":         {"checks: [{name: x, command: [x], timeout: soon}]", "timeout: must be a duration"},
		"unknown key":     {"checks: [{name: x, command: [x], args: [y]}]", "tiers[0].checks[0].args: is not a known key"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src := "version: 1\ntiers:\n  - name: infrastructure\n    terraform: {dir: terraform}\n    " + tc.tier + "\n"
			_, err := Parse("tierdeploy.yaml", []byte(src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "tierdeploy.yaml:"), err.Error())
		})
	}
}
