package eks

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/ststest"
)

// isolateAWS clears the AWS settings of the environment for one test.
func isolateAWS(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		require.NoError(t, os.Unsetenv(k))
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// TestWebIdentityChain is the CI setup: the job's OIDC token in a file
// (GitHub's id-token, GitLab's id_tokens), exchanged for a role by the
// standard chain, then the deployer role assumed, then the token signed.
func TestWebIdentityChain(t *testing.T) {
	isolateAWS(t)
	s := ststest.New(t, ststest.Options{})
	const oidcRole = "arn:aws:iam::111122223333:role/gh-oidc"
	const deployer = "arn:aws:iam::444455556666:role/deployer"
	s.AddRole(ststest.Role{ARN: oidcRole, WebIdentityToken: "oidc-jwt-MARKER"})
	s.AddRole(ststest.Role{ARN: deployer, Trusted: []string{"arn:aws:sts::111122223333:assumed-role/gh-oidc/run-42"}})
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("oidc-jwt-MARKER"), 0o600))
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
	t.Setenv("AWS_ROLE_ARN", oidcRole)
	t.Setenv("AWS_ROLE_SESSION_NAME", "run-42")
	t.Setenv("AWS_ENDPOINT_URL_STS", s.URL)
	t.Setenv("AWS_REGION", "eu-central-1")

	cfg, err := LoadAWSConfig(t.Context(), "")
	require.NoError(t, err)
	assert.Equal(t, "eu-central-1", cfg.Region)
	for _, role := range []string{"", deployer} {
		t.Run("role="+role, func(t *testing.T) {
			src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "meltano-prod", RoleARN: role})
			require.NoError(t, err)
			tok, err := src.Token(t.Context())
			require.NoError(t, err)
			assert.Contains(t, decode(t, tok).Query().Get("X-Amz-Credential"), "/eu-central-1/sts/aws4_request")
			code, body := callSTS(t, tok, "meltano-prod")
			require.Equal(t, http.StatusOK, code, body)
			want := "arn:aws:sts::111122223333:assumed-role/gh-oidc/run-42"
			if role != "" {
				want = "arn:aws:sts::444455556666:assumed-role/deployer/tierdeploy"
			}
			assert.Contains(t, body, want)
		})
	}
	var actions []string
	for _, r := range s.Requests() {
		actions = append(actions, r.Action)
	}
	assert.Equal(t, []string{"AssumeRoleWithWebIdentity", "GetCallerIdentity", "AssumeRole", "GetCallerIdentity"}, actions)

	// An explicit region wins over AWS_REGION.
	cfg, err = LoadAWSConfig(t.Context(), "us-west-2")
	require.NoError(t, err)
	assert.Equal(t, "us-west-2", cfg.Region)
}

func TestNoCredentialsInTheChain(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_REGION", "eu-west-1")
	cfg, err := LoadAWSConfig(t.Context(), "")
	require.NoError(t, err)
	src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "meltano"})
	require.NoError(t, err)
	_, err = src.Token(t.Context())
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), `EKS token for cluster "meltano": read AWS credentials: `)
	assert.NotContains(t, err.Error(), "\n")
}
