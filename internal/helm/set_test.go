package helm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

func TestSetEntriesComeLastAndSecretsAreMasked(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.Values = []string{valuesFile(t, "image:\n  tag: from-values-file\n")}
	opts.Release.InventoryValues = map[string]string{"database.host": "database.host"}
	opts.Inventory = testInventory(t)
	rel := config.Release{
		Release: "web",
		Set: map[string]config.SetValue{
			"image.tag":    {Value: "{commit}"},
			"greeting":     {Value: "token={env.API_TOKEN}"},
			"replicaCount": {Value: int64(2)},
		},
		Env: []config.EnvVar{{Name: "API_TOKEN", Secret: true}},
	}
	set, err := rel.ExpandSet(config.Vars{Environment: "prod", Commit: "0123abcd", LookupEnv: func(k string) (string, bool) {
		return map[string]string{"API_TOKEN": "tok-s3cr3t"}[k], k == "API_TOKEN"
	}})
	require.NoError(t, err)
	opts.Set = set

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Contains(t, res.Diff, "image: registry.example/web:0123abcd\n")
	assert.Contains(t, res.Diff, "replicas: 2\n")
	assert.Contains(t, res.Diff, "DATABASE_HOST: db.prod.internal\n")
	assert.Equal(t, []string{
		"set greeting from token={env.API_TOKEN} (secret, masked)",
		"set image.tag = 0123abcd (from {commit})",
		"set replicaCount = 2",
	}, res.Notes[:3])
	assert.Contains(t, res.Secrets, "token=tok-s3cr3t")
	assert.Contains(t, res.Secrets, "tok-s3cr3t")
	assert.NotContains(t, res.Diff+strings.Join(res.Notes, "\n"), "tok-s3cr3t")

	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.NotContains(t, res.Diff+strings.Join(res.Notes, "\n"), "tok-s3cr3t")
	assert.Contains(t, res.Notes, "set image.tag = 0123abcd (from {commit})")
}

func TestSetIntoAValueThatIsNoMap(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Set = []config.SetEntry{{Path: "greeting.text", Value: "x", Template: "x"}}
	opts.Release.Values = []string{valuesFile(t, "greeting: hello\n")}
	_, err := newStage(t, opts).Plan(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set greeting.text: greeting is string in the values files, not a map")
}
