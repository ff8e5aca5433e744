#!/usr/bin/env bash
# Checks of the files CI systems read (run by scripts/check.sh):
#   1. shellcheck on every shell script of the repository;
#   2. yamllint on every YAML file (settings in .yamllint);
#   3. actionlint on the example workflows (examples/github/), whose
#      `uses: ./` steps are checked against action.yml;
#   4. gitlab-ci-local on a copy of the working tree committed to a scratch
#      repository: .gitlab-ci.yml with the component of that commit
#      (--preview, --list), the component's jobs in each kind of pipeline
#      (test/ship/testdata/component.gitlab-ci.yml), and the plan job run with
#      --force-shell-executor on examples/two-tier with tierdeploy (built
#      from the working tree) and .tools/bin/tofu, once as a merge request
#      pipeline and once as a push to the default branch with the GitLab
#      platform on (outputs, reports).
# The tools come from scripts/install-tools.sh (actionlint, ci-validators).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.tools/bin:$PATH"

say() { printf 'check-ci: %s\n' "$*" >&2; }
fail() { printf 'check-ci: error: %s\n' "$*" >&2; exit 1; }

for tool in shellcheck yamllint actionlint gitlab-ci-local rsync; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found: run scripts/install-tools.sh actionlint ci-validators"
done

# Files of the working tree that git would commit (tracked or new, not
# ignored, not deleted).
files() {
  git ls-files -z --cached --others --exclude-standard "$@" |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\n' "$f"; done | sort -u
}

# --- 1. shellcheck ----------------------------------------------------------
# Every script is bash (lib.sh is sourced by bash scripts).
mapfile -t scripts < <({ files '*.sh'; files .ci/run; } | sort -u)
[ ${#scripts[@]} -gt 0 ] || fail "no shell script found"
failed=0
for f in "${scripts[@]}"; do
  shellcheck --shell=bash --external-sources "$f" || failed=1
done
[ "$failed" -eq 0 ] || fail "shellcheck found problems (see above)"
say "shellcheck: ${#scripts[@]} scripts"

# --- 2. yamllint -------------------------------------------------------------
mapfile -t yamls < <(files '*.yml' '*.yaml' .yamllint)
yamllint --strict "${yamls[@]}" || fail "yamllint found problems (see above; settings in .yamllint)"
say "yamllint: ${#yamls[@]} files"

# --- 3. actionlint -----------------------------------------------------------
# actionlint checks `uses: ./` against ./action.yml only inside a repository
# with a .github/workflows directory, so the workflows are shown to it as
# such a repository's, through links.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/actionlint/.github"
touch "$work/actionlint/.git"
ln -s "$ROOT/examples/github" "$work/actionlint/.github/workflows"
ln -s "$ROOT/action.yml" "$work/actionlint/action.yml"
ln -s "$ROOT/Dockerfile" "$work/actionlint/Dockerfile"
mapfile -t workflows < <(cd examples/github && ls -- *.yml)
[ ${#workflows[@]} -gt 0 ] || fail "no workflow in examples/github"
if ! (cd "$work/actionlint" && actionlint -no-color "${workflows[@]/#/.github/workflows/}") >"$work/actionlint.out" 2>&1; then
  sed 's|^\.github/workflows/|examples/github/|' "$work/actionlint.out" >&2
  fail "actionlint found problems in examples/github (see above)"
fi
say "actionlint: ${#workflows[@]} workflows"

# --- 4. gitlab-ci-local ------------------------------------------------------
for f in .tools/bin/tofu .tools/tofu.tfrc; do
  [ -e "$f" ] || fail "$f is missing: run scripts/install-tools.sh tofu providers"
done
# The job calls tierdeploy from PATH: a build of the working tree, so that a
# stale bin/tierdeploy cannot pass for it.
CGO_ENABLED=0 go build -trimpath -o "$work/bin/tierdeploy" ./cmd/action || fail "go build ./cmd/action failed"
export PATH="$work/bin:$PATH"
repo="$work/repo"
mkdir -p "$repo" "$work/home"
files -- . | rsync -a --files-from=- ./ "$repo/"
git -C "$repo" init -q -b main
git -C "$repo" config user.name "tierdeploy check"
git -C "$repo" config user.email "check@tierdeploy.invalid"
# gitlab-ci-local takes the project path from the remote; nothing is fetched:
# a component of the project at the current commit is read from the tree.
git -C "$repo" remote add origin https://gitlab.example.com/tierdeploy/tierdeploy.git
git -C "$repo" add -A
git -C "$repo" commit -q -m "working tree"
base=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" update-ref refs/remotes/origin/main "$base"
git -C "$repo" symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main
# The change the plan job finds: the staging environment of the example.
printf '\n# A change for the plan job to find.\n' >>"$repo/examples/two-tier/infrastructure/environments/staging/main.tf"
git -C "$repo" commit -q -a -m "change staging"

# gcl ARG... runs gitlab-ci-local in the scratch repository; the job shell
# finds tierdeploy and tofu on PATH, and the providers in the local mirror.
gcl() {
  (cd "$repo" &&
    HOME="$work/home" TF_CLI_CONFIG_FILE="$ROOT/.tools/tofu.tfrc" \
      GCL_IGNORE_PREDEFINED_VARS=CI_PIPELINE_SOURCE,CI_PROJECT_DIR,CI_COMMIT_BEFORE_SHA,GITLAB_CI \
      gitlab-ci-local --home "$work/home" --no-color --variable CI_PROJECT_DIR="$repo" "$@")
}

# jobs FILE SOURCE prints the jobs of FILE in a SOURCE pipeline, sorted, on
# one line.
jobs() {
  local out
  out=$(gcl --file "$1" --list-csv --variable CI_PIPELINE_SOURCE="$2" 2>"$work/list.err") ||
    { cat "$work/list.err" >&2; fail "gitlab-ci-local --file $1 --list-csv failed for a $2 pipeline"; }
  sed -n '2,$p' <<<"$out" | cut -d';' -f1 | sort | paste -sd' ' -
}

# expect_jobs FILE SOURCE WANT... checks the job list.
expect_jobs() {
  local file=$1 source=$2 have want
  shift 2
  have=$(jobs "$file" "$source")
  want=$(printf '%s\n' "$@" | sort | paste -sd' ' -)
  [ "$have" = "$want" ] || fail "$file in a $source pipeline: jobs [$have], want [$want]"
}

gcl --preview --variable CI_PIPELINE_SOURCE=merge_request_event >"$work/preview.yml" 2>"$work/preview.err" ||
  { cat "$work/preview.err" >&2; fail "gitlab-ci-local --preview of .gitlab-ci.yml failed"; }
grep -q '^example-plan:$' "$work/preview.yml" || fail "the --preview of .gitlab-ci.yml has no example-plan job from the component"
expect_jobs .gitlab-ci.yml merge_request_event test build-image example-plan
expect_jobs .gitlab-ci.yml push test build-image example-plan
component=test/ship/testdata/component.gitlab-ci.yml
expect_jobs "$component" merge_request_event tierdeploy-plan
expect_jobs "$component" push tierdeploy-apply prod-apply
expect_jobs "$component" schedule tierdeploy-drift
say "gitlab-ci-local: .gitlab-ci.yml and the component's jobs in merge request, push and scheduled pipelines"

# The plan job of a merge request pipeline. gitlab-ci-local sets GITLAB_CI to
# false, so tierdeploy runs on its local platform: it compares with
# origin/HEAD and prints the report.
if ! gcl --force-shell-executor --variable CI_PIPELINE_SOURCE=merge_request_event example-plan >"$work/plan-mr.log" 2>&1; then
  cat "$work/plan-mr.log" >&2
  fail "the example-plan job failed in a merge request pipeline (log above)"
fi
for want in '> #### .*infrastructure/staging' '> #### .*project/staging' 'PASS  example-plan'; do
  grep -q -- "$want" "$work/plan-mr.log" || { cat "$work/plan-mr.log" >&2; fail "the example-plan log has no line matching '$want'"; }
done
if grep -q -- 'infrastructure/prod' "$work/plan-mr.log"; then
  fail "the example-plan job planned prod, which the change does not touch"
fi

# The plan job of a push to the default branch, as GitLab runs it: the
# GitLab platform writes the outputs for artifacts:reports:dotenv, the
# Terraform reports and the report file where the component's artifacts
# expect them (a push needs no API call).
rm -rf "$repo/.tierdeploy"
if ! gcl --force-shell-executor --variable CI_PIPELINE_SOURCE=push --variable GITLAB_CI=true \
  --variable CI_COMMIT_BEFORE_SHA="$base" example-plan >"$work/plan-push.log" 2>&1; then
  cat "$work/plan-push.log" >&2
  fail "the example-plan job failed in a push pipeline with the GitLab platform (log above)"
fi
dotenv="$repo/.gitlab-ci-local/artifacts/example-plan/.gitlab-ci-reports/dotenv/.tierdeploy/outputs.env"
[ -f "$dotenv" ] || { cat "$work/plan-push.log" >&2; fail "the plan job left no dotenv report (.tierdeploy/outputs.env)"; }
grep -qx 'TIERDEPLOY_HAS_CHANGES=true' "$dotenv" || fail "the dotenv report has no TIERDEPLOY_HAS_CHANGES=true: $(cat "$dotenv")"
[ -f "$repo/.gitlab-ci-local/artifacts/example-plan/.tierdeploy/report.md" ] || fail "the plan job kept no .tierdeploy/report.md artifact"
compgen -G "$repo/.tierdeploy/terraform/*.json" >/dev/null || fail "the plan job wrote no Terraform report (.tierdeploy/terraform/*.json)"
say "gitlab-ci-local: example-plan ran on examples/two-tier (merge request, and push with the GitLab platform)"
