package checkinput

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

const dbPassword = "meltano-db-password-1234"

var manifest = `---
# Source: meltano/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: meltano-db
  annotations:
    note: "copy of ` + base64.StdEncoding.EncodeToString([]byte(dbPassword)) + `"
data:
  password: ` + base64.StdEncoding.EncodeToString([]byte(dbPassword)) + `
stringData:
  url: postgres://meltano:` + dbPassword + `@db/meltano
---
# Source: meltano/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: meltano-env
data:
  DATABASE_URL: "postgres://meltano:` + dbPassword + `@db/meltano"
  REPLICAS: "2"
--- # only a comment
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: meltano
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/meltano:1.2.3
          args: ["--- not a separator"]
`

func TestHelmMasksSecrets(t *testing.T) {
	rel := Release{Name: "meltano", Namespace: "meltano", Chart: "charts/meltano", Values: []string{"deploy/meltano/values.yaml"},
		InventoryValues: map[string]string{"image.repository": "registry.meltano"}}
	in, err := Helm(manifest, rel, Stage{Stack: stack, Name: "meltano", Command: "apply", Labels: []string{"allow-destroy"}})
	require.NoError(t, err)
	js, err := in.JSON()
	require.NoError(t, err)
	for _, out := range []string{string(js), string(in.Manifests())} {
		assert.NotContains(t, out, dbPassword)
		assert.NotContains(t, out, base64.StdEncoding.EncodeToString([]byte(dbPassword)))
	}
	objs := in.Document()["objects"].([]any)
	require.Len(t, objs, 3, "the comment-only document is left out")
	secret := objs[0].(map[string]any)
	assert.Equal(t, map[string]any{"password": Marker}, secret["data"], "keys are kept, values masked")
	assert.Equal(t, map[string]any{"url": Marker}, secret["stringData"])
	cm := objs[1].(map[string]any)["data"].(map[string]any)
	assert.Equal(t, Marker, cm["DATABASE_URL"], "the Secret's value is masked where else it appears")
	assert.Equal(t, "2", cm["REPLICAS"])
	dep := objs[2].(map[string]any)
	c := dep["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"--- not a separator"}, c["args"])
	assert.Equal(t, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/meltano:1.2.3", c["image"])

	md := in.Document()[Key].(map[string]any)
	assert.Equal(t, "helm", md["kind"])
	assert.Equal(t, "apply", md["command"])
	assert.Equal(t, []any{"allow-destroy"}, md["labels"])
	assert.Equal(t, "charts/meltano", md["release"].(map[string]any)["chart"])
	assert.Nil(t, in.PlanJSON())

	// The masked manifests are a YAML stream of the same objects.
	docs := strings.Split(string(in.Manifests()), "---\n")[1:]
	require.Len(t, docs, 3)
	var first map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(docs[0]), &first))
	assert.Equal(t, "Secret", first["kind"])
}

func TestHelmRefusesBadManifests(t *testing.T) {
	for name, m := range map[string]string{
		"list":       "- a\n- b\n",
		"scalar":     "---\nhello\n",
		"bad yaml":   "a: [\n",
		"alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Helm(m, Release{}, Stage{})
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), "rendered manifest: document 1")
		})
	}
}

func TestHelmEmptyManifest(t *testing.T) {
	in, err := Helm("", Release{Name: "x"}, Stage{})
	require.NoError(t, err)
	assert.Empty(t, in.Document()["objects"])
	assert.Empty(t, in.Manifests())
}
