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
// labels reported rather than failing), selectors (name:version,
// name:label), history pagination and SecureString values that come back
// encrypted unless decryption is asked for.
//
// Tests can make the next calls of an operation fail (throttling, server
// errors), count calls per operation, rewrite values on their way out and
// inspect what is stored. Signatures are not verified; the Authorization
// header must only be present and name the ssm service.
package ssmtest
