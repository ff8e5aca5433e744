// Package scmtest is a stub registry for HTTP-level tests of the platform
// adapters: an httptest server that answers only the requests a test
// registered, fails the test on any other request and on stubs left unused,
// and counts the calls per method and path. It also has responders that
// paginate as GitHub (Link headers) and GitLab (X-Next-Page and friends) do.
package scmtest
