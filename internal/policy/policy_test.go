package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// repo writes files (slash paths) into a temporary repository root.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return root
}

// input builds a Terraform input from a small plan.
func input(t *testing.T, planJSON string, st checkinput.Stage) checkinput.Input {
	t.Helper()
	if st.Stack == (plan.Stack{}) {
		st.Stack = plan.Stack{Tier: "infrastructure", Environment: "prod"}
	}
	if st.Name == "" {
		st.Name = "terraform/environments/prod"
	}
	in, err := checkinput.Terraform([]byte(planJSON), st)
	require.NoError(t, err)
	return in
}

const sizes = `package terraform.sizes

allowed := {"db.t4g.small", "db.t4g.medium"}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_db_instance"
	not rc.change.after.instance_class in allowed
	msg := sprintf("%s: instance class %s is not allowed", [rc.address, rc.change.after.instance_class])
}

warn_big_storage contains msg if {
	some rc in input.resource_changes
	rc.change.after.allocated_storage > 100
	msg := sprintf("%s: %d GB of storage", [rc.address, rc.change.after.allocated_storage])
}

violation contains {"msg": "in prod", "details": {"x": 1}} if input.tierdeploy.environment == "prod"
`

func dbPlan(class string, storage int) string {
	b, _ := json.Marshal(map[string]any{"resource_changes": []any{map[string]any{
		"address": "aws_db_instance.main", "type": "aws_db_instance", "mode": "managed",
		"change": map[string]any{"actions": []string{"create"}, "after": map[string]any{"instance_class": class, "allocated_storage": storage}},
	}}})
	return string(b)
}

func TestCheckDenyWarnViolationAndPass(t *testing.T) {
	root := repo(t, map[string]string{"policy/sizes.rego": sizes, "policy/README.md": "not a policy"})
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"policy"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"terraform.sizes"}, e.Packages())

	tests := map[string]struct {
		plan     string
		env      string
		status   check.Status
		findings []check.Finding
	}{
		"pass": {plan: dbPlan("db.t4g.small", 20), env: "staging", status: check.Pass},
		"warn": {plan: dbPlan("db.t4g.small", 500), env: "staging", status: check.Warn, findings: []check.Finding{
			{Status: check.Warn, Rule: "warn_big_storage", Message: "aws_db_instance.main: 500 GB of storage"}}},
		"deny and violation": {plan: dbPlan("db.r6g.16xlarge", 20), env: "prod", status: check.Fail, findings: []check.Finding{
			{Status: check.Fail, Rule: "deny", Message: "aws_db_instance.main: instance class db.r6g.16xlarge is not allowed"},
			{Status: check.Fail, Rule: "violation", Message: "in prod"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := input(t, tc.plan, checkinput.Stage{Stack: plan.Stack{Tier: "infrastructure", Environment: tc.env}})
			res, err := e.Check(t.Context(), in)
			require.NoError(t, err)
			require.Len(t, res.Checks, 1)
			c := res.Checks[0]
			assert.Equal(t, check.Policy, c.Kind)
			assert.Equal(t, "terraform.sizes", c.Name)
			assert.Equal(t, plan.Terraform, c.StageKind)
			assert.Equal(t, "terraform/environments/prod", c.Stage)
			assert.Equal(t, tc.status, c.Status)
			assert.Equal(t, tc.findings, c.Findings)
			assert.Equal(t, tc.status == check.Fail, res.Denied())
		})
	}
}

func TestRuleValueShapes(t *testing.T) {
	root := repo(t, map[string]string{"p/shapes.rego": `package shapes

deny if input.tierdeploy.environment == "prod"

deny_string := "one message"

warn_object := {"a": "first", "b": {"msg": "second"}}

violation_numbers contains 42 if true

deny_conflict := 1 if true
deny_conflict := 2 if true

warn_false := false
`})
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	res, err := e.Check(t.Context(), input(t, `{}`, checkinput.Stage{}))
	require.NoError(t, err)
	require.Len(t, res.Checks, 1)
	got := map[string][]string{}
	for _, f := range res.Checks[0].Findings {
		got[f.Rule] = append(got[f.Rule], f.Message)
	}
	assert.Equal(t, []string{"deny matched"}, got["deny"])
	assert.Equal(t, []string{"one message"}, got["deny_string"])
	assert.Equal(t, []string{"first", "second"}, got["warn_object"])
	assert.Equal(t, []string{"42"}, got["violation_numbers"])
	require.Len(t, got["deny_conflict"], 1)
	assert.Contains(t, got["deny_conflict"][0], "evaluation failed: ")
	assert.NotContains(t, got, "warn_false")
	assert.Equal(t, check.Fail, res.Checks[0].Status)
}

func TestManyMessagesAreBounded(t *testing.T) {
	root := repo(t, map[string]string{"p/many.rego": "package many\n\nwarn contains sprintf(\"message %04d %s\", [i, concat(\"\", [\"x\" | some _ in numbers.range(1, 2100)])]) if some i in numbers.range(1, 1000)\n"})
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	res, err := e.Check(t.Context(), input(t, `{}`, checkinput.Stage{}))
	require.NoError(t, err)
	fs := res.Checks[0].Findings
	require.Len(t, fs, MaxMessages+1)
	assert.Equal(t, "and 900 more messages", fs[len(fs)-1].Message)
	for _, f := range fs {
		assert.LessOrEqual(t, len(f.Message), MaxMessage+len("…"))
	}
}

func TestSyntaxErrorNamesFileAndLine(t *testing.T) {
	root := repo(t, map[string]string{
		"policy/terraform/ok.rego":  "package ok\n\ndeny contains \"x\" if false\n",
		"policy/terraform/bad.rego": "package bad\n\ndeny contains msg if {\n\tmsg := \"unterminated\n}\n",
	})
	_, err := Load(t.Context(), Options{Root: root, Dirs: []string{"policy/terraform"}})
	require.ErrorIs(t, err, ErrInvalid)
	var pe *Error
	require.ErrorAs(t, err, &pe)
	require.NotEmpty(t, pe.Problems)
	assert.Equal(t, "policy/terraform/bad.rego", pe.Problems[0].File)
	assert.Equal(t, 4, pe.Problems[0].Line)
	assert.Regexp(t, `^policy policy/terraform/bad.rego:4:\d+: rego_parse_error: `, err.Error())
	// The command line annotates the places on the change's diff.
	var located interface{ Locations() []check.Location }
	require.ErrorAs(t, err, &located)
	locs := located.Locations()
	require.NotEmpty(t, locs)
	assert.Equal(t, "policy/terraform/bad.rego", locs[0].File)
	assert.Equal(t, 4, locs[0].Line)
	assert.Contains(t, locs[0].Message, "rego_parse_error")
}

func TestCompileErrors(t *testing.T) {
	tests := map[string]struct {
		src, want string
		line      int
	}{
		"unsafe builtin": {"package net\n\ndeny contains http.send({\"method\": \"get\", \"url\": \"http://169.254.169.254/\"}).body if true\n", "rego_type_error: unsafe built-in function calls in expression: http.send", 3},
		"runtime env":    {"package env\n\nwarn contains opa.runtime().env.GITHUB_TOKEN if true\n", "opa.runtime", 3},
		"unsafe var":     {"package v\n\n\ndeny contains msg if { x == 1 }\n", "rego_unsafe_var_error", 4},
		"v0 syntax":      {"package old\n\ndeny[msg] {\n  msg := \"x\"\n}\n", "rego_parse_error", 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			root := repo(t, map[string]string{"p/x.rego": tc.src})
			_, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}})
			require.ErrorIs(t, err, ErrInvalid)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "p/x.rego", pe.Problems[0].File)
			assert.Equal(t, tc.line, pe.Problems[0].Line)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestRefusesPathsAndLinksOutsideTheRepository(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "evil.rego"), []byte("package evil\n\ndeny contains \"x\" if true\n"), 0o644))
	root := repo(t, map[string]string{"policy/ok.rego": "package ok\n\nwarn contains \"x\" if false\n", "other/inside.rego": "package inside\n\nwarn contains \"y\" if false\n"})
	require.NoError(t, os.Symlink(filepath.Join(outside, "evil.rego"), filepath.Join(root, "policy", "evil.rego")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "linkdir")))
	require.NoError(t, os.Symlink("../other", filepath.Join(root, "policy", "sub")))

	tests := map[string]struct {
		dirs []string
		want string
	}{
		"file link out":   {[]string{"policy"}, "policy/evil.rego: is a symbolic link that leaves the repository"},
		"dir link inside": {[]string{"policy"}, "policy/sub: is a symbolic link to a directory, which is not followed"},
		"dir link out":    {[]string{"linkdir"}, "linkdir: leaves the repository"},
		"dot dot":         {[]string{"../x"}, "../x: must be a relative path inside the repository"},
		"absolute":        {[]string{outside}, "must be a relative path inside the repository"},
		"missing":         {[]string{"nothere"}, "nothere: does not exist"},
		"no policy":       {[]string{"empty"}, ""},
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "empty"), 0o755))
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Load(t.Context(), Options{Root: root, Dirs: tc.dirs})
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), outside+"/evil")
		})
	}
}

func TestDataFiles(t *testing.T) {
	root := repo(t, map[string]string{
		"p/limits.rego":          "package limits\n\ndeny contains sprintf(\"%d > %d\", [input.n, data.limits.max]) if input.n > data.limits.max\n\nwarn contains data.sub.note.text if true\n",
		"p/limits.yaml":          "max: 3\n",
		"p/sub/note.json":        `{"text": "from json"}`,
		"p/testdata/huge.json":   `{"not": "loaded for evaluation"}`,
		"p/testdata/helper.rego": "package helper\n\ndeny contains \"test helpers are not policies\" if true\n",
	})
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"limits"}, e.Packages())
	raw, _ := json.Marshal(map[string]any{"n": 5})
	res, err := e.Check(t.Context(), input(t, string(raw), checkinput.Stage{}))
	require.NoError(t, err)
	assert.Equal(t, []check.Finding{{Status: check.Fail, Rule: "deny", Message: "5 > 3"}, {Status: check.Warn, Rule: "warn", Message: "from json"}}, res.Checks[0].Findings)

	conflict := repo(t, map[string]string{"p/x.rego": "package x\n\nwarn contains \"x\" if false\n", "p/d.json": `{}`, "p/d.yaml": "a: 1\n"})
	_, err = Load(t.Context(), Options{Root: conflict, Dirs: []string{"p"}})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "conflicts with data from p/d.json")
}

func TestConcurrentChecksAndLibrary(t *testing.T) {
	root := repo(t, map[string]string{"policy/sizes.rego": sizes})
	lib := NewLibrary(root, 0)
	var wg sync.WaitGroup
	results := make([]check.Status, 16)
	for i := range results {
		wg.Go(func() {
			e, err := lib.Evaluator(t.Context(), []string{"policy"})
			if !assert.NoError(t, err) {
				return
			}
			class := "db.t4g.small"
			if i%2 == 1 {
				class = "db.x2g.huge"
			}
			res, err := e.Check(t.Context(), input(t, dbPlan(class, 10), checkinput.Stage{Stack: plan.Stack{Tier: "t", Environment: "staging"}}))
			if assert.NoError(t, err) {
				results[i] = res.Status()
			}
		})
	}
	wg.Wait()
	for i, s := range results {
		want := check.Pass
		if i%2 == 1 {
			want = check.Fail
		}
		assert.Equal(t, want, s, "stack %d", i)
	}
	e1, _ := lib.Evaluator(t.Context(), []string{"policy"})
	e2, _ := lib.Evaluator(t.Context(), []string{"policy"})
	assert.Same(t, e1, e2, "compiled once")
	none, err := lib.Evaluator(t.Context(), nil)
	require.NoError(t, err)
	res, err := none.Check(t.Context(), input(t, "{}", checkinput.Stage{}))
	require.NoError(t, err)
	assert.Empty(t, res.Checks)
}

func TestCheckEndsWithTheContext(t *testing.T) {
	root := repo(t, map[string]string{"p/slow.rego": "package slow\n\ndeny contains x if {\n\tsome x in numbers.range(1, 3000)\n\tsome y in numbers.range(1, 3000)\n\tx == y + 1000000\n}\n"})
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}, Timeout: 50 * 1e6})
	require.NoError(t, err)
	_, err = e.Check(t.Context(), input(t, "{}", checkinput.Stage{}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "evaluation took longer than 50ms")
}
