package helm

import (
	"strings"

	release "helm.sh/helm/v4/pkg/release/v1"
)

// Manifest returns what the last successful Plan rendered: the release's
// manifest and its hooks other than tests, as one YAML stream of
// documents separated by --- lines; empty before a Plan. It is the
// rendering that policies and checkers check. Secret values are in clear:
// build a masked input (checkinput.Helm) before anything shows it.
func (s *Stage) Manifest() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.manifest
}

// renderedManifest joins a rendered release's manifest and its hooks other
// than tests.
func renderedManifest(rel *release.Release) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(rel.Manifest, "\n"))
	b.WriteString("\n")
	for _, h := range rel.Hooks {
		if h == nil || isTestHook(h) {
			continue
		}
		b.WriteString("---\n# Source: ")
		b.WriteString(h.Path)
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(h.Manifest, "\n"))
		b.WriteString("\n")
	}
	return b.String()
}
