package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// Bounds on what is read.
const (
	// maxPolicyFile is the largest .rego file read.
	maxPolicyFile = 4 << 20
	// maxDataFile is the largest JSON or YAML data file read.
	maxDataFile = 64 << 20
)

// files are the parsed contents of the policy directories.
type files struct {
	// modules are the policies, by repository-relative path.
	modules map[string]*ast.Module
	// tests are the test modules and everything under testdata (read only
	// for Test).
	tests map[string]*ast.Module
	// data is the merged data document.
	data map[string]any
	// dataFrom records which file set each data path, for conflicts.
	dataFrom map[string]string
}

// load reads the policy directories (slash paths relative to root), with
// the tests and testdata when tests is set.
func load(root string, dirs []string, tests bool) (*files, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fsys := r.FS()
	f := &files{modules: map[string]*ast.Module{}, tests: map[string]*ast.Module{},
		data: map[string]any{}, dataFrom: map[string]string{}}
	errs := &Error{}
	for _, dir := range dirs {
		clean := path.Clean(dir)
		if dir == "" || path.IsAbs(dir) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(dir, `\`) {
			errs.Problems = append(errs.Problems, Problem{File: dir, Message: "must be a relative path inside the repository"})
			continue
		}
		info, err := fs.Stat(fsys, clean)
		switch {
		case err != nil:
			errs.Problems = append(errs.Problems, Problem{File: clean, Message: pathError(err)})
			continue
		case !info.IsDir():
			errs.Problems = append(errs.Problems, Problem{File: clean, Message: "is not a directory"})
			continue
		}
		before := len(f.modules)
		walkErr := fs.WalkDir(fsys, clean, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs.Problems = append(errs.Problems, Problem{File: p, Message: pathError(err)})
				return nil
			}
			name := d.Name()
			if p != clean && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				info, err := fs.Stat(fsys, p)
				switch {
				case err != nil:
					errs.Problems = append(errs.Problems, Problem{File: p, Message: "is a symbolic link that leaves the repository or points nowhere: replace it with the file"})
					return nil
				case info.IsDir():
					errs.Problems = append(errs.Problems, Problem{File: p, Message: "is a symbolic link to a directory, which is not followed: list that directory in policies instead"})
					return nil
				}
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(p, clean), "/")
			test := config.PolicyTestOnly(rel)
			switch {
			case strings.HasSuffix(name, ".rego"):
				if test && !tests {
					return nil
				}
				if pr := f.readModule(fsys, p, test); pr != nil {
					errs.Problems = append(errs.Problems, pr...)
				}
			case strings.HasSuffix(name, ".json"), strings.HasSuffix(name, ".yaml"), strings.HasSuffix(name, ".yml"):
				if test && !tests {
					return nil
				}
				if pr := f.readData(fsys, p, rel); pr != nil {
					errs.Problems = append(errs.Problems, *pr)
				}
			}
			return nil
		})
		if walkErr != nil {
			errs.Problems = append(errs.Problems, Problem{File: clean, Message: pathError(walkErr)})
		}
		if len(f.modules) == before && len(errs.Problems) == 0 {
			errs.Problems = append(errs.Problems, Problem{File: clean, Message: "holds no policy (.rego file other than *_test.rego)"})
		}
	}
	if len(errs.Problems) > 0 {
		sortProblems(errs.Problems)
		return nil, errs
	}
	return f, nil
}

// pathError words a file system error without the absolute path.
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case strings.Contains(err.Error(), "escapes"):
		// os.Root exports no sentinel for a path that leaves it; the
		// text only picks the wording here, the read is refused
		// either way.
		return "leaves the repository (through a symbolic link)"
	}
	return err.Error()
}

func (f *files) readModule(fsys fs.FS, p string, test bool) []Problem {
	src, pr := readFile(fsys, p, maxPolicyFile)
	if pr != nil {
		return []Problem{*pr}
	}
	m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return astProblems(p, err)
	}
	if m == nil {
		return []Problem{{File: p, Message: "is empty: a policy starts with a package declaration"}}
	}
	if test {
		f.tests[p] = m
	} else {
		f.modules[p] = m
	}
	return nil
}

func readFile(fsys fs.FS, p string, limit int64) ([]byte, *Problem) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, &Problem{File: p, Message: pathError(err)}
	}
	if info.Size() > limit {
		return nil, &Problem{File: p, Message: "is larger than the " + sizeText(limit) + " allowed"}
	}
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, &Problem{File: p, Message: pathError(err)}
	}
	if int64(len(b)) > limit {
		return nil, &Problem{File: p, Message: "is larger than the " + sizeText(limit) + " allowed"}
	}
	return b, nil
}

func sizeText(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// readData reads a JSON or YAML file into the data document at the path of
// its directories and name, relative to the policy directory.
func (f *files) readData(fsys fs.FS, p, rel string) *Problem {
	src, pr := readFile(fsys, p, maxDataFile)
	if pr != nil {
		return pr
	}
	js := src
	if !strings.HasSuffix(p, ".json") {
		var err error
		if js, err = yaml.YAMLToJSON(src); err != nil {
			return &Problem{File: p, Message: "is not valid YAML: " + err.Error()}
		}
	}
	v, err := decodeJSON(js)
	if err != nil {
		return &Problem{File: p, Message: "is not valid JSON: " + err.Error()}
	}
	name := path.Base(rel)
	name = strings.TrimSuffix(name, path.Ext(name))
	keys := []string{name}
	if d := path.Dir(rel); d != "." {
		keys = append(strings.Split(d, "/"), name)
	}
	node := f.data
	for i, k := range keys[:len(keys)-1] {
		next, ok := node[k]
		if !ok {
			m := map[string]any{}
			node[k] = m
			node = m
			f.dataFrom[strings.Join(keys[:i+1], ".")] = p
			continue
		}
		m, isMap := next.(map[string]any)
		if !isMap {
			return &Problem{File: p, Message: "conflicts with data from " + f.dataFrom[strings.Join(keys[:i+1], ".")]}
		}
		node = m
	}
	last := keys[len(keys)-1]
	at := strings.Join(keys, ".")
	if _, taken := node[last]; taken {
		return &Problem{File: p, Message: "conflicts with data from " + f.dataFrom[at] + " (both are data." + at + ")"}
	}
	node[last] = v
	f.dataFrom[at] = p
	return nil
}

// astProblems turns the parser's or compiler's errors into problems.
func astProblems(file string, err error) []Problem {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return []Problem{{File: file, Message: err.Error()}}
	}
	out := make([]Problem, 0, len(errs))
	seen := map[[2]int]bool{}
	for _, e := range errs {
		p := Problem{File: file, Message: e.Message}
		if e.Code != "" {
			p.Message = e.Code + ": " + e.Message
		}
		if e.Location != nil {
			if e.Location.File != "" {
				p.File = e.Location.File
			}
			p.Line, p.Column = e.Location.Row, e.Location.Col
		}
		// The parser may report one mistake several ways at one place: keep
		// the first.
		at := [2]int{p.Line, p.Column}
		if p.Line > 0 && seen[at] && p.File == file {
			continue
		}
		seen[at] = true
		out = append(out, p)
	}
	return out
}

func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		switch {
		case a.File != b.File:
			return strings.Compare(a.File, b.File)
		case a.Line != b.Line:
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// decodeJSON decodes one JSON value, numbers as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}
