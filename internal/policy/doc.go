// Package policy evaluates Rego policies in-process with the Open Policy
// Agent library (Rego v1 syntax), the way conftest does: every package in
// the configured directories that defines deny, warn or violation rules (or
// rules named deny_*, warn_*, violation_*) is a policy set, queried as
// data.<package>.<rule> against a stage's input (see checkinput). A deny
// or violation rule that produces a message fails the check, and the stack
// is not applied; a warn rule only reports.
//
// Policies are read from the repository, through os.Root, so a symbolic
// link that leaves the repository is refused; a linked directory is not
// followed. *.rego files are policies; *_test.rego files and everything
// under a testdata directory are for Test only. JSON and YAML files are
// data, loaded at data.<directories>.<file name without extension>,
// relative to the configured directory.
//
// Load parses and compiles once and prepares one query per rule; the
// Evaluator it returns is safe for concurrent use, so stacks are checked in
// parallel. A policy that does not parse or compile is an *Error naming the
// file and line (errors.Is ErrInvalid: bad input). Built-in functions that
// reach the network or the process (http.send, net.lookup_ip_addr,
// opa.runtime, providers.aws.sign_req) are not available: policies see the
// input and their data, nothing else.
//
// Test runs the *_test.rego tests (test_ rules) as `opa test` does, with the
// repository's fixtures, so that teams test their own policies in CI.
package policy
