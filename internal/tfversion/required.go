package tfversion

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// Constraint is one required_version setting.
type Constraint struct {
	Value string
	Line  int
}

var (
	terraformBlock = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "terraform"}}}
	requiredAttr   = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "required_version"}}}
)

// ParseRequiredVersion returns the required_version settings of one
// Terraform file (native syntax, or JSON when name ends in .json), in file
// order. name is used in messages. A setting must be a literal string.
func ParseRequiredVersion(name string, src []byte) ([]Constraint, error) {
	var (
		file  *hcl.File
		diags hcl.Diagnostics
	)
	if strings.HasSuffix(name, ".json") {
		file, diags = json.Parse(src, name)
	} else {
		file, diags = hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	content, _, diags := file.Body.PartialContent(terraformBlock)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	var out []Constraint
	for _, b := range content.Blocks {
		inner, _, diags := b.Body.PartialContent(requiredAttr)
		if diags.HasErrors() {
			return nil, diagError(diags)
		}
		attr, ok := inner.Attributes["required_version"]
		if !ok {
			continue
		}
		line := attr.Expr.Range().Start.Line
		v, diags := attr.Expr.Value(nil)
		if diags.HasErrors() || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
			return nil, fmt.Errorf("%s:%d: required_version must be a literal string such as \"~> 1.10.0\"", name, line)
		}
		out = append(out, Constraint{Value: v.AsString(), Line: line})
	}
	return out, nil
}

// diagError turns HCL diagnostics into one error: the first problem, with
// its place.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		at := ""
		if d.Subject != nil {
			at = fmt.Sprintf("%s:%d: ", d.Subject.Filename, d.Subject.Start.Line)
		}
		return fmt.Errorf("%s%s", at, strings.TrimSuffix(d.Summary, "."))
	}
	return diags
}

// moduleFiles lists the configuration files of the root module in dir, in
// name order: *.tf and *.tf.json, and for OpenTofu also *.tofu and
// *.tofu.json, which replace the .tf file of the same name (as OpenTofu
// does).
func moduleFiles(fsys fs.FS, dir string, product Product) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	names := map[string]string{} // base name without the extension -> file name
	tofu := map[string]bool{}
	for _, e := range entries {
		if !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		n := e.Name()
		var base string
		isTofu := false
		switch {
		case strings.HasSuffix(n, ".tf"):
			base = strings.TrimSuffix(n, ".tf")
		case strings.HasSuffix(n, ".tf.json"):
			base = strings.TrimSuffix(n, ".tf.json") + "\x00json"
		case product == OpenTofu && strings.HasSuffix(n, ".tofu"):
			base, isTofu = strings.TrimSuffix(n, ".tofu"), true
		case product == OpenTofu && strings.HasSuffix(n, ".tofu.json"):
			base, isTofu = strings.TrimSuffix(n, ".tofu.json")+"\x00json", true
		default:
			continue
		}
		if strings.HasPrefix(n, ".") {
			continue
		}
		if _, ok := names[base]; ok && tofu[base] && !isTofu {
			continue
		}
		names[base], tofu[base] = n, isTofu
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, path.Join(dir, n))
	}
	sort.Strings(out)
	return out, nil
}
