// Package ststest is an in-process AWS Security Token Service for tests: an
// httptest server that speaks the service's query protocol (form or query
// parameters Action and Version; XML answers, and JSON for
// GetCallerIdentity when asked with Accept: application/json, as EKS
// authenticators ask) so that the real aws-sdk-go-v2 sts client and
// credential providers run against it unchanged.
//
// Unlike the other fakes, it checks every signature: Signature Version 4,
// in the Authorization header or in the query of a presigned URL, is
// verified with the secret key of the identity the request names, from an
// implementation of the specification written here (sigv4.go) and checked
// against AWS's published test vectors, not the SDK's signer. A presigned
// request is accepted for 15 minutes after its X-Amz-Date whatever its
// X-Amz-Expires, as STS does; a header-signed one within 5 minutes of the
// server's clock, which tests can set.
//
// It implements GetCallerIdentity, AssumeRole (for identities a Role
// trusts) and AssumeRoleWithWebIdentity (for the Role's OIDC token), and
// records every request with the error it answered.
package ststest
