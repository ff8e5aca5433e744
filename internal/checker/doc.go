// Package checker runs the external checkers of a tier (trivy, checkov,
// infracost, a company script) on a planned stage: each `checks:` entry is
// a command, run per stage with the masked plan JSON, rendered manifests
// and policy input in private files, bounded in time and output.
//
// The files are written with mode 0600 into a directory of mode 0700 made
// for the stage, and removed when its checkers are done. They hold the
// masked versions (see checkinput): no sensitive value reaches a checker
// through them. Their paths are in the environment (TIERDEPLOY_PLAN_JSON,
// TIERDEPLOY_MANIFESTS, TIERDEPLOY_CHECK_INPUT) and replace the
// placeholders {plan_json}, {manifests} and {input} in the command's
// arguments. The environment is the caller's without the CI platform's
// tokens (GITHUB_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN, ACTIONS_* and the
// like): a checker cannot post as tierdeploy or read the runner's
// internals.
//
// A command runs in its own process group, from the repository root, with
// no standard input; when its timeout passes, the whole group is killed.
// Its exit status decides: 0 passes, a status listed in warn_exit_codes
// warns, any other status, a timeout or a command that cannot start fails
// the stack. Its output (standard output and error together) is untrusted
// and bounded: the first lines are kept, the rest counted. It is returned
// as data for the report; this package never logs it.
package checker
