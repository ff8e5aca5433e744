package helm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/tierdeploy/tierdeploy/internal/repofs"
)

// chartSource says where the release's chart comes from, for messages.
func (s *Stage) chartSource() string {
	switch {
	case isOCI(s.rel.Chart):
		if s.rel.Version != "" {
			return s.rel.Chart + " version " + s.rel.Version
		}
		return s.rel.Chart
	case s.rel.Repo != "":
		v := s.rel.Version
		if v == "" {
			v = "(latest)"
		}
		return fmt.Sprintf("%s %s from %s", s.rel.Chart, v, redactURL(s.rel.Repo))
	}
	return s.rel.Chart
}

func isOCI(ref string) bool { return strings.HasPrefix(ref, "oci://") }

// loadChart finds and loads the release's chart, with its dependencies. A
// failure is a *ChartError.
func (s *Stage) loadChart(ctx context.Context) (*chart.Chart, error) {
	var (
		ch  *chart.Chart
		err error
	)
	switch {
	case isOCI(s.rel.Chart):
		ch, err = s.pullOCI(ctx)
	case s.rel.Repo != "":
		ch, err = s.fetchFromRepo(ctx)
	default:
		ch, err = loadLocal(s.opts.Root, s.localChartPath())
	}
	if err == nil {
		err = checkDependencies(ch)
	}
	if err != nil {
		return nil, &ChartError{Chart: s.chartSource(), Err: err}
	}
	return ch, nil
}

// localChartPath returns the absolute path of a local chart.
func (s *Stage) localChartPath() string {
	if filepath.IsAbs(s.rel.Chart) {
		return s.rel.Chart
	}
	return filepath.Join(s.opts.Root, s.rel.Chart)
}

// loadLocal loads a chart directory or archive and adds the dependencies
// that its Chart.yaml takes from file:// paths and that are not already in
// its charts/ directory, as `helm dependency build` would, but in memory:
// nothing is written into the repository. A dependency must lie in the
// repository root and hold no link that leads out of it (internal/repofs):
// the chart itself was checked with the configuration, its file://
// dependencies are checked here.
func loadLocal(root, path string) (*chart.Chart, error) {
	ch, err := loader.Load(path)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		repo, err := repofs.Open(root)
		if err != nil {
			return nil, err
		}
		if err := addFileDependencies(repo, ch, path, map[string]bool{}); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

// addFileDependencies adds the file:// dependencies of the chart in dir.
// seen holds the directories on the way, to stop a cycle.
func addFileDependencies(repo *repofs.Root, ch *chart.Chart, dir string, seen map[string]bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if seen[abs] {
		return fmt.Errorf("chart %s depends on itself through file:// dependencies", dir)
	}
	seen[abs] = true
	defer delete(seen, abs)
	have := map[string]bool{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = true
	}
	if ch.Metadata == nil {
		return nil
	}
	for _, dep := range ch.Metadata.Dependencies {
		if dep == nil || !strings.HasPrefix(dep.Repository, "file://") || have[dep.Name] {
			continue
		}
		path := strings.TrimPrefix(dep.Repository, "file://")
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		rel, ok := repo.Rel(path)
		if !ok {
			return &repofs.OutsideError{Path: dep.Repository, What: "the dependency " + dep.Name}
		}
		if err := repo.CheckTree(rel); err != nil {
			return fmt.Errorf("dependency %s (%s): %w", dep.Name, dep.Repository, err)
		}
		sub, err := loader.Load(path)
		if err != nil {
			return fmt.Errorf("dependency %s (%s): %w", dep.Name, dep.Repository, err)
		}
		if sub.Name() != dep.Name {
			return fmt.Errorf("dependency %s (%s): the chart there is called %s", dep.Name, dep.Repository, sub.Name())
		}
		if err := checkVersion(dep.Version, sub.Metadata.Version); err != nil {
			return fmt.Errorf("dependency %s (%s): %w", dep.Name, dep.Repository, err)
		}
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			if err := addFileDependencies(repo, sub, path, seen); err != nil {
				return err
			}
		}
		ch.AddDependency(sub)
		have[dep.Name] = true
	}
	return nil
}

// checkVersion checks a dependency's version against the constraint that
// requires it; an empty constraint accepts any version.
func checkVersion(constraint, version string) error {
	if constraint == "" {
		return nil
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return fmt.Errorf("version constraint %q: %w", constraint, err)
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return fmt.Errorf("version %q: %w", version, err)
	}
	if !c.Check(v) {
		return fmt.Errorf("version %s does not satisfy %s", version, constraint)
	}
	return nil
}

// checkDependencies fails when Chart.yaml lists a dependency that is
// neither vendored in charts/ nor a file:// path, as helm install does.
func checkDependencies(ch *chart.Chart) error {
	if ch.Metadata == nil {
		return nil
	}
	have := map[string]bool{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = true
	}
	var missing []string
	for _, dep := range ch.Metadata.Dependencies {
		if dep != nil && !have[dep.Name] {
			missing = append(missing, dep.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("dependencies %s are listed in Chart.yaml but missing from charts/: "+
			"run `helm dependency build` in the chart directory and commit charts/, or use file:// dependencies",
			strings.Join(missing, ", "))
	}
	return nil
}
