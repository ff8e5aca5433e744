package report

import (
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// Marker returns the hidden marker that starts the plan comment of an
// environment, by which the comment is found again:
// <!-- tierdeploy:report environment=E -->.
func Marker(environment string) string { return scm.ReportMarker(environment) }

// ApplyMarker returns the hidden marker that starts the apply comment of an
// environment.
func ApplyMarker(environment string) string { return scm.ApplyMarker(environment) }

// DriftMarker returns the hidden marker of the drift issue of one stack.
func DriftMarker(s plan.Stack) string { return scm.DriftMarker(s.Environment, s.Tier) }

const fingerprintPrefix = "<!-- tierdeploy:fingerprint stack="

// Fingerprint values of stacks whose plan is not a reviewable change: they
// never equal the fingerprint of a plan, so a reviewed-plan check refuses
// them.
const (
	FingerprintFailed  = "failed"
	FingerprintSkipped = "skipped"
)

// fingerprintLine returns the hidden line that carries the fingerprint of a
// stack.
func fingerprintLine(stack, fingerprint string) string {
	return fingerprintPrefix + scm.MarkerValue(stack, "") + " " + scm.MarkerValue(fingerprint, ":") + " -->"
}

// ParseFingerprints returns the fingerprint of each stack recorded in a
// rendered body, by stack ("tier/environment"). Only the hidden lines at the
// very end of the body are read, so text quoted in the body (plan or error
// output) cannot pose as a fingerprint. A stack that is missing (unknown, or
// cut to fit the budget) has no entry.
func ParseFingerprints(body string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(body, "\r\n", "\n"), " \t\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), fingerprintPrefix)
		if !ok {
			break
		}
		rest, ok = strings.CutSuffix(rest, " -->")
		stack, fp, found := strings.Cut(rest, " ")
		if !ok || !found || stack == "" || fp == "" || strings.Contains(fp, " ") {
			break
		}
		if _, dup := out[stack]; !dup {
			out[stack] = fp
		}
	}
	return out
}
