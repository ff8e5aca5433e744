package scm

import "strings"

// Identity is the account tierdeploy's token acts as on the platform. Only
// what it wrote is tierdeploy's: a comment, note or issue that carries a
// marker but was written by anyone else is never edited, closed or read for
// review fingerprints.
type Identity struct {
	// ID is the account's numeric ID; 0 when unknown.
	ID int64
	// Login is the user name: a user's, a project or group access token's
	// bot user on GitLab, or a GitHub App's bot, "<slug>[bot]"
	// ("github-actions[bot]" for a workflow's GITHUB_TOKEN).
	Login string
	// Bot is true for a GitHub App's bot account.
	Bot bool
}

// GitHubActions is the account a GitHub Actions workflow's GITHUB_TOKEN
// writes as.
var GitHubActions = Identity{ID: 41898282, Login: "github-actions[bot]", Bot: true}

// Author is who wrote a comment, note or issue, as the platform reports it.
type Author struct {
	ID    int64
	Login string
	// Type is GitHub's account type ("User", "Bot", "Organization"); empty
	// on GitLab.
	Type string
	// App is the slug of the GitHub App the comment was written through
	// (performed_via_github_app), if any.
	App string
}

// Wrote reports whether the identity wrote what a wrote: the same login
// (case does not matter on either platform) and, when both are known, the
// same ID. A GitHub App's bot must also be a Bot account and, when the
// platform names the App, that App.
func (id Identity) Wrote(a Author) bool {
	if id.Login == "" || !strings.EqualFold(id.Login, a.Login) {
		return false
	}
	if id.ID != 0 && a.ID != 0 && id.ID != a.ID {
		return false
	}
	if id.Bot {
		if a.Type != "Bot" {
			return false
		}
		if a.App != "" && !strings.EqualFold(a.App, strings.TrimSuffix(id.Login, "[bot]")) {
			return false
		}
	}
	return true
}

// Own returns the issues of is that the identity opened, in order.
func (id Identity) Own(is []Issue) []Issue {
	var out []Issue
	for _, i := range is {
		if id.Wrote(i.Author) {
			out = append(out, i)
		}
	}
	return out
}

// String returns the login, for messages.
func (id Identity) String() string { return id.Login }
