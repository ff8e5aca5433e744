package deps

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"

	"github.com/tierdeploy/tierdeploy/internal/yamlbound"
)

// Finder resolves local dependencies in a repository. Results are cached, so
// a Finder serves one run over an unchanging tree; it is safe for concurrent
// use.
type Finder struct {
	fsys fs.FS

	mu      sync.Mutex
	modules map[string]direct
	charts  map[string]direct
}

// direct is the memoized list of a directory's direct dependencies.
type direct struct {
	dirs []string
	err  error
}

// New returns a Finder over fsys, which holds the repository root. Paths given
// to and returned by the Finder are slash-separated and relative to that root.
func New(fsys fs.FS) *Finder {
	return &Finder{fsys: fsys, modules: map[string]direct{}, charts: map[string]direct{}}
}

// Modules returns the directories of the local modules that the Terraform
// configuration in dir calls, directly or through other local modules,
// sorted. Sources that leave the repository and remote sources are ignored.
func (f *Finder) Modules(dir string) ([]string, error) {
	return f.closure(dir, f.modules, f.parseModuleCalls)
}

// closure returns every directory reachable from dir through the direct
// dependencies parse finds (memoized in memo), sorted, without dir.
func (f *Finder) closure(dir string, memo map[string]direct, parse func(string) ([]string, error)) ([]string, error) {
	seen := map[string]bool{path.Clean(dir): true}
	var out []string
	queue := []string{path.Clean(dir)}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		next, err := f.direct(d, memo, parse)
		if err != nil {
			return nil, err
		}
		for _, m := range next {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
				queue = append(queue, m)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// direct returns dir's direct dependencies, parsing them once.
func (f *Finder) direct(dir string, memo map[string]direct, parse func(string) ([]string, error)) ([]string, error) {
	f.mu.Lock()
	c, ok := memo[dir]
	f.mu.Unlock()
	if ok {
		return c.dirs, c.err
	}
	dirs, err := parse(dir)
	f.mu.Lock()
	memo[dir] = direct{dirs: dirs, err: err}
	f.mu.Unlock()
	return dirs, err
}

var moduleSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "module", LabelNames: []string{"name"}}}}

var sourceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "source"}}}

func (f *Finder) parseModuleCalls(dir string) ([]string, error) {
	entries, err := fs.ReadDir(f.fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a module that does not exist (yet) has no calls
	}
	if err != nil {
		return nil, fmt.Errorf("read terraform directory %s: %w", dir, err)
	}
	parser := hclparse.NewParser()
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") || strings.HasSuffix(name, ".tofu") || strings.HasSuffix(name, ".tofu.json")) {
			continue
		}
		p := path.Join(dir, name)
		src, err := fs.ReadFile(f.fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(name, ".json") {
			file, diags = parser.ParseJSON(src, p)
		} else {
			file, diags = parser.ParseHCL(src, p)
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("parse %s: %w", p, diags)
		}
		content, _, _ := file.Body.PartialContent(moduleSchema)
		for _, b := range content.Blocks {
			attrs, _, _ := b.Body.PartialContent(sourceSchema)
			a, ok := attrs.Attributes["source"]
			if !ok {
				continue
			}
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() || !v.Type().Equals(cty.String) || v.IsNull() {
				continue // sources must be literal strings; terraform says so itself
			}
			if m, ok := localSource(dir, v.AsString()); ok {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// localSource resolves a module source relative to dir when it is a local
// path inside the repository.
func localSource(dir, src string) (string, bool) {
	if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
		return "", false
	}
	// A "//" subdirectory marker only appears in remote sources.
	p := path.Join(dir, src)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// Charts returns the directories of the local charts that the chart in dir
// depends on through file:// repositories in its Chart.yaml, transitively,
// sorted. Charts vendored under dir/charts are inside dir already.
func (f *Finder) Charts(dir string) ([]string, error) {
	return f.closure(dir, f.charts, f.parseChartDeps)
}

// chartFileLimits bound what decoding a Chart.yaml from the repository may
// cost (a Chart.yaml is a few kilobytes).
var chartFileLimits = yamlbound.Limits{MaxBytes: 1 << 20, MaxAliasNodes: 10_000}

type chartFile struct {
	Dependencies []struct {
		Repository string `yaml:"repository"`
	} `yaml:"dependencies"`
}

func (f *Finder) parseChartDeps(dir string) ([]string, error) {
	p := path.Join(dir, "Chart.yaml")
	src, err := fs.ReadFile(f.fsys, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if err := yamlbound.Check(src, chartFileLimits); err != nil {
		return nil, fmt.Errorf("parse %s: %w", p, err)
	}
	var cf chartFile
	if err := yaml.Unmarshal(src, &cf); err != nil {
		return nil, fmt.Errorf("parse %s: %w", p, err)
	}
	var out []string
	for _, d := range cf.Dependencies {
		rel, ok := strings.CutPrefix(d.Repository, "file://")
		if !ok {
			continue
		}
		dep := path.Join(dir, rel)
		if dep == ".." || strings.HasPrefix(dep, "../") || path.IsAbs(rel) {
			continue
		}
		out = append(out, dep)
	}
	return out, nil
}
