package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestGitLab(t *testing.T, o GitLabOptions) (*GitLab, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	o.Stdout = &log
	o.Now = func() time.Time { return time.Unix(1700000000, 0) }
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	return NewGitLab(o), &log
}

func TestGitLabSections(t *testing.T) {
	tests := []struct {
		name      string
		collapsed bool
		want      string
	}{
		{"expanded", false, "\x1b[0Ksection_start:1700000000:tierdeploy_1_plan_infrastructure_prod\r\x1b[0Kplan infrastructure/prod\n" +
			"\x1b[0Ksection_start:1700000000:tierdeploy_2_terraform_init\r\x1b[0Kterraform init\n" +
			"\x1b[0Ksection_end:1700000000:tierdeploy_2_terraform_init\r\x1b[0K\n" +
			"\x1b[0Ksection_end:1700000000:tierdeploy_1_plan_infrastructure_prod\r\x1b[0K\n"},
		{"collapsed", true, "\x1b[0Ksection_start:1700000000:tierdeploy_1_plan_infrastructure_prod[collapsed=true]\r\x1b[0Kplan infrastructure/prod\n" +
			"\x1b[0Ksection_start:1700000000:tierdeploy_2_terraform_init[collapsed=true]\r\x1b[0Kterraform init\n" +
			"\x1b[0Ksection_end:1700000000:tierdeploy_2_terraform_init\r\x1b[0K\n" +
			"\x1b[0Ksection_end:1700000000:tierdeploy_1_plan_infrastructure_prod\r\x1b[0K\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, log := newTestGitLab(t, GitLabOptions{Collapsed: tt.collapsed})
			require.NoError(t, g.Group("plan infrastructure/prod"))
			require.NoError(t, g.Group("terraform init"))
			require.NoError(t, g.EndGroup())
			require.NoError(t, g.EndGroup())
			require.NoError(t, g.EndGroup(), "an extra EndGroup does nothing")
			assert.Equal(t, tt.want, log.String())
		})
	}
}

func TestGitLabSectionHeaderIsOneLine(t *testing.T) {
	g, log := newTestGitLab(t, GitLabOptions{})
	require.NoError(t, g.Group("a\nb\x1b[31m"))
	assert.Equal(t, "\x1b[0Ksection_start:1700000000:tierdeploy_1_a_b__31m\r\x1b[0Ka b[31m\n", log.String())
}

func TestGitLabDotenv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tierdeploy.env")
	g, _ := newTestGitLab(t, GitLabOptions{DotenvPath: path})
	require.NoError(t, g.SetOutput("has-changes", "false"))
	require.NoError(t, g.SetOutput("matrix", `{"include":[{"tier":"infrastructure","environment":"prod"}]}`))
	require.NoError(t, g.SetOutput("has-changes", "true"))
	require.NoError(t, g.SetOutput("report-path", ""))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "TIERDEPLOY_HAS_CHANGES=true\n"+
		`TIERDEPLOY_MATRIX={"include":[{"tier":"infrastructure","environment":"prod"}]}`+"\n"+
		"TIERDEPLOY_REPORT_PATH=\n", string(b))
	assert.Equal(t, "TIERDEPLOY_EXIT_CODE", g.DotenvKey("exit-code"))
}

func TestGitLabDotenvErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.env")
	g, _ := newTestGitLab(t, GitLabOptions{DotenvPath: path, DotenvLimit: 40, DotenvPrefix: "TD_"})
	var oerr *OutputError
	require.ErrorAs(t, g.SetOutput("stacks", "a\nb"), &oerr)
	assert.Contains(t, oerr.Error(), "compact JSON")
	require.ErrorAs(t, g.SetOutput("stäcks", "a"), &oerr)

	require.NoError(t, g.SetOutput("stacks", "infrastructure/prod"))
	var big *DotenvTooLargeError
	require.ErrorAs(t, g.SetOutput("matrix", strings.Repeat("x", 30)), &big)
	assert.Equal(t, 40, big.Limit)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "TD_STACKS=infrastructure/prod\n", string(b), "a rejected output leaves the file as it was")
	require.NoError(t, g.SetOutput("x", "1"), "the rejected key was forgotten")

	g, _ = newTestGitLab(t, GitLabOptions{})
	var missing *MissingFileError
	assert.ErrorAs(t, g.SetOutput("x", "1"), &missing)
}

func TestGitLabTerraformReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	g, _ := newTestGitLab(t, GitLabOptions{TerraformDir: dir})
	r := TerraformReport{Create: 2, Update: 1}.Add(TerraformReport{Create: 1, Delete: 1})
	path, err := g.WriteTerraformReport("infrastructure/prod", r)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "infrastructure_prod.json"), path)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, `{"create":3,"update":1,"delete":1}`, string(b))

	_, err = g.WriteTerraformReport("x", TerraformReport{Create: -1})
	assert.Error(t, err)
	g, _ = newTestGitLab(t, GitLabOptions{})
	_, err = g.WriteTerraformReport("x", TerraformReport{})
	var missing *MissingFileError
	assert.ErrorAs(t, err, &missing)
}

func TestGitLabLogOnlyCommands(t *testing.T) {
	g, log := newTestGitLab(t, GitLabOptions{})
	require.NoError(t, g.AddMask("secret"))
	require.NoError(t, g.Annotate(Annotation{File: "tierdeploy.yaml", Line: 4, Col: 2, Message: "unknown key"}))
	cut, err := g.AppendSummary("# Report")
	require.NoError(t, err)
	assert.False(t, cut)
	assert.Equal(t, "tierdeploy.yaml:4:2: error: unknown key\n# Report\n", log.String())
}

// TestGitLabOutputPrefix: each include of the component writes its outputs
// under its own prefix (the output-prefix input becomes
// TIERDEPLOY_OUTPUT_PREFIX), so two dotenv reports that reach the same later
// job do not overwrite each other's variables.
func TestGitLabOutputPrefix(t *testing.T) {
	dir := t.TempDir()
	write := func(file, prefix string) string {
		t.Helper()
		path := filepath.Join(dir, file)
		g, _ := newTestGitLab(t, GitLabOptions{DotenvPath: path, Getenv: func(k string) string {
			if k == OutputPrefixVar {
				return prefix
			}
			return ""
		}})
		require.NoError(t, g.SetOutput("has-changes", "true"))
		require.NoError(t, g.SetOutput("exit-code", "0"))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return string(b)
	}
	assert.Equal(t, "TIERDEPLOY_HAS_CHANGES=true\nTIERDEPLOY_EXIT_CODE=0\n", write("default.env", ""))
	assert.Equal(t, "TIERDEPLOY_STAGING_HAS_CHANGES=true\nTIERDEPLOY_STAGING_EXIT_CODE=0\n", write("staging.env", "TIERDEPLOY_STAGING_"))
	assert.Equal(t, "prod_HAS_CHANGES=true\nprod_EXIT_CODE=0\n", write("prod.env", "prod_"))

	// An explicit DotenvPrefix wins over the environment.
	g, _ := newTestGitLab(t, GitLabOptions{DotenvPath: filepath.Join(dir, "x.env"), DotenvPrefix: "TD_",
		Getenv: func(string) string { return "IGNORED_" }})
	assert.Equal(t, "TD_DRIFT", g.DotenvKey("drift"))
}

// TestGitLabOutputPrefixHostile: a prefix that could not start a variable
// name, or that would smuggle a line or another variable into the dotenv
// file, fails every output with an error naming the variable, and writes
// nothing.
func TestGitLabOutputPrefixHostile(t *testing.T) {
	for name, prefix := range map[string]string{
		"newline":      "A\nGITLAB_TOKEN=stolen\nB_",
		"equals":       "A=B_",
		"dash":         "TIERDEPLOY-PROD_",
		"digit first":  "1_",
		"space":        "A B_",
		"command":      "$(id)_",
		"unicode":      "ÄRGER_",
		"nul":          "A\x00_",
		"too long":     strings.Repeat("A", maxOutputPrefix+1),
		"carriage ret": "A\r_",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "outputs.env")
			g, _ := newTestGitLab(t, GitLabOptions{DotenvPath: path, Getenv: func(k string) string {
				if k == OutputPrefixVar {
					return prefix
				}
				return ""
			}})
			err := g.SetOutput("has-changes", "true")
			var oerr *OutputError
			require.ErrorAs(t, err, &oerr)
			assert.Contains(t, err.Error(), OutputPrefixVar)
			assert.NotContains(t, err.Error(), "\n", "the error is one line")
			_, statErr := os.Stat(path)
			assert.ErrorIs(t, statErr, os.ErrNotExist, "nothing is written")
		})
	}
	// The longest prefix allowed still works.
	path := filepath.Join(t.TempDir(), "outputs.env")
	long := strings.Repeat("A", maxOutputPrefix)
	g, _ := newTestGitLab(t, GitLabOptions{DotenvPath: path, Getenv: func(string) string { return long }})
	require.NoError(t, g.SetOutput("drift", "false"))
}

func TestLocal(t *testing.T) {
	var w bytes.Buffer
	l := NewLocal(LocalOptions{Stderr: &w})
	require.NoError(t, l.Group("plan project/prod"))
	require.NoError(t, l.EndGroup())
	require.NoError(t, l.AddMask("x"))
	require.NoError(t, l.Annotate(Annotation{Level: LevelWarning, File: "a.yaml", Line: 1, Title: "deprecated", Message: "m"}))
	cut, err := l.AppendSummary("# ignored")
	require.NoError(t, err)
	assert.False(t, cut)
	require.NoError(t, l.SetOutput("has-changes", "true"))
	out := l.Outputs()
	out["mutated"] = "x"
	assert.Equal(t, map[string]string{"has-changes": "true"}, l.Outputs())
	assert.Equal(t, "==> plan project/prod\na.yaml:1: warning: deprecated: m\n", w.String())
}
