// Package ship checks what users run tierdeploy from: the Dockerfile (parsed
// with BuildKit's own parser, since no image can be built in the tests), the
// GitHub Action metadata (action.yml) and the GitLab CI/CD component
// (templates/tierdeploy.yml).
//
// The workflows and pipelines that use them are checked by
// scripts/check-ci.sh with actionlint and gitlab-ci-local.
package ship
