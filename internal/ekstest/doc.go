// Package ekstest plays, in tests, the part of an Amazon EKS cluster that
// checks bearer tokens: an authenticator that accepts a token only when it
// is a presigned STS GetCallerIdentity URL for the right cluster name, and
// maps the identity STS answers with to a Kubernetes user, served as a
// token authentication webhook for kube-apiserver (internal/kubetest's
// Options.TokenWebhook).
//
// Its checks follow the authenticator EKS runs: the "k8s-aws-v1." prefix
// and unpadded base64url, a size limit, the STS host (nothing else is ever
// fetched), the path, an allowlist of query parameters each given once,
// the GetCallerIdentity action, x-k8s-aws-id among the signed headers,
// X-Amz-Expires from 0 to 900, and 15 minutes from X-Amz-Date. It then
// calls the URL with x-k8s-aws-id set to its own cluster name, so that the
// signature check of STS (internal/ststest) refuses a token made for
// another cluster. Every review is recorded with its reason.
package ekstest
