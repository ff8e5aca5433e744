package policy

import (
	"encoding/xml"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/golden"
)

// junitDoc is what a CI view reads of a report.
type junitDoc struct {
	Tests  int `xml:"tests,attr"`
	Suites []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Class   string    `xml:"classname,attr"`
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
			Error   *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	s3 := func(name string, line int, st TestStatus, msg string) TestResult {
		return TestResult{Package: "terraform.s3_test", Name: name, File: "policy/terraform/s3_test.rego", Line: line,
			Status: st, Message: msg, Duration: time.Duration(line) * time.Millisecond}
	}
	tests := map[string]TestReport{
		"passing": {Results: []TestResult{
			s3("test_private_bucket_allowed", 5, TestPass, ""),
			s3("test_public_acl_denied", 12, TestPass, "looking at aws_s3_bucket.logs"),
			{Package: "helm.images_test", Name: "test_registry_image_allowed", File: "policy/helm/images_test.rego", Line: 3, Status: TestPass, Duration: 2 * time.Millisecond},
		}},
		"failing and erring": {Results: []TestResult{
			s3("test_private_bucket_allowed", 5, TestPass, ""),
			s3("test_public_acl_denied", 12, TestFail, "deny: []"),
			s3("test_division", 20, TestError, "policy/terraform/s3_test.rego:21: eval_builtin_error: div: divide by zero\nprinted before"),
			s3("todo_test_policy_denied", 30, TestSkip, ""),
			{Package: "prod.rds_test", Name: "test_deletion_protection_kept", File: "policy/prod/rds_test.rego", Line: 8, Status: TestFail, Duration: time.Millisecond},
		}},
		"no tests": {},
	}
	for name, rep := range tests {
		t.Run(name, func(t *testing.T) {
			doc, err := rep.JUnit()
			require.NoError(t, err)
			golden.Assert(t, "junit/"+name+".xml", string(doc))
			var got junitDoc
			require.NoError(t, xml.Unmarshal(doc, &got))
			assert.Equal(t, len(rep.Results), got.Tests)
		})
	}

	doc, err := tests["failing and erring"].JUnit()
	require.NoError(t, err)
	var got junitDoc
	require.NoError(t, xml.Unmarshal(doc, &got))
	require.Len(t, got.Suites, 2, "one suite per package")
	s := got.Suites[0]
	assert.Equal(t, "terraform.s3_test", s.Name)
	assert.Equal(t, []int{4, 1, 1, 1}, []int{s.Tests, s.Failures, s.Errors, s.Skipped})
	assert.Equal(t, "terraform.s3_test", s.Cases[1].Class)
	assert.NotNil(t, s.Cases[1].Failure)
	require.NotNil(t, s.Cases[2].Error)
	assert.Equal(t, "policy/terraform/s3_test.rego:21: eval_builtin_error: div: divide by zero", s.Cases[2].Error.Message)
	assert.NotNil(t, s.Cases[3].Skipped)
	assert.Equal(t, "prod.rds_test", got.Suites[1].Name)
	assert.Equal(t, 1, got.Suites[1].Failures)
}

// TestJUnitOfARealRun runs real Rego tests that pass, fail, err, print
// and are todo_, and reads their JUnit report back.
func TestJUnitOfARealRun(t *testing.T) {
	root := repo(t, map[string]string{
		"p/sizes.rego": sizes,
		"p/sizes_test.rego": `package terraform.sizes_test

import data.terraform.sizes

test_small_passes if {
	count(sizes.deny) == 0 with input as data.testdata.small
}

test_prints if {
	print("<script>\u001b[31m]]>")
	false
}

one(x) := 1 if x > 0

one(x) := 2 if x > 0

test_error if {
	one(1) == 1
}

todo_test_later if false
`,
		"p/testdata/small.json": dbPlan("db.t4g.small", 20),
	})
	rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	doc, err := rep.JUnit()
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "\x1b")
	assert.NotContains(t, string(doc), "<script>")
	var got junitDoc
	require.NoError(t, xml.Unmarshal(doc, &got), "%s", doc)
	require.Len(t, got.Suites, 1)
	s := got.Suites[0]
	assert.Equal(t, "terraform.sizes_test", s.Name)
	assert.Equal(t, []int{4, 1, 1, 1}, []int{s.Tests, s.Failures, s.Errors, s.Skipped}, "%s", doc)
}
