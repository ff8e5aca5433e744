package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

var (
	labelNameRE   = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$`)
	dnsSubdomain  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	envNameRE     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	credentialsRE = regexp.MustCompile(`(?i)(token|secret|passw(or)?d|private|credential|api_?key|access_?key|(^|_)key$|(^|_)pat$|dsn$)`)
)

// helmSystemLabels are the labels Helm keeps on its release records for
// itself; a release may not set them.
var helmSystemLabels = []string{"name", "owner", "status", "version", "createdAt", "modifiedAt"}

// jobCredentials are the credentials of the CI job itself: a release may
// not pass them into a cluster, even marked secret.
var jobCredentials = []string{
	"GITHUB_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2",
	"CI_REGISTRY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD", "CI_DEPLOY_PASSWORD",
	"ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
	"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
}

// validateDeployOptions checks the deploy options, labels, set and env of
// the release r at key rat.
func (c *Config) validateDeployOptions(errs *Errors, rat string, r Release) {
	wait := boolOr(r.Wait, true)
	if !wait && r.WaitForJobs != nil && *r.WaitForJobs {
		c.problem(errs, rat+".wait_for_jobs", "is true, but wait is false: waiting for Jobs needs wait: true")
	}
	if !wait && r.Atomic != nil && *r.Atomic {
		c.problem(errs, rat+".atomic", "is true, but wait is false: an atomic deploy waits for readiness to decide "+
			"whether to roll back; set wait: true, or atomic: false")
	}
	if _, set := c.pos[rat+".timeout"]; set && r.Timeout == 0 {
		c.problem(errs, rat+".timeout", "must be longer than 0s (leave it out for the default %s)", DefaultTimeout)
	}
	if r.MaxHistory != nil && *r.MaxHistory < 0 {
		c.problem(errs, rat+".max_history", "must not be negative (0 keeps every revision)")
	}
	for _, k := range slices.Sorted(maps.Keys(r.Labels)) {
		if msg := labelProblem(k, r.Labels[k]); msg != "" {
			c.problem(errs, rat+".labels."+k, "%s", msg)
		}
	}
	env := map[string]bool{}
	for i, e := range r.Env {
		key := fmt.Sprintf("%s.env[%d]", rat, i)
		switch {
		case e.Name == "":
			c.problem(errs, key, "has no name")
		case !envNameRE.MatchString(e.Name):
			c.problem(errs, key+".name", "%q is not an environment variable name: letters, digits and _, not starting with a digit", e.Name)
		case env[e.Name]:
			c.problem(errs, key+".name", "%s is listed twice", e.Name)
		case slices.Contains(jobCredentials, strings.ToUpper(e.Name)):
			c.problem(errs, key+".name", "%s is a credential of the CI job itself and must not reach a cluster", e.Name)
		case !e.Secret && credentialsRE.MatchString(e.Name):
			c.problem(errs, key+".secret", "is not set, but %s looks like a credential: add secret: true so that its value is masked", e.Name)
		}
		env[e.Name] = true
	}
	for _, path := range slices.Sorted(maps.Keys(r.Set)) {
		key := rat + ".set." + path
		if msg := valuePathProblem(path); msg != "" {
			c.problem(errs, key, "%s", msg)
			continue
		}
		if _, dup := r.InventoryValues[path]; dup {
			c.problem(errs, key, "is also set by inventory_values: keep one")
		}
		s, ok := r.Set[path].Value.(string)
		if !ok {
			if r.Set[path].Value == nil {
				c.problem(errs, key, "must be a string, a number or true/false")
			}
			continue
		}
		for _, ph := range placeholderRE.FindAllString(s, -1) {
			if msg := placeholderProblem(ph, env); msg != "" {
				c.problem(errs, key, "%s", msg)
			}
		}
	}
}

// valuePathProblem says what is wrong with a chart value path, or "".
func valuePathProblem(p string) string {
	if p == "" || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, "..") {
		return fmt.Sprintf("%q is not a chart value path such as image.tag", p)
	}
	return ""
}

// labelProblem says what is wrong with a release label, or "".
func labelProblem(k, v string) string {
	if slices.Contains(helmSystemLabels, k) {
		return fmt.Sprintf("%s is a label Helm sets on its release records itself (%s); choose another name",
			k, strings.Join(helmSystemLabels, ", "))
	}
	prefix, name, hasPrefix := strings.Cut(k, "/")
	if !hasPrefix {
		name, prefix = prefix, ""
	}
	switch {
	case hasPrefix && (len(prefix) > 253 || !dnsSubdomain.MatchString(prefix)):
		return fmt.Sprintf("%q has an invalid prefix: a DNS subdomain such as example.com", k)
	case len(name) > 63 || !labelNameRE.MatchString(name):
		return fmt.Sprintf("%q is not a valid label name: at most 63 letters, digits, -, _ and ., beginning and ending with a letter or digit", k)
	case v != "" && (len(v) > 63 || !labelNameRE.MatchString(v)):
		return fmt.Sprintf("value %q is not a valid label value: at most 63 letters, digits, -, _ and ., beginning and ending with a letter or digit", v)
	}
	return ""
}
