package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Policies are the checks of planned stacks, policies and external
// checkers, and the tests of the policies (cmd/action wires
// internal/stackcheck and internal/policy, so this package links no policy
// engine).
type Policies interface {
	// Checks returns the checks of a configuration's stacks, for one run.
	Checks(cfg *config.Config) StackChecks
	// Test runs the policy tests of the policy directories dirs (relative
	// to root) together; run selects tests by a regular expression, as
	// `opa test --run` does. An error naming a policy problem wraps
	// check.ErrInvalidPolicy.
	Test(ctx context.Context, root string, dirs []string, run string) (PolicyTests, error)
}

// StackChecks checks planned stacks (internal/stackcheck).
type StackChecks interface {
	deploy.Checker
	// Prepare compiles every tier's policies, so that a bad policy stops
	// the run before anything is planned.
	Prepare(ctx context.Context) error
}

// PolicyTests is the outcome of a policy test run.
type PolicyTests interface {
	// Text is the report: failures and errors (every test when verbose),
	// then the counts.
	Text(verbose bool) string
	// OK reports whether tests ran and none failed or erred.
	OK() bool
	// JUnit is the report as a JUnit XML document, every text from the
	// policies made safe for XML and terminals.
	JUnit() ([]byte, error)
}

// hasChecks reports whether a tier of the configuration has policies or
// checkers.
func hasChecks(cfg *config.Config) bool {
	for _, t := range cfg.Tiers {
		if len(t.Policies) > 0 || len(t.Checks) > 0 {
			return true
		}
	}
	return false
}

// checks returns the checks of the configuration's stacks with every
// policy compiled, or nil when no tier has any. A policy that does not
// compile is the error, before anything runs (bad input).
func (a *invocation) checks(ctx context.Context, cfg *config.Config) (deploy.Checker, error) {
	if !hasChecks(cfg) {
		return nil, nil
	}
	if a.deps.Policies == nil {
		return nil, errors.New("the configuration has policies or checks, and this build cannot run them")
	}
	c := a.deps.Policies.Checks(cfg)
	if err := c.Prepare(ctx); err != nil {
		a.annotatePolicies(err, cfg)
		return nil, err
	}
	return c, nil
}

// locatedError is an error about places in the repository's files (a
// policy that does not parse or compile).
type locatedError interface {
	error
	Locations() []check.Location
}

// annotatePolicies turns the problems of policies that do not compile into
// annotations on their files, so they show on the change's diff, as
// configuration problems do.
func (a *invocation) annotatePolicies(err error, cfg *config.Config) {
	var located locatedError
	if a.sess == nil || !a.sess.ci() || a.sess.runner == nil || !errors.As(err, &located) {
		return
	}
	for _, l := range located.Locations() {
		file := a.sess.outputPath(filepath.Join(cfg.Root, filepath.FromSlash(l.File)), a.deps.Getenv)
		_ = a.sess.runner.Annotate(runner.Annotation{File: filepath.ToSlash(file), Line: l.Line, Col: l.Column,
			Title: "tierdeploy policy", Message: l.Message})
	}
}

// labelReader reads the labels of the change merged as a commit.
type labelReader interface {
	MergedLabels(ctx context.Context, sha string) (labels []string, found bool, err error)
}

// mergedLabels returns the labels of the pull or merge request merged as
// the commit a push applies, which the checks of apply read as plan's read
// the change's own. Without checks, outside CI, or for a run that is not a
// push, there are none to read. An error stops the apply: checks that
// depend on a label must not run without it.
func (a *invocation) mergedLabels(ctx context.Context, s *session, cfg *config.Config, head string) ([]string, error) {
	if !hasChecks(cfg) || !s.ci() || s.ev.Kind != event.KindPush || head == "" {
		return nil, nil
	}
	host, err := s.codeHost(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the labels of the change merged as %s, which the checks read: %w", tier.Short(head), err)
	}
	labels, found, err := host.MergedLabels(ctx, head)
	if err != nil {
		return nil, fmt.Errorf("read the labels of the change merged as %s, which the checks read: %w", tier.Short(head), err)
	}
	if found {
		a.log.Info("checks read the labels of the merged change", "labels", len(labels))
	}
	return labels, nil
}

// runTestPolicies runs the repository's policy tests.
func runTestPolicies(ctx context.Context, a *invocation) (result, error) {
	fs := flag.NewFlagSet("test-policies", flag.ContinueOnError)
	var run, junitFile string
	var verbose bool
	var tiers, envs listFlag
	fs.StringVar(&run, "run", "", "run only the tests whose package and name match the regular `expression`")
	fs.BoolVar(&verbose, "v", false, "list every test, with what it printed")
	fs.Var(&tiers, "tier", "only the policies of this `tier` (repeatable)")
	fs.Var(&envs, "environment", "only the policies of this `environment` (repeatable)")
	fs.StringVar(&junitFile, "junit", "", "also write the results as JUnit XML to `file` (relative to the work directory), for CI test reports")
	if err := a.parse(fs, "test-policies [--tier T]... [--environment E]... [--run RE] [-v] [--junit FILE]\n\n"+
		"Runs the *_test.rego tests of the tiers' policy directories together, with their testdata, as opa test does.\n"+
		"--junit writes the results as JUnit XML (one testsuite per Rego package), passing or failing, for GitLab's\n"+
		"artifacts:reports:junit and GitHub test-report actions.\n"+
		"Exit codes: 0 every test passed, 1 a test failed or erred (or none ran), 3 a policy or test does not compile,\n"+
		"or bad input (an unknown tier or environment, a --junit path through a link out of the repository)"); err != nil {
		return result{}, err
	}
	if _, err := regexp.Compile(run); err != nil {
		return result{}, usagef("test-policies: --run %q is not a regular expression: %v", run, err)
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return result{}, err
	}
	dirs, err := policyDirs(cfg, tiers, envs)
	if err != nil {
		return result{}, err
	}
	if len(dirs) == 0 {
		return result{}, usagef("test-policies: no tier of %s has policies", cfg.File)
	}
	junitPath, err := a.junitPath(cfg, junitFile)
	if err != nil {
		return result{}, err
	}
	if a.deps.Policies == nil {
		return result{}, errors.New("this build cannot run policy tests")
	}
	rep, err := a.deps.Policies.Test(ctx, cfg.Root, dirs, run)
	if err != nil {
		return result{}, err
	}
	// Test names and what tests print come from the repository: standard
	// output is fenced against workflow commands on GitHub (guardOutput).
	text := rep.Text(verbose)
	fmt.Fprint(a.deps.Stdout, text)
	if !strings.HasSuffix(text, "\n") {
		fmt.Fprintln(a.deps.Stdout)
	}
	if junitPath != "" {
		doc, err := rep.JUnit()
		if err != nil {
			return result{}, err
		}
		if err := writeReportFile(junitPath, doc); err != nil {
			return result{}, fmt.Errorf("write the junit report %s: %w", junitPath, err)
		}
	}
	if !rep.OK() {
		return result{}, errPolicyTests
	}
	return result{}, nil
}

// junitPath returns where test-policies writes its JUnit report: file
// (the --junit flag) relative to the work directory, or "" for none. As
// for --report (reportPath), a directory on the way that leads outside the
// repository or the CI workspace through a symbolic link, which a change
// can commit, is refused as bad input (repofs.ErrEscape) before any test
// runs; a path the operator names outside them is theirs.
func (a *invocation) junitPath(cfg *config.Config, file string) (string, error) {
	if file == "" {
		return "", nil
	}
	path := file
	if !filepath.IsAbs(path) {
		dir, err := a.workDir()
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, path)
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return "", usagef("test-policies: --junit %s is a directory; name a file", file)
	}
	ancestor := existingAncestor(filepath.Dir(path))
	if info, err := os.Stat(ancestor); err == nil && !info.IsDir() {
		return "", usagef("test-policies: --junit %s: %s is not a directory", file, ancestor)
	}
	if err := containedFile(ancestor, cfg.Root, repositoryTop(cfg.Root), ciWorkspace(a.deps.Getenv)); err != nil {
		return "", fmt.Errorf("junit report %s: %w", path, err)
	}
	return path, nil
}

// ciWorkspace returns the checkout of the CI job, read from the
// environment alone (test-policies opens no platform session): the
// GitHub workspace or the GitLab project directory, else "".
func ciWorkspace(getenv func(string) string) string {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		return getenv("GITHUB_WORKSPACE")
	case getenv("GITLAB_CI") == "true":
		return getenv("CI_PROJECT_DIR")
	}
	return ""
}

// policyDirs returns the policy directories of the tiers in the
// environments (empty: all), once each, in the configuration's order.
func policyDirs(cfg *config.Config, tiers, envs []string) ([]string, error) {
	if len(tiers) == 0 && len(envs) == 0 {
		return cfg.AllPolicyDirs(), nil
	}
	for _, t := range tiers {
		if cfg.Tier(t) == nil {
			var known []string
			for _, t := range cfg.Tiers {
				known = append(known, t.Name)
			}
			return nil, &tier.UnknownError{What: "tier", Name: t, Known: known}
		}
	}
	for _, e := range envs {
		if cfg.Environment(e) == nil {
			return nil, &tier.UnknownError{What: "environment", Name: e, Known: cfg.EnvironmentNames()}
		}
	}
	if len(envs) == 0 {
		envs = cfg.EnvironmentNames()
	}
	var out []string
	seen := map[string]bool{}
	for i := range cfg.Tiers {
		t := &cfg.Tiers[i]
		if len(tiers) > 0 && !slices.Contains(tiers, t.Name) {
			continue
		}
		for _, e := range envs {
			for _, d := range t.PolicyDirs(e) {
				if !seen[d] {
					seen[d] = true
					out = append(out, d)
				}
			}
		}
	}
	return out, nil
}

// errPolicyTests means a policy test failed or erred, or none ran; the
// report above says which.
var errPolicyTests = errors.New("policy tests failed (see above)")
