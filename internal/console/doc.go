// Package console shows the progress of a run on standard error, in the way
// that suits where it runs:
//
//   - Live, on a terminal: one line per stack, redrawn in place (waiting,
//     running with the time so far, done with its counts, skipped, failed),
//     the run's warnings above them, and a stack's full log (its tools'
//     output) printed once it failed, or for every stack with Verbose;
//   - Fold, in CI: each stack's log kept until the stack is done and then
//     written whole in one collapsible group of the CI log;
//   - Plain, anywhere else (a pipe, a file, --log-format json): every log
//     line at once.
//
// A stack's log is masked with the secrets its stages learnt before it is
// shown. Colour is used only in Live mode, and never when Color is off
// (NO_COLOR).
package console
