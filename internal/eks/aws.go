package eks

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// CredentialsExpiryWindow is how long before they expire temporary
// credentials are renewed. It is longer than DefaultRefreshBefore, so a
// token is never signed with credentials that expire before it should be
// replaced.
const CredentialsExpiryWindow = 10 * time.Minute

// LoadAWSConfig loads the standard AWS configuration chain: environment
// variables (AWS_ACCESS_KEY_ID and the rest, AWS_PROFILE, AWS_REGION,
// AWS_ENDPOINT_URL_STS), the shared config and credentials files, web
// identity (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, which is how
// GitHub Actions' and GitLab CI's OIDC tokens become AWS credentials),
// then container and instance roles. region, when set, replaces the
// chain's region.
func LoadAWSConfig(ctx context.Context, region string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithCredentialsCacheOptions(func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = CredentialsExpiryWindow }),
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load the AWS configuration: %w", err)
	}
	return cfg, nil
}
