package policy

import (
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// unsafeBuiltins are the built-in functions a policy may not call: they
// reach the network or the process's environment.
var unsafeBuiltins = map[string]struct{}{
	"http.send":              {},
	"net.lookup_ip_addr":     {},
	"opa.runtime":            {},
	"providers.aws.sign_req": {},
}

// newCompiler returns the compiler of every policy: Rego v1, without the
// unsafe built-in functions.
func newCompiler() *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(ast.CapabilitiesForThisVersion()).
		WithUnsafeBuiltins(unsafeBuiltins).
		WithDefaultRegoVersion(ast.RegoV1)
}

// compile compiles the modules; a failure is an *Error naming each file
// and line.
func compile(c *ast.Compiler, modules map[string]*ast.Module) error {
	if c.Compile(modules); c.Failed() {
		ps := astProblems("", c.Errors)
		sortProblems(ps)
		return &Error{Problems: ps}
	}
	return nil
}

// ruleRE matches the names of the rules a policy set is queried for, as
// conftest names them.
var ruleRE = regexp.MustCompile(`^(deny|warn|violation)(_[A-Za-z0-9_]+)?$`)

// policySet is one package and the rules it is queried for.
type policySet struct {
	// name is the package path without "data.": "terraform.s3".
	name  string
	path  ast.Ref
	rules []string
}

// policySets returns the packages of the modules that define deny, warn or
// violation rules, sorted by name, each with its rules sorted.
func policySets(modules map[string]*ast.Module) []policySet {
	byName := map[string]*policySet{}
	for _, m := range modules {
		name := packageName(m.Package.Path)
		for _, r := range m.Rules {
			ref := r.Head.Ref()
			if len(ref) != 1 {
				continue
			}
			v, ok := ref[0].Value.(ast.Var)
			if !ok || !ruleRE.MatchString(string(v)) {
				continue
			}
			ps := byName[name]
			if ps == nil {
				ps = &policySet{name: name, path: m.Package.Path.Copy()}
				byName[name] = ps
			}
			if !slices.Contains(ps.rules, string(v)) {
				ps.rules = append(ps.rules, string(v))
			}
		}
	}
	out := make([]policySet, 0, len(byName))
	for _, ps := range byName {
		slices.Sort(ps.rules)
		out = append(out, *ps)
	}
	slices.SortFunc(out, func(a, b policySet) int { return strings.Compare(a.name, b.name) })
	return out
}

// packageName returns a package path without "data.": "terraform.s3".
func packageName(p ast.Ref) string {
	return strings.TrimPrefix(p.String(), "data.")
}

// severity returns the status a rule's messages have.
func isWarn(rule string) bool { return strings.HasPrefix(rule, "warn") }
