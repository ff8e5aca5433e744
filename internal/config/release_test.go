package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// releaseConfig is a configuration with one release whose options are
// the given YAML lines (indented as keys of the release).
func releaseConfig(options string) string {
	return `version: 1
tiers:
  - name: project
    helm:
      - release: app
        chart: charts/app
` + options
}

func parseRelease(t *testing.T, options string) (Release, error) {
	t.Helper()
	cfg, err := Parse("tierdeploy.yaml", []byte(releaseConfig(options)))
	if err != nil {
		return Release{}, err
	}
	return cfg.Tiers[0].Helm[0], nil
}

func TestDeployOptions(t *testing.T) {
	tests := []struct {
		name    string
		options string
		want    DeployOptions
	}{
		{name: "defaults", want: DeployOptions{Wait: true, WaitForJobs: true, Atomic: true, CreateNamespace: true,
			Timeout: DefaultTimeout, MaxHistory: DefaultMaxHistory}},
		{name: "no wait implies no atomic and no job wait", options: "        wait: false\n",
			want: DeployOptions{CreateNamespace: true, Timeout: DefaultTimeout, MaxHistory: DefaultMaxHistory}},
		{name: "no wait, explicitly not atomic", options: "        wait: false\n        atomic: false\n        wait_for_jobs: false\n",
			want: DeployOptions{CreateNamespace: true, Timeout: DefaultTimeout, MaxHistory: DefaultMaxHistory}},
		{name: "wait without jobs and without rollback", options: "        wait_for_jobs: false\n        atomic: false\n",
			want: DeployOptions{Wait: true, CreateNamespace: true, Timeout: DefaultTimeout, MaxHistory: DefaultMaxHistory}},
		{name: "every option", options: `        timeout: 15m
        max_history: 0
        create_namespace: false
        skip_crds: true
        skip_schema_validation: true
        labels:
          team: data
          example.com/owner: ""
`, want: DeployOptions{Wait: true, WaitForJobs: true, Atomic: true, SkipCRDs: true, SkipSchemaValidation: true,
			Timeout: 15 * time.Minute, MaxHistory: 0, Labels: map[string]string{"team": "data", "example.com/owner": ""}}},
		{name: "history", options: "        max_history: 3\n",
			want: DeployOptions{Wait: true, WaitForJobs: true, Atomic: true, CreateNamespace: true, Timeout: DefaultTimeout, MaxHistory: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rel, err := parseRelease(t, tt.options)
			require.NoError(t, err)
			assert.Equal(t, tt.want, rel.DeployOptions())
		})
	}
}

func TestReleaseOptionProblems(t *testing.T) {
	tests := []struct {
		name    string
		options string
		want    string
	}{
		{"atomic without wait", "        wait: false\n        atomic: true\n",
			"tierdeploy.yaml:8:17: tiers[0].helm[0].atomic: is true, but wait is false: an atomic deploy waits for readiness"},
		{"jobs without wait", "        wait: false\n        wait_for_jobs: true\n",
			"tiers[0].helm[0].wait_for_jobs: is true, but wait is false"},
		{"zero timeout", "        timeout: 0s\n", "tiers[0].helm[0].timeout: must be longer than 0s (leave it out for the default 5m0s)"},
		{"negative timeout", "        timeout: -1m\n", `tiers[0].helm[0].timeout: must be a duration such as "90s" or "5m", not "-1m"`},
		{"negative history", "        max_history: -1\n", "tiers[0].helm[0].max_history: must not be negative (0 keeps every revision)"},
		{"wait is not a boolean", "        wait: yes\n", `tiers[0].helm[0].wait: must be true or false, not "yes"`},
		{"system label", "        labels:\n          owner: me\n", "tiers[0].helm[0].labels.owner: owner is a label Helm sets on its release records itself"},
		{"bad label name", "        labels:\n          \"-team\": data\n", `tiers[0].helm[0].labels.-team: "-team" is not a valid label name`},
		{"bad label prefix", "        labels:\n          Example.COM/team: data\n", `"Example.COM/team" has an invalid prefix`},
		{"bad label value", "        labels:\n          team: \"data team\"\n", `value "data team" is not a valid label value`},
		{"label value too long", "        labels:\n          team: " + strings.Repeat("a", 64) + "\n", "is not a valid label value"},
		{"unknown placeholder", "        set:\n          image.tag: \"{comit}\"\n",
			"tiers[0].helm[0].set.image.tag: has the unknown placeholder {comit}: use {environment}, {commit} or {env.NAME}"},
		{"variable not listed", "        set:\n          image.tag: \"{env.IMAGE_TAG}\"\n",
			"tiers[0].helm[0].set.image.tag: uses the environment variable IMAGE_TAG, which is not listed in env (add - name: IMAGE_TAG)"},
		{"set list", "        set:\n          image.tags: [a, b]\n",
			"tiers[0].helm[0].set.image.tags: must be a string, a number or true/false (set lists and maps in a values file), not a list"},
		{"set null", "        set:\n          image.tag: ~\n", "tiers[0].helm[0].set.image.tag: must be a string, a number or true/false"},
		{"set infinity", "        set:\n          ratio: .inf\n", `tiers[0].helm[0].set.ratio: must be a finite number, not ".inf"`},
		{"set bad path", "        set:\n          image..tag: x\n", `tiers[0].helm[0].set.image..tag: "image..tag" is not a chart value path`},
		{"set and inventory value", "        inventory_values:\n          database.host: db.host\n        set:\n          database.host: x\n",
			"tiers[0].helm[0].set.database.host: is also set by inventory_values: keep one"},
		{"bad variable name", "        env:\n          - name: 1TAG\n", `tiers[0].helm[0].env[0].name: "1TAG" is not an environment variable name`},
		{"variable twice", "        env:\n          - name: TAG\n          - name: TAG\n", "tiers[0].helm[0].env[1].name: TAG is listed twice"},
		{"variable without name", "        env:\n          - secret: true\n", "tiers[0].helm[0].env[0]: has no name"},
		{"credential not marked secret", "        env:\n          - name: SENTRY_DSN\n",
			"tiers[0].helm[0].env[0].secret: is not set, but SENTRY_DSN looks like a credential: add secret: true"},
		{"token not marked secret", "        env:\n          - name: registry_token\n", "registry_token looks like a credential"},
		{"the job's own token", "        env:\n          - name: GITHUB_TOKEN\n            secret: true\n",
			"tiers[0].helm[0].env[0].name: GITHUB_TOKEN is a credential of the CI job itself and must not reach a cluster"},
		{"the job's cloud key", "        env:\n          - name: aws_secret_access_key\n            secret: true\n",
			"aws_secret_access_key is a credential of the CI job itself"},
		{"unknown option", "        wait_for_job: true\n", `tiers[0].helm[0].wait_for_job: is not a known key (did you mean "wait_for_jobs"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseRelease(t, tt.options)
			require.Error(t, err)
			var errs *Errors
			require.ErrorAs(t, err, &errs)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSetValuesKeepTheirType(t *testing.T) {
	rel, err := parseRelease(t, `        set:
          replicaCount: 2
          ratio: 0.5
          enabled: true
          image.tag: "2"
          name: plain
          annotations.example\.com/commit: "{commit}"
        env:
          - name: TAG
`)
	require.NoError(t, err)
	assert.Equal(t, map[string]SetValue{
		"replicaCount": {Value: int64(2)}, "ratio": {Value: 0.5}, "enabled": {Value: true},
		"image.tag": {Value: "2"}, "name": {Value: "plain"}, `annotations.example\.com/commit`: {Value: "{commit}"},
	}, rel.Set)
	assert.Equal(t, []EnvVar{{Name: "TAG"}}, rel.Env)
}

func TestExpandSet(t *testing.T) {
	rel := Release{
		Release: "app",
		Set: map[string]SetValue{
			"image.tag":       {Value: "{commit}"},
			"env.name":        {Value: "app-{environment}"},
			"image.digest":    {Value: "{env.IMAGE_DIGEST}"},
			"sentry.dsn":      {Value: "https://{env.SENTRY_DSN}@sentry.example/1"},
			"replicaCount":    {Value: int64(3)},
			"json":            {Value: `{"a": {"b": 1}}`},
			"nested.template": {Value: "{env.TRICK}"},
		},
		Env: []EnvVar{{Name: "IMAGE_DIGEST"}, {Name: "SENTRY_DSN", Secret: true}, {Name: "TRICK"}},
	}
	env := map[string]string{
		"IMAGE_DIGEST": "sha256:abc",
		"SENTRY_DSN":   "s3cr3t-key",
		"TRICK":        "{commit} {env.SENTRY_DSN}",
		"GITHUB_TOKEN": "ghp_never",
	}
	vars := Vars{Environment: "prod", Commit: "3f9c2a7d5b1e4c6f8a0d2b4e6f8a1c3e5d7b9f0a", LookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}}
	got, err := rel.ExpandSet(vars)
	require.NoError(t, err)
	assert.Equal(t, []SetEntry{
		{Path: "env.name", Value: "app-prod", Template: "app-{environment}"},
		{Path: "image.digest", Value: "sha256:abc", Template: "{env.IMAGE_DIGEST}"},
		{Path: "image.tag", Value: "3f9c2a7d5b1e4c6f8a0d2b4e6f8a1c3e5d7b9f0a", Template: "{commit}"},
		{Path: "json", Value: `{"a": {"b": 1}}`, Template: `{"a": {"b": 1}}`},
		// A variable's value is not expanded again.
		{Path: "nested.template", Value: "{commit} {env.SENTRY_DSN}", Template: "{env.TRICK}"},
		{Path: "replicaCount", Value: int64(3), Template: "3"},
		{Path: "sentry.dsn", Value: "https://s3cr3t-key@sentry.example/1", Template: "https://{env.SENTRY_DSN}@sentry.example/1", Secret: true,
			SecretValues: []string{"s3cr3t-key"}},
	}, got)

	tests := []struct {
		name string
		rel  Release
		vars Vars
		want string
	}{
		{"unset variable", Release{Release: "app", Set: map[string]SetValue{"a": {Value: "{env.MISSING}"}}, Env: []EnvVar{{Name: "MISSING"}}}, vars,
			"helm release app: set a: {env.MISSING}: environment variable MISSING is not set: set it in the job's environment"},
		{"no lookup", Release{Release: "app", Set: map[string]SetValue{"a": {Value: "{env.X}"}}, Env: []EnvVar{{Name: "X"}}}, Vars{},
			"environment variable X is not set"},
		{"unknown commit", Release{Release: "app", Set: map[string]SetValue{"a": {Value: "{commit}"}}}, Vars{Environment: "prod"},
			"helm release app: set a: {commit}: the commit is not known"},
		{"unknown environment", Release{Release: "app", Set: map[string]SetValue{"a": {Value: "{environment}"}}}, Vars{Commit: "abc"},
			"the environment is not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.rel.ExpandSet(tt.vars)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			var se *SetError
			require.ErrorAs(t, err, &se)
			assert.True(t, errors.Is(err, ErrUnset))
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}

	// A variable not listed in env is never read, whatever the value says.
	_, err = Release{Release: "app", Set: map[string]SetValue{"a": {Value: "{env.GITHUB_TOKEN}"}}}.ExpandSet(vars)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "ghp_never")
	assert.False(t, errors.Is(err, ErrUnset))
}
