// Package ssmtest is an in-process AWS Systems Manager Parameter Store for
// tests: an httptest server that speaks the service's wire protocol
// (awsJson1.1: POST /, X-Amz-Target AmazonSSM.<Operation>, JSON bodies,
// errors as {"__type": ..., "message": ...}), so the real aws-sdk-go-v2 ssm
// client runs against it unchanged.
//
// It implements PutParameter, GetParameter, GetParameterHistory,
// LabelParameterVersion, UnlabelParameterVersion and DeleteParameter with
// the documented behaviour that matters to an inventory store: version
// numbers, the 100 retained versions, tiers and their value size limits
// (4096 characters for Standard, 8192 for Advanced, no downgrade), label
// rules (at most 10 per version, a label moves between versions, invalid
// labels reported rather than failing, a label longer than 100 characters
// failing the request's validation), selectors (name:version,
// name:label), history pagination and SecureString values that come back
// encrypted unless decryption is asked for.
//
// Like the service, it has no conditional write: PutParameter with
// Overwrite replaces whatever is there, and DeleteParameter deletes it; what
// it guarantees is that a PutParameter without Overwrite creates a parameter
// at most once and that versions are numbered one by one, in the order the
// writes are applied (from 1 again after a parameter is deleted).
//
// Its behaviour is checked against moto's, an AWS API emulator, by the
// conformance tests (conformance_test.go), which record where either
// differs from the API reference.
//
// Tests can make the next calls of an operation fail (throttling, server
// errors), on any parameter or on one, count calls per operation and per
// parameter, run a function before each request (to land another client's
// request first), rewrite values on their way out and inspect what is
// stored. Signatures are not verified; the Authorization
// header must only be present and name the ssm service.
package ssmtest
