package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm/github"
	"github.com/tierdeploy/tierdeploy/internal/scm/gitlab"
)

// GitLab jobs keep these files as artifacts (templates/tierdeploy.yml):
// outputs for artifacts:reports:dotenv and the counts for
// artifacts:reports:terraform.
const (
	gitlabDotenv       = ".tierdeploy/outputs.env"
	gitlabTerraformDir = ".tierdeploy/terraform"
)

// newRunner returns the CI runner protocol of the event's platform.
func newRunner(ev event.Event) app.CIRunner {
	switch ev.Platform {
	case event.GitHub:
		return runner.NewGitHub(runner.GitHubOptions{Stdout: os.Stdout, Getenv: os.Getenv})
	case event.GitLab:
		dir := os.Getenv("CI_PROJECT_DIR")
		if dir == "" {
			dir = "."
		}
		return runner.NewGitLab(runner.GitLabOptions{
			Stdout:       os.Stdout,
			Collapsed:    true,
			DotenvPath:   filepath.Join(dir, gitlabDotenv),
			TerraformDir: filepath.Join(dir, gitlabTerraformDir),
		})
	}
	return runner.NewLocal(runner.LocalOptions{Stderr: os.Stderr})
}

// newCodeHost returns the platform's API client for the event's repository.
func newCodeHost(_ context.Context, ev event.Event) (app.CodeHost, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	switch ev.Platform {
	case event.GitLab:
		token, err := gitlab.Token(os.Getenv)
		if err != nil {
			return nil, err
		}
		return gitlab.New(gitlab.Options{Logger: log, Token: token, APIURL: ev.APIURL, ServerURL: ev.ServerURL, ProjectPath: ev.Repository, ProjectID: ev.ProjectID})
	default:
		token, err := github.Token(os.Getenv)
		if err != nil {
			return nil, err
		}
		return github.New(github.Options{Logger: log, Token: token, APIURL: ev.APIURL, Repository: ev.Repository})
	}
}
