package deps_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/deps"
)

func TestModules(t *testing.T) {
	fsys := fstest.MapFS{
		"envs/prod/main.tf": {Data: []byte(`
module "net" {
  source = "../../modules/net"
}
module "remote" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
module "git" {
  source = "git::https://example.invalid/x.git"
}
module "outside" {
  source = "../../../elsewhere"
}
module "computed" {
  source = "${path.module}/x"
}
`)},
		"envs/prod/extra.tf.json":     {Data: []byte(`{"module": {"db": {"source": "../../modules/db"}}}`)},
		"envs/prod/README.md":         {Data: []byte(`module "ignored" { source = "./nope" }`)},
		"modules/net/main.tf":         {Data: []byte(`module "sub" { source = "./subnets" }`)},
		"modules/net/subnets/main.tf": {Data: []byte(`module "back" { source = "../" }`)}, // a cycle back to net
		"modules/db/main.tf":          {Data: []byte(`module "missing" { source = "../not-there" }`)},
	}
	f := deps.New(fsys)
	got, err := f.Modules("envs/prod")
	require.NoError(t, err)
	require.Equal(t, []string{"modules/db", "modules/net", "modules/net/subnets", "modules/not-there"}, got)

	got, err = f.Modules("modules/net/subnets")
	require.NoError(t, err)
	require.Equal(t, []string{"modules/net"}, got)

	got, err = f.Modules("does/not/exist")
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestModulesParseError(t *testing.T) {
	f := deps.New(fstest.MapFS{"a/main.tf": {Data: []byte(`module "x" {`)}})
	_, err := f.Modules("a")
	require.ErrorContains(t, err, "parse a/main.tf")
}

func TestCharts(t *testing.T) {
	fsys := fstest.MapFS{
		"charts/app/Chart.yaml": {Data: []byte(`apiVersion: v2
name: app
version: 0.1.0
dependencies:
  - name: lib
    version: 0.1.0
    repository: file://../lib
  - name: redis
    version: 1.0.0
    repository: oci://registry.example.invalid/charts
  - name: vendored
    version: 1.0.0
`)},
		"charts/lib/Chart.yaml":    {Data: []byte("apiVersion: v2\nname: lib\nversion: 0.1.0\ndependencies:\n  - name: base\n    repository: \"file://../../shared/base\"\n")},
		"shared/base/Chart.yaml":   {Data: []byte("apiVersion: v2\nname: base\nversion: 0.1.0\n")},
		"charts/broken/Chart.yaml": {Data: []byte("dependencies: [\n")},
	}
	f := deps.New(fsys)
	got, err := f.Charts("charts/app")
	require.NoError(t, err)
	require.Equal(t, []string{"charts/lib", "shared/base"}, got)

	_, err = f.Charts("charts/broken")
	require.ErrorContains(t, err, "parse charts/broken/Chart.yaml")
}
