// Package runner speaks the CI runner's protocol: log groups, outputs for
// later steps, the job summary, secret masks and file annotations. It does
// no network I/O.
//
// GitHub, GitLab and Local have the same method set for what every platform
// has (Group, EndGroup, SetOutput, AppendSummary, AddMask, Annotate), so the
// caller can declare one small interface over them; platform-only features
// (GitHub inputs and command pausing, GitLab Terraform reports) are extra
// methods. Everything writes through io.Writers and files given in the
// options, so tests need no process environment.
//
// Masking secrets in ordinary log lines is not done here (see
// internal/redact); GitHub's ::add-mask:: command is, so that the runner also
// hides values the program learns at run time. UntrustedWriter keeps the
// runner from reading commands in text the program prints but does not
// control; runnertest reads a log as the runner does, for tests.
package runner
