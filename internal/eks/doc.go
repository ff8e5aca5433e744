// Package eks makes the bearer tokens that Amazon EKS clusters accept, in
// process, with the AWS SDK: what `aws eks get-token` and
// aws-iam-authenticator print, without either being installed.
//
// A token is "k8s-aws-v1." followed by the unpadded base64url encoding of a
// presigned STS GetCallerIdentity URL whose signature covers the header
// x-k8s-aws-id: <cluster name>. The cluster's authenticator calls that URL
// with its own name in the header, so a token made for another cluster
// fails STS's signature check, and STS answers with the identity that
// signed it, which the cluster maps to a Kubernetes user (access entries,
// or the aws-auth ConfigMap). The URL carries X-Amz-Expires=60, as both
// tools send it, but STS ignores it: a token is valid for 15 minutes after
// its X-Amz-Date. A [TokenSource] signs a new token when less than
// RefreshBefore of that remains, so a client that asks it before every
// request keeps working through long waits.
//
// The signing credentials and region come from the standard AWS chain
// ([LoadAWSConfig]): environment variables, shared files, web identity
// (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, the OIDC tokens of GitHub
// Actions and GitLab CI), container and instance roles. An optional role is
// assumed first, as `aws eks get-token --role-arn` does.
package eks
