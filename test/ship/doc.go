// Package ship checks what users run tierdeploy from, and how it is
// released: the Dockerfile (parsed with BuildKit's own parser, since no image
// can be built in the tests; its go build run for both platforms), the image's
// entrypoint run as the users each platform runs it as, the GitHub Action
// metadata (action.yml) and the step of the release that pins it, the GitLab
// CI/CD component (templates/tierdeploy.yml), the release workflows and
// pipeline, and the quick starts of the documentation.
//
// The workflows and pipelines themselves are checked by scripts/check-ci.sh
// with actionlint and gitlab-ci-local.
package ship
