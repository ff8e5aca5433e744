package ship

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fencedBlocks returns the ```lang blocks of a markdown text between the
// headings start and end (end "" for the end of the text).
func fencedBlocks(t *testing.T, markdown, start, end, lang string) []string {
	t.Helper()
	i := strings.Index(markdown, start)
	require.NotEqual(t, -1, i, "no %q", start)
	section := markdown[i:]
	if end != "" {
		j := strings.Index(section, end)
		require.NotEqual(t, -1, j, "no %q after %q", end, start)
		section = section[:j]
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)\n```"+lang+"\n(.*?)```\n").FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// fileBody returns a file of the repository without its leading comment
// block, with `uses: ./` replaced by uses.
func fileBody(t *testing.T, rel, uses string) string {
	t.Helper()
	lines := strings.Split(string(readFile(t, rel)), "\n")
	i := 0
	for i < len(lines) && (strings.HasPrefix(lines[i], "#") || lines[i] == "") {
		i++
	}
	body := strings.Join(lines[i:], "\n")
	if uses != "" {
		body = strings.ReplaceAll(body, "uses: ./\n", "uses: "+uses+"\n")
	}
	return strings.TrimRight(body, "\n") + "\n"
}

// TestQuickStartsAreTheTestedFiles: the README's quick starts are, byte for
// byte, the example files that scripts/check-ci.sh checks (actionlint for
// GitHub; gitlab-ci-local's merge, list and a run of the plan job for
// GitLab), so a team can paste them as they are.
func TestQuickStartsAreTheTestedFiles(t *testing.T) {
	readme := string(readFile(t, "README.md"))
	gh := fencedBlocks(t, readme, "## Quick start: GitHub Actions", "## Quick start: GitLab CI/CD", "yaml")
	require.NotEmpty(t, gh)
	require.Equal(t, fileBody(t, "examples/github/tierdeploy.yml", "tierdeploy/tierdeploy@v1.2.3"), gh[0],
		"README.md's GitHub quick start is not examples/github/tierdeploy.yml")
	gl := fencedBlocks(t, readme, "## Quick start: GitLab CI/CD", "### Action inputs", "yaml")
	require.NotEmpty(t, gl)
	require.Equal(t, fileBody(t, "examples/gitlab/.gitlab-ci.yml", ""), gl[0],
		"README.md's GitLab quick start is not examples/gitlab/.gitlab-ci.yml")

	// Complete jobs: credentials through OpenID Connect on both platforms.
	require.Contains(t, gh[0], "id-token: write")
	require.Contains(t, gh[0], "aws-actions/configure-aws-credentials@")
	for _, job := range []string{"plan:", "apply:", "drift:"} {
		require.Contains(t, gh[0], "\n  "+job+"\n")
	}
	require.Contains(t, gl[0], "id_tokens:")
	for _, job := range []string{"tierdeploy-plan:", "tierdeploy-apply:", "tierdeploy-drift:"} {
		require.Contains(t, gl[0], "\n"+job+"\n")
	}
	// The report the plan uploads is the path tierdeploy reports, in a
	// hidden directory that upload-artifact skips unless told.
	require.Contains(t, gh[0], "path: ${{ steps.plan.outputs.report-path }}")
	require.Contains(t, gh[0], "include-hidden-files: true")
	require.Contains(t, gh[0], "if-no-files-found: error")

	// What each token needs, GitLab.com's tiers included.
	for _, want := range []string{"`GITLAB_TOKEN`", "Premium", "Free", "personal access token", "`api`", "Reporter", "Developer"} {
		require.Contains(t, readme[strings.Index(readme, "## Quick start: GitLab CI/CD"):strings.Index(readme, "### Action inputs")], want)
	}
}

// TestCredentialsExamplesAreTheTestedOne: the credentials examples of
// templates/README.md are the quick start's, which scripts/check-ci.sh runs
// on a fresh checkout (no .tierdeploy/ yet).
func TestCredentialsExamplesAreTheTestedOne(t *testing.T) {
	quickstart := string(readFile(t, "examples/gitlab/.gitlab-ci.yml"))
	require.Contains(t, quickstart, `mkdir -p "$CI_PROJECT_DIR/.tierdeploy"`, "the token file's directory does not exist on a cold cache")
	n := 0
	for _, block := range fencedBlocks(t, string(readFile(t, "templates/README.md")), "# The tierdeploy GitLab CI/CD component", "", "yaml") {
		if strings.Contains(block, "AWS_WEB_IDENTITY_TOKEN") {
			n++
			require.Contains(t, quickstart, block, "templates/README.md shows credentials that are not the tested quick start's")
		}
	}
	require.NotZero(t, n, "templates/README.md shows no credentials")
}

// TestGitHubExamples: the plan example uploads the report tierdeploy
// writes and fails when it is missing, and the drift check shares apply's
// concurrency group without cancelling it.
func TestGitHubExamples(t *testing.T) {
	plan := readWorkflow(t, "examples/github/plan.yml")
	upload := plan.Jobs["plan"].Steps[plan.stepIndex(t, "plan", "actions/upload-artifact")]
	require.Equal(t, "${{ steps.plan.outputs.report-path }}", upload.With["path"])
	require.Equal(t, true, upload.With["include-hidden-files"])
	require.Equal(t, "error", upload.With["if-no-files-found"])

	type concurrency struct {
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress bool   `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
	}
	var apply, drift concurrency
	require.NoError(t, yamlUnmarshal(readFile(t, "examples/github/apply.yml"), &apply))
	require.NoError(t, yamlUnmarshal(readFile(t, "examples/github/drift.yml"), &drift))
	require.Equal(t, apply.Concurrency.Group, drift.Concurrency.Group, "drift stays out of apply's way only in apply's group")
	require.False(t, apply.Concurrency.CancelInProgress)
	require.False(t, drift.Concurrency.CancelInProgress, "a drift check must not cancel a running apply")
}
