package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// junitReport is what a CI test view reads of a JUnit file.
type junitReport struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Class   string    `xml:"classname,attr"`
			Name    string    `xml:"name,attr"`
			File    string    `xml:"file,attr"`
			Time    string    `xml:"time,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct{} `xml:"error"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitReport {
	t.Helper()
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	var rep junitReport
	require.NoError(t, xml.Unmarshal(doc, &rep), "%s", doc)
	return rep
}

// TestTestPoliciesJUnitOnTheReferenceSet runs test-policies --junit on the
// reference deployment's policies (as the GitLab component's job does)
// and reads the file back: 25 passing test cases, one suite per package;
// then on a repository whose test fails, where the file is written too.
func TestTestPoliciesJUnitOnTheReferenceSet(t *testing.T) {
	clearCI(t)
	root := testtools.Root(t)
	out := filepath.Join(t.TempDir(), "policy-tests.xml")
	code, _, stderr := runCI(t, "--chdir", root, "--config", "tierdeploy.reference.yaml", "test-policies", "--junit", out)
	require.Equal(t, app.ExitOK, code, stderr)
	rep := readJUnit(t, out)
	assert.Equal(t, 25, rep.Tests)
	assert.Zero(t, rep.Failures+rep.Errors)
	passing, packages := 0, map[string]bool{}
	for _, s := range rep.Suites {
		assert.False(t, packages[s.Name], "one suite per package: %s", s.Name)
		packages[s.Name] = true
		assert.Len(t, s.Cases, s.Tests)
		for _, c := range s.Cases {
			assert.Equal(t, s.Name, c.Class)
			assert.Regexp(t, `^policy/.+_test\.rego$`, c.File)
			assert.Regexp(t, `^\d+\.\d{3}$`, c.Time)
			if c.Failure == nil && c.Error == nil && c.Skipped == nil {
				passing++
			}
		}
	}
	assert.Equal(t, 25, passing)
	assert.Contains(t, packages, "terraform.s3_test")

	r := gittest.New(t)
	r.Write(map[string]string{
		"tierdeploy.yaml":  "version: 1\ntiers:\n  - name: infra\n    terraform:\n      dir: infra\n    policies: [policy]\n",
		"infra/main.tf":    "resource \"terraform_data\" \"x\" {}\n",
		"policy/size.rego": "package size\n\ndeny contains \"too big\" if input.size > 3\n",
		"policy/size_test.rego": "package size_test\n\nimport data.size\n\n" +
			"test_small if count(size.deny) == 0 with input as {\"size\": 1}\n\n" +
			"test_wrong if {\n\tprint(\"<script>\\u001b[2J]]>\")\n\tcount(size.deny) == 0 with input as {\"size\": 9}\n}\n",
	})
	r.Commit("policies")
	code, _, _ = runCI(t, "--chdir", r.Dir, "--platform", "local", "test-policies", "--junit", ".tierdeploy/policy-tests.xml")
	assert.Equal(t, app.ExitFailed, code, "the exit code is unchanged")
	rep = readJUnit(t, filepath.Join(r.Dir, ".tierdeploy", "policy-tests.xml"))
	assert.Equal(t, 2, rep.Tests)
	assert.Equal(t, 1, rep.Failures)
	doc, err := os.ReadFile(filepath.Join(r.Dir, ".tierdeploy", "policy-tests.xml"))
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "<script>")
	assert.NotContains(t, string(doc), "\x1b")
}
