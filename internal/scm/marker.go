package scm

import "strings"

// ReportMarker returns the hidden marker of the plan report comment for an
// environment: <!-- tierdeploy:report environment=E -->.
func ReportMarker(environment string) string {
	return "<!-- tierdeploy:report environment=" + markerValue(environment) + " -->"
}

// ApplyMarker returns the hidden marker of the comment that apply posts on
// the merged pull or merge request.
func ApplyMarker(environment string) string {
	return "<!-- tierdeploy:apply environment=" + markerValue(environment) + " -->"
}

// DriftMarker returns the hidden marker of the drift issue of one stack
// (tier) in one environment.
func DriftMarker(environment, stack string) string {
	return "<!-- tierdeploy:drift environment=" + markerValue(environment) + " stack=" + markerValue(stack) + " -->"
}

// DriftMarkerPrefix starts every drift marker; SyncIssues closes duplicates
// only among issues that carry it.
const DriftMarkerPrefix = "<!-- tierdeploy:drift "

// HasMarker reports whether marker is the first line of body: tierdeploy
// writes it there, and only there does it count, so a marker quoted in plan
// text, in another environment's comment or anywhere else is never taken
// for one. Surrounding white space and a carriage return are ignored.
func HasMarker(body, marker string) bool {
	first, _, _ := strings.Cut(body, "\n")
	return strings.TrimSpace(first) == marker
}

// WithMarker returns body with marker as its first line, adding it when
// the first line is not the marker.
func WithMarker(marker, body string) string {
	if HasMarker(body, marker) {
		return body
	}
	return marker + "\n" + body
}

// markerValue keeps a name safe inside an HTML comment (see MarkerValue).
func markerValue(s string) string { return MarkerValue(s, "") }

// MarkerValue keeps a value safe inside a hidden marker, an HTML comment:
// characters other than letters, digits, '.', '_', '/', '-' and the bytes
// in extra become '_'. Validated tier and environment names pass
// unchanged. Every marker tierdeploy writes uses it.
func MarkerValue(s, extra string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '/', c == '-':
		case strings.IndexByte(extra, c) >= 0:
		default:
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}
