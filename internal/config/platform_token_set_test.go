package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every credential of the CI platform that code under review never gets
// (internal/childenv) is refused as a set variable too, secret or not: a
// chart renders it (and a pull request's chart can encode it past any
// masker), and a cluster keeps it. The list must not lag behind the one
// the Terraform and checker environments use: CI_REPOSITORY_URL holds
// the job token, GH_TOKEN and the enterprise variables hold GitHub tokens.
func TestSetVariablesCannotReadPlatformTokens(t *testing.T) {
	for _, name := range []string{
		"GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "INPUT_GITHUB_TOKEN", "CI_BUILD_TOKEN",
		"CI_REPOSITORY_URL", "ACTIONS_RUNTIME_URL", "ACTIONS_RESULTS_URL", "ACTIONS_CACHE_URL",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "aws_session_token",
	} {
		for _, secret := range []string{"true", "false"} {
			t.Run(name+"/secret="+secret, func(t *testing.T) {
				_, err := parseRelease(t, "        env:\n          - name: "+name+"\n            secret: "+secret+
					"\n        set:\n          x: \"{env."+name+"}\"\n")
				var errs *Errors
				require.ErrorAs(t, err, &errs)
				assert.Contains(t, err.Error(), "tiers[0].helm[0].env[0].name: "+name+" is a credential of the CI job itself and must not reach a cluster")
			})
		}
	}
}

// A configuration that did not pass validation (built in code) still
// cannot expand a platform token: ExpandSet refuses it as well.
func TestExpandSetRefusesPlatformTokens(t *testing.T) {
	r := Release{Release: "app", Env: []EnvVar{{Name: "CI_REPOSITORY_URL", Secret: true}},
		Set: map[string]SetValue{"x": {Value: "{env.CI_REPOSITORY_URL}"}}}
	_, err := r.ExpandSet(Vars{LookupEnv: func(string) (string, bool) {
		return "https://gitlab-ci-token:glcbt-PLANTED@gitlab.example/group/repo.git", true
	}})
	var se *SetError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.NotContains(t, err.Error(), "glcbt-PLANTED")
}
