#!/usr/bin/env bash
# Checks of the files CI systems read (run by scripts/check.sh):
#   1. shellcheck on every shell script of the repository;
#   2. yamllint on every YAML file (settings in .yamllint);
#   3. actionlint on the repository's workflows (.github/workflows: CI and
#      the release) and the example workflows (examples/github/), whose
#      `uses: ./` steps are checked against action.yml;
#   4. gitlab-ci-local on a copy of the working tree committed to a scratch
#      repository: .gitlab-ci.yml with the component of that commit
#      (--preview, --list) in merge request, branch and release tag
#      pipelines; the component's jobs in each kind of pipeline
#      (test/ship/testdata/component.gitlab-ci.yml), and its test-policies
#      jobs run with --force-shell-executor on the reference deployment's
#      policy set (policy/), passing, then failing on a failed test (exit
#      code 1) and on a policy that does not compile (exit code 3), and
#      refusing an unknown environment (exit code 3); the GitLab quick start
#      (examples/gitlab/.gitlab-ci.yml, its include pointed at the component
#      of that commit), merged and listed, and its plan job run on a cold
#      cache with the example; the policy tests' example of the docs
#      (examples/gitlab/policies.gitlab-ci.yml), merged, listed with and
#      without a policy change, and its test-policies job run on policy/;
#      and the plan job of .gitlab-ci.yml run with
#      --force-shell-executor on examples/two-tier with tierdeploy (built
#      from the working tree) and the tools' tofu, once as a merge request
#      pipeline and once as a push to the default branch with the GitLab
#      platform on (outputs with the include's prefix, reports).
# The tools come from scripts/install-tools.sh (actionlint, ci-validators),
# in $TIERDEPLOY_TOOLS when set, else .tools/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TOOLS="${TIERDEPLOY_TOOLS:-$ROOT/.tools}"
export PATH="$TOOLS/bin:$PATH"

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
# with a .github/workflows directory, so the repository's and the examples'
# workflows are shown to it as such a repository's, through links (the
# examples under an example- prefix).
work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
lint="$work/actionlint"
mkdir -p "$lint/.github/workflows"
touch "$lint/.git"
ln -s "$ROOT/action.yml" "$lint/action.yml"
ln -s "$ROOT/Dockerfile" "$lint/Dockerfile"
mapfile -t workflows < <(files '.github/workflows/*.yml' 'examples/github/*.yml')
[ ${#workflows[@]} -gt 0 ] || fail "no workflow in .github/workflows or examples/github"
linted=()
for f in "${workflows[@]}"; do
  case $f in
    examples/github/*) name="example-$(basename "$f")" ;;
    *) name=$(basename "$f") ;;
  esac
  ln -s "$ROOT/$f" "$lint/.github/workflows/$name"
  linted+=(".github/workflows/$name")
done
if ! (cd "$lint" && actionlint -no-color "${linted[@]}") >"$work/actionlint.out" 2>&1; then
  sed 's|^\.github/workflows/example-|examples/github/|' "$work/actionlint.out" >&2
  fail "actionlint found problems in the workflows (see above)"
fi
say "actionlint: ${#workflows[@]} workflows"

# --- 4. gitlab-ci-local ------------------------------------------------------
for f in "$TOOLS/bin/tofu" "$TOOLS/tofu.tfrc"; do
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
    HOME="$work/home" TF_CLI_CONFIG_FILE="$TOOLS/tofu.tfrc" \
      GCL_IGNORE_PREDEFINED_VARS=CI_PIPELINE_SOURCE,CI_PROJECT_DIR,CI_COMMIT_BEFORE_SHA,GITLAB_CI,CI_COMMIT_TAG,CI_COMMIT_REF_NAME,CI_COMMIT_BRANCH \
      gitlab-ci-local --home "$work/home" --no-color --variable CI_PROJECT_DIR="$repo" "$@")
}

# jobs FILE SOURCE [ARG...] prints the jobs of FILE in a SOURCE pipeline,
# sorted, on one line; ARGs go to gitlab-ci-local.
jobs() {
  local out file=$1 source=$2
  shift 2
  out=$(gcl --file "$file" --list-csv --variable CI_PIPELINE_SOURCE="$source" "$@" 2>"$work/list.err") ||
    { cat "$work/list.err" >&2; fail "gitlab-ci-local --file $file --list-csv failed for a $source pipeline"; }
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

# expect_tag_jobs TAG WANT... checks the jobs of .gitlab-ci.yml in the
# pipeline of a pushed tag (no branch).
expect_tag_jobs() {
  local tag=$1 have want
  shift
  have=$(jobs .gitlab-ci.yml push --variable CI_COMMIT_TAG="$tag" --variable CI_COMMIT_REF_NAME="$tag" --unset-variable CI_COMMIT_BRANCH)
  want=$(printf '%s\n' "$@" | sort | paste -sd' ' -)
  [ "$have" = "$want" ] || fail ".gitlab-ci.yml in the pipeline of the tag $tag: jobs [$have], want [$want]"
}

gcl --preview --variable CI_PIPELINE_SOURCE=merge_request_event >"$work/preview.yml" 2>"$work/preview.err" ||
  { cat "$work/preview.err" >&2; fail "gitlab-ci-local --preview of .gitlab-ci.yml failed"; }
grep -q '^example-plan:$' "$work/preview.yml" || fail "the --preview of .gitlab-ci.yml has no example-plan job from the component"
expect_jobs .gitlab-ci.yml merge_request_event test build-image example-plan
expect_jobs .gitlab-ci.yml push test build-image example-plan
# (gitlab-ci-local applies no workflow:rules, so the tags that run no
# pipeline at all are checked by test/ship.)
expect_tag_jobs v1.2.3 test release-version build-image publish-image release
component=test/ship/testdata/component.gitlab-ci.yml
expect_jobs "$component" merge_request_event tierdeploy-plan policies-test-policies reference-test-policies
expect_jobs "$component" push tierdeploy-apply prod-apply policies-test-policies reference-test-policies
expect_jobs "$component" schedule tierdeploy-drift reference-drift
have=$(jobs "$component" push --variable CI_COMMIT_BRANCH=feature)
[ -z "$have" ] || fail "$component in the push pipeline of a branch that is not the default: jobs [$have], want none"
# A failed policy test, or bad input, fails the pipeline.
gcl --file "$component" --list-csv --variable CI_PIPELINE_SOURCE=merge_request_event >"$work/list.csv" 2>"$work/list.err" ||
  { cat "$work/list.err" >&2; fail "gitlab-ci-local --file $component --list-csv failed"; }
for job in policies-test-policies reference-test-policies; do
  grep -qx "$job;deploy;on_success;false;;" "$work/list.csv" ||
    fail "$component: $job is not an on_success job of the deploy stage that fails the pipeline: $(grep "^$job;" "$work/list.csv")"
done
gcl --file "$component" --preview --variable CI_PIPELINE_SOURCE=push >"$work/component.yml" 2>"$work/preview.err" ||
  { cat "$work/preview.err" >&2; fail "gitlab-ci-local --preview of $component failed"; }
for want in 'TIERDEPLOY_OUTPUT_PREFIX: TIERDEPLOY_$' 'TIERDEPLOY_OUTPUT_PREFIX: TIERDEPLOY_PROD_$' \
  "name: registry.gitlab.com/tierdeploy/tierdeploy:$(sed -n '/^    image-version:/,/^    [a-z]/s/^      default: "\(.*\)".*/\1/p' templates/tierdeploy.yml)\$" \
  'name: registry.gitlab.com/tierdeploy/tierdeploy:1.2.2$'; do
  grep -q -- "$want" "$work/component.yml" || fail "the --preview of $component has no line matching '$want'"
done
# The documented non-root user merges into the component's image.
block=$(sed -n '/^prod-apply:$/,/^[a-z]/p' "$work/component.yml")
for want in '^    name: registry.gitlab.com/tierdeploy/tierdeploy:1.2.2$' '^    entrypoint:$' "^      user: '1001:1001'$"; do
  grep -q -- "$want" <<<"$block" || fail "the --preview of $component: prod-apply's image has no line matching '$want'"
done
# The policy tests' jobs: the include's filters in their variables, the
# command on their script line, merge requests and the default branch.
block=$(sed -n '/^reference-test-policies:$/,/^[a-z]/p' "$work/component.yml")
# shellcheck disable=SC2016 # the variables are GitLab's
for want in '^    TIERDEPLOY_CONFIG: tierdeploy.reference.yaml$' '^    TIERDEPLOY_ENVIRONMENT: prod$' '^    TIERDEPLOY_TIERS: project$' \
  '^    - if: \$CI_PIPELINE_SOURCE == "merge_request_event"$' \
  '^    - if: \$CI_COMMIT_BRANCH == \$CI_DEFAULT_BRANCH && \$CI_PIPELINE_SOURCE == "push"$' \
  ' tierdeploy --chdir="\$TIERDEPLOY_WORKING_DIRECTORY" --config="\$TIERDEPLOY_CONFIG" test-policies --environment="\$TIERDEPLOY_ENVIRONMENT"'; do
  grep -q -- "$want" <<<"$block" || fail "the --preview of $component: reference-test-policies has no line matching '$want'"
done
say "gitlab-ci-local: .gitlab-ci.yml in merge request, branch and tag pipelines; the component's jobs in merge request, push and scheduled pipelines"

# The component's policy tests' jobs, run as GitLab runs them (GITLAB_CI=true)
# on the reference deployment's policy set: they print what tierdeploy
# test-policies prints for the same filters, and pass.
# run_policies JOB LOG [ARG...] runs a test-policies job of $component.
run_policies() {
  local job=$1 log=$2
  shift 2
  gcl --file "$component" --force-shell-executor --variable CI_PIPELINE_SOURCE=merge_request_event \
    --variable GITLAB_CI=true "$@" "$job" >"$log" 2>&1
}
for job in policies-test-policies reference-test-policies; do
  case $job in
    policies-*) direct=$(cd "$repo" && tierdeploy --config tierdeploy.reference.yaml test-policies) ;;
    reference-*) direct=$(cd "$repo" && tierdeploy --config tierdeploy.reference.yaml test-policies --environment prod --tier project) ;;
  esac
  grep -Eqx 'PASS: ([0-9]+)/\1' <<<"$direct" || fail "tierdeploy test-policies on policy/ did not pass: $direct"
  run_policies "$job" "$work/$job.log" || { cat "$work/$job.log" >&2; fail "the $job job failed on policy/ (log above)"; }
  grep -qx "$job > $direct" "$work/$job.log" || { cat "$work/$job.log" >&2; fail "the $job job did not print '$direct'"; }
  grep -q "PASS  $job" "$work/$job.log" || { cat "$work/$job.log" >&2; fail "the $job job did not pass"; }
  # Its JUnit report (artifacts:reports:junit): every test, none failed.
  junit="$repo/.tierdeploy/policy-tests.xml"
  n=$(sed -n 's|^PASS: \([0-9]*\)/.*|\1|p' <<<"$direct")
  grep -q "^<testsuites name=\"tierdeploy test-policies\" tests=\"$n\" failures=\"0\" errors=\"0\"" "$junit" ||
    fail "the $job job's JUnit report $junit does not list $n passing tests: $(head -c 300 "$junit" 2>&1)"
  rm "$junit"
done
[ "$(grep -h ' > PASS: ' "$work/policies-test-policies.log")" != "$(grep -h ' > PASS: ' "$work/reference-test-policies.log")" ] ||
  fail "the tiers and environment inputs did not narrow the policy tests"
# A failing test, then a policy that does not compile, in the working tree
# the job runs on; then an environment the configuration does not have.
tests_file="$repo/policy/terraform/s3_test.rego"
cp "$tests_file" "$work/s3_test.rego"
printf '\ntest_check_ci_fails if {\n\t1 == 2\n}\n' >>"$tests_file"
if run_policies policies-test-policies "$work/policies-fail.log"; then
  cat "$work/policies-fail.log" >&2
  fail "the policies-test-policies job passed with a failing test"
fi
for want in 'policy/terraform/s3_test.rego:[0-9]*: terraform.s3_test.test_check_ci_fails: FAIL' 'FAIL  policies-test-policies' 'finished in .* FAIL 1 *$'; do
  grep -q -- "$want" "$work/policies-fail.log" || { cat "$work/policies-fail.log" >&2; fail "the failing policies-test-policies log has no line matching '$want'"; }
done
{ grep -q '<testcase classname="terraform.s3_test" name="test_check_ci_fails" file="policy/terraform/s3_test.rego"' "$junit" &&
  grep -q '<failure ' "$junit"; } ||
  fail "the failing policies-test-policies job's JUnit report $junit has no failure of test_check_ci_fails"
rm "$junit"
cp "$work/s3_test.rego" "$tests_file"
printf 'package terraform.broken\n\ndeny contains msg if {\n' >"$repo/policy/terraform/broken.rego"
if run_policies policies-test-policies "$work/policies-broken.log"; then
  cat "$work/policies-broken.log" >&2
  fail "the policies-test-policies job passed with a policy that does not compile"
fi
rm "$repo/policy/terraform/broken.rego"
[ ! -e "$junit" ] || fail "the policies-test-policies job wrote a JUnit report though no test ran (a policy does not compile)"
for want in 'policy/terraform/broken.rego:4: rego_parse_error' 'FAIL  policies-test-policies' 'finished in .* FAIL 3 *$'; do
  grep -q -- "$want" "$work/policies-broken.log" || { cat "$work/policies-broken.log" >&2; fail "the policies-test-policies log of a broken policy has no line matching '$want'"; }
done
# shellcheck disable=SC2016 # shell code, as an include could give it
hostile='$(touch pwned)'
if run_policies policies-test-policies "$work/policies-env.log" --input "environment=$hostile"; then
  cat "$work/policies-env.log" >&2
  fail "the policies-test-policies job passed with an unknown environment"
fi
{ grep -qF -- "environment \"$hostile\" is not in the configuration" "$work/policies-env.log" &&
  grep -q -- 'finished in .* FAIL 3 *$' "$work/policies-env.log"; } ||
  { cat "$work/policies-env.log" >&2; fail "the policies-test-policies job did not refuse the unknown environment with exit code 3"; }
[ ! -e "$repo/pwned" ] || fail "the environment input ran as shell code in the policies-test-policies job"
[ -z "$(git -C "$repo" status --porcelain -- policy)" ] || fail "policy/ of the scratch repository is not back as committed"
say "gitlab-ci-local: the component's test-policies jobs on policy/ (passing, a failed test: exit code 1, a broken policy and an unknown environment: exit code 3), their JUnit reports"

# The GitLab quick start, its include pointed at the component of this
# commit (gitlab-ci-local reads a component of the project's own commit from
# the working tree).
quickstart=quickstart.gitlab-ci.yml
# shellcheck disable=SC2016 # the variables are GitLab's, for gitlab-ci-local
sed 's|gitlab\.com/tierdeploy/tierdeploy/tierdeploy@[0-9.]*$|$CI_SERVER_FQDN/$CI_PROJECT_PATH/tierdeploy@$CI_COMMIT_SHA|' \
  examples/gitlab/.gitlab-ci.yml >"$repo/$quickstart"
# shellcheck disable=SC2016
grep -q 'tierdeploy@\$CI_COMMIT_SHA$' "$repo/$quickstart" || fail "examples/gitlab/.gitlab-ci.yml includes no gitlab.com/tierdeploy/tierdeploy/tierdeploy@VERSION"
expect_jobs "$quickstart" merge_request_event tierdeploy-plan
expect_jobs "$quickstart" push tierdeploy-apply
expect_jobs "$quickstart" schedule tierdeploy-drift
gcl --file "$quickstart" --preview --variable CI_PIPELINE_SOURCE=merge_request_event >"$work/quickstart.yml" 2>"$work/preview.err" ||
  { cat "$work/preview.err" >&2; fail "gitlab-ci-local --preview of examples/gitlab/.gitlab-ci.yml failed"; }
# shellcheck disable=SC2016
for want in '^tierdeploy-plan:$' 'AWS_ROLE_ARN: arn:aws:iam::123456789012:role/tierdeploy-plan$' 'AWS_WEB_IDENTITY_TOKEN:$' \
  'AWS_WEB_IDENTITY_TOKEN_FILE: \$CI_PROJECT_DIR/.tierdeploy/aws-web-identity-token$' 'TIERDEPLOY_WORKING_DIRECTORY: .$' \
  ' tierdeploy --chdir="\$TIERDEPLOY_WORKING_DIRECTORY" .* plan '; do
  grep -q -- "$want" "$work/quickstart.yml" || fail "the merged quick start has no line matching '$want'"
done
# Its plan job on a cold cache (no .tierdeploy/ yet), on the example: the
# credentials' before_script must create the token file where the job's
# variables say.
rm -rf "$repo/.tierdeploy"
if ! gcl --file "$quickstart" --force-shell-executor --variable CI_PIPELINE_SOURCE=merge_request_event \
  --input working-directory=examples/two-tier --variable AWS_WEB_IDENTITY_TOKEN=quickstart-id-token \
  tierdeploy-plan >"$work/quickstart.log" 2>&1; then
  cat "$work/quickstart.log" >&2
  fail "the quick start's plan job failed on a cold cache (log above)"
fi
[ "$(cat "$repo/.tierdeploy/aws-web-identity-token" 2>/dev/null)" = quickstart-id-token ] ||
  { cat "$work/quickstart.log" >&2; fail "the quick start's before_script wrote no .tierdeploy/aws-web-identity-token"; }
[ "$(stat -c %a "$repo/.tierdeploy/aws-web-identity-token")" = 600 ] || fail "the quick start's token file is readable by others"
grep -q 'PASS  tierdeploy-plan' "$work/quickstart.log" || { cat "$work/quickstart.log" >&2; fail "the quick start's plan job did not pass"; }
say "gitlab-ci-local: the GitLab quick start merged, listed, and its plan job run on a cold cache"

# The policy tests' example of README.md and templates/README.md, its include
# pointed at the component of this commit: the job runs on pushes to the
# default branch, and in merge requests only when a policy changes (the
# scratch repository's change is elsewhere; a change in the working tree
# counts for gitlab-ci-local), in the test stage, needing nothing.
policies_example=policies.gitlab-ci.yml
# shellcheck disable=SC2016 # the variables are GitLab's, for gitlab-ci-local
sed 's|gitlab\.com/tierdeploy/tierdeploy/tierdeploy@[0-9.]*$|$CI_SERVER_FQDN/$CI_PROJECT_PATH/tierdeploy@$CI_COMMIT_SHA|' \
  examples/gitlab/policies.gitlab-ci.yml >"$repo/$policies_example"
# shellcheck disable=SC2016
grep -q 'tierdeploy@\$CI_COMMIT_SHA$' "$repo/$policies_example" || fail "examples/gitlab/policies.gitlab-ci.yml includes no gitlab.com/tierdeploy/tierdeploy/tierdeploy@VERSION"
expect_jobs "$policies_example" merge_request_event tierdeploy-plan
expect_jobs "$policies_example" push tierdeploy-apply tierdeploy-test-policies
expect_jobs "$policies_example" schedule tierdeploy-drift
cp "$repo/policy/terraform/lib.rego" "$work/lib.rego"
printf '\n# A change for the policy tests to find.\n' >>"$repo/policy/terraform/lib.rego"
expect_jobs "$policies_example" merge_request_event tierdeploy-plan tierdeploy-test-policies
gcl --file "$policies_example" --list-csv --variable CI_PIPELINE_SOURCE=merge_request_event >"$work/list.csv" 2>"$work/list.err" ||
  { cat "$work/list.err" >&2; fail "gitlab-ci-local --file examples/gitlab/policies.gitlab-ci.yml --list-csv failed"; }
cp "$work/lib.rego" "$repo/policy/terraform/lib.rego"
grep -qx 'tierdeploy-test-policies;test;on_success;false;;\[\]' "$work/list.csv" ||
  fail "examples/gitlab/policies.gitlab-ci.yml: tierdeploy-test-policies is not a job of the test stage that needs nothing and fails the pipeline: $(grep '^tierdeploy-test-policies;' "$work/list.csv")"
if ! gcl --file "$policies_example" --force-shell-executor --variable CI_PIPELINE_SOURCE=push --variable GITLAB_CI=true \
  --input config=tierdeploy.reference.yaml tierdeploy-test-policies >"$work/policies-example.log" 2>&1; then
  cat "$work/policies-example.log" >&2
  fail "the tierdeploy-test-policies job of examples/gitlab/policies.gitlab-ci.yml failed on policy/ (log above)"
fi
grep -Eq '^tierdeploy-test-policies > PASS: ([0-9]+)/\1$' "$work/policies-example.log" ||
  { cat "$work/policies-example.log" >&2; fail "the tierdeploy-test-policies job of examples/gitlab/policies.gitlab-ci.yml did not pass every test"; }
say "gitlab-ci-local: the policy tests' example merged, listed with and without a policy change, and its job run on policy/"

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
# .gitlab-ci.yml gives its include the output prefix EXAMPLE_.
grep -qx 'EXAMPLE_HAS_CHANGES=true' "$dotenv" || fail "the dotenv report has no EXAMPLE_HAS_CHANGES=true: $(cat "$dotenv")"
if grep -q '^TIERDEPLOY_' "$dotenv"; then fail "the dotenv report ignores the include's output prefix: $(cat "$dotenv")"; fi
[ -f "$repo/.gitlab-ci-local/artifacts/example-plan/.tierdeploy/report.md" ] || fail "the plan job kept no .tierdeploy/report.md artifact"
compgen -G "$repo/.tierdeploy/terraform/*.json" >/dev/null || fail "the plan job wrote no Terraform report (.tierdeploy/terraform/*.json)"
say "gitlab-ci-local: example-plan ran on examples/two-tier (merge request, and push with the GitLab platform)"
