package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tierdeploy/tierdeploy/internal/childenv"
)

// A checker (a script the repository, and so a pull request, controls)
// gets none of the CI platform's tokens: the list is the one Terraform's
// environment uses (childenv), so the GitHub Enterprise tokens and GitLab's
// old build token are removed too.
func TestCheckerGetsNoPlatformToken(t *testing.T) {
	var env []string
	for _, name := range childenv.PlatformTokens {
		env = append(env, name+"=planted-"+name)
	}
	env = append(env, "AWS_REGION=eu-west-1")
	got := cleanEnv(env)
	assert.Equal(t, []string{"AWS_REGION=eu-west-1"}, got)
}
