package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	gh "github.com/google/go-github/v89/github"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// identity finds, once, the account the token acts as, so that only its
// comments and issues count as tierdeploy's (see scm.Identity):
//
//   - GET /user answers for a personal access token or a GitHub App's
//     user-to-server token: that user (or bot).
//   - An installation token, which a workflow's GITHUB_TOKEN is, gets 403
//     "Resource not accessible by integration" there. GraphQL's viewer
//     answers for it with the App's bot, "<slug>[bot]":
//     "github-actions[bot]" for GITHUB_TOKEN, the App's own bot for a token
//     made from a GitHub App (GET /app would need the App's private key).
//   - When GraphQL cannot answer either, the token is taken for a
//     workflow's GITHUB_TOKEN: github-actions[bot].
type identity struct {
	users  usersAPI
	viewer func(ctx context.Context) (scm.Identity, error)
	log    *slog.Logger

	mu  sync.Mutex
	id  scm.Identity
	set bool
}

// get returns the identity, asking the API on first use; a failure is not
// remembered, so a later call asks again.
func (i *identity) get(ctx context.Context) (scm.Identity, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.set {
		return i.id, nil
	}
	id, err := i.resolve(ctx)
	if err != nil {
		return scm.Identity{}, err
	}
	i.id, i.set = id, true
	return id, nil
}

func (i *identity) resolve(ctx context.Context) (scm.Identity, error) {
	u, _, err := i.users.Get(ctx, "")
	if err == nil {
		return scm.Identity{ID: u.GetID(), Login: u.GetLogin(), Bot: u.GetType() == "Bot"}, nil
	}
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusForbidden {
		return scm.Identity{}, apiError("find the account the token acts as (GET /user)", "", err, "")
	}
	id, verr := i.viewer(ctx)
	if verr == nil && id.Login != "" {
		return id, nil
	}
	i.log.WarnContext(ctx, "GitHub's GraphQL API did not say which account the token acts as; taking it for a workflow's GITHUB_TOKEN",
		"account", scm.GitHubActions.Login, "error", verr)
	return scm.GitHubActions, nil
}

// graphqlURL returns the GraphQL endpoint of the REST API root api:
// https://api.github.com/graphql, or https://HOST/api/graphql on GitHub
// Enterprise Server (whose REST root is https://HOST/api/v3).
func graphqlURL(api string) string {
	api = strings.TrimRight(api, "/")
	if root, ok := strings.CutSuffix(api, "/api/v3"); ok {
		return root + "/api/graphql"
	}
	return api + "/graphql"
}

// viewerQuery asks GraphQL who the token is.
const viewerQuery = `query { viewer { login databaseId } }`

// graphqlViewer returns the viewer function of c, posting to url.
func graphqlViewer(c *gh.Client, url string) func(ctx context.Context) (scm.Identity, error) {
	return func(ctx context.Context) (scm.Identity, error) {
		req, err := c.NewRequest(ctx, http.MethodPost, url, map[string]string{"query": viewerQuery})
		if err != nil {
			return scm.Identity{}, err
		}
		var out struct {
			Data struct {
				Viewer struct {
					Login      string `json:"login"`
					DatabaseID int64  `json:"databaseId"`
				} `json:"viewer"`
			} `json:"data"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if _, err := c.Do(req, &out); err != nil {
			return scm.Identity{}, err
		}
		if len(out.Errors) > 0 {
			return scm.Identity{}, fmt.Errorf("graphql: %s", out.Errors[0].Message)
		}
		v := out.Data.Viewer
		return scm.Identity{ID: v.DatabaseID, Login: v.Login, Bot: strings.HasSuffix(v.Login, "[bot]")}, nil
	}
}

// author returns who wrote a comment or an issue.
func author(u *gh.User, app *gh.App) scm.Author {
	return scm.Author{ID: u.GetID(), Login: u.GetLogin(), Type: u.GetType(), App: app.GetSlug()}
}
