package cluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// testCA returns a self-signed CA certificate as PEM.
func testCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// doc returns an inventory of environment staging with the cluster
// output set to cluster.
func doc(t *testing.T, cluster map[string]any) *inventory.Document {
	t.Helper()
	raw, err := json.Marshal(cluster)
	require.NoError(t, err)
	return &inventory.Document{Schema: inventory.SchemaV1, Environment: "staging", Tier: "infrastructure", Commit: "abc1234",
		Values: map[string]json.RawMessage{"cluster": raw, "region": json.RawMessage(`"eu-west-1"`)}}
}

var block = &config.Cluster{Endpoint: "cluster.endpoint", CAData: "cluster.ca_data",
	EKS: &config.EKS{ClusterName: "cluster.name", RoleARN: "arn:aws:iam::123456789012:role/{environment}-deployer"}}

func input(d *inventory.Document) Input {
	return Input{Cluster: block, Field: "environments[0].cluster", Environment: "staging", Inventory: d}
}

func TestResolve(t *testing.T) {
	ca := testCA(t)
	d := doc(t, map[string]any{"endpoint": "https://4A1F0C2E9B7D5A3C1E8F6B4D2A0C9E7F.gr7.eu-west-1.eks.amazonaws.com",
		"ca_data": base64.StdEncoding.EncodeToString(ca), "name": "meltano-staging"})
	got, err := Resolve(input(d))
	require.NoError(t, err)
	assert.Equal(t, Target{Endpoint: "https://4A1F0C2E9B7D5A3C1E8F6B4D2A0C9E7F.gr7.eu-west-1.eks.amazonaws.com", CAData: ca,
		ClusterName: "meltano-staging", RoleARN: "arn:aws:iam::123456789012:role/staging-deployer", Region: "eu-west-1"}, got)
	assert.Equal(t, "EKS cluster meltano-staging", got.Name())

	// eks.region wins; an endpoint that is not EKS's gives no region; PEM
	// is taken as it is, wrapped base64 too.
	other := *block
	eks := *block.EKS
	eks.Region = "us-east-2"
	other.EKS = &eks
	in := input(d)
	in.Cluster = &other
	got, err = Resolve(in)
	require.NoError(t, err)
	assert.Equal(t, "us-east-2", got.Region)
	wrapped := base64.StdEncoding.EncodeToString(ca)
	wrapped = wrapped[:40] + "\n" + wrapped[40:]
	for _, caValue := range []string{string(ca), wrapped} {
		got, err = Resolve(input(doc(t, map[string]any{"endpoint": "https://127.0.0.1:6443/", "ca_data": caValue, "name": "kind"})))
		require.NoError(t, err)
		assert.Equal(t, "https://127.0.0.1:6443", got.Endpoint)
		assert.Empty(t, got.Region)
		assert.Equal(t, ca, got.CAData)
	}
}

func TestResolvePending(t *testing.T) {
	// A new cluster: its whole output is known only after apply.
	d := doc(t, map[string]any{"name": "meltano-staging"})
	in := input(d)
	in.KnownAfterApply = []string{"cluster"}
	got, err := Resolve(in)
	require.NoError(t, err)
	assert.Equal(t, []string{"cluster.endpoint", "cluster.ca_data", "cluster.name"}, got.Pending)
	assert.Empty(t, got.Endpoint)
	assert.Equal(t, "the new EKS cluster", got.Name())

	// Without the plan's word, the missing keys are errors.
	in.KnownAfterApply = nil
	_, err = Resolve(in)
	var ke *KeyError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, "environments[0].cluster.endpoint", ke.Field)
	assert.ErrorIs(t, err, inventory.ErrKeyNotFound)
	assert.Contains(t, err.Error(), `environments[0].cluster.endpoint: inventory key "cluster.endpoint" not found in the inventory of environment "staging" published at commit abc1234; available: name`)
	assert.Contains(t, err.Error(), `environments[0].cluster.ca_data: inventory key "cluster.ca_data" not found`, "every problem at once")
}

func TestResolveWithoutInventory(t *testing.T) {
	_, err := Resolve(input(nil))
	require.ErrorIs(t, err, inventory.ErrNotFound)
	assert.Contains(t, err.Error(), `environments[0].cluster.endpoint: inventory key "cluster.endpoint" not found: environment "staging" has no inventory yet, apply the infrastructure tier first`)
}

func TestResolveHostileValues(t *testing.T) {
	ca := string(testCA(t))
	key := "-----BEGIN PRIVATE KEY-----\nSECRET-MARKER\n-----END PRIVATE KEY-----\n"
	good := map[string]any{"endpoint": "https://api.example:443", "ca_data": ca, "name": "c"}
	tests := []struct {
		name  string
		field string
		value any
		want  string
	}{
		{name: "plain http", field: "endpoint", value: "http://api.example", want: "environments[0].cluster.endpoint: inventory key cluster.endpoint of environment staging is not an https URL: the API server's token must not travel in clear text"},
		{name: "credentials in URL", field: "endpoint", value: "https://admin:SECRET-MARKER@api.example", want: "holds credentials"},
		{name: "path", field: "endpoint", value: "https://api.example/evil?x=1", want: "must name only the host"},
		{name: "not a URL", field: "endpoint", value: "api.example", want: "is not a URL such as https://ABC.gr7.eu-west-1.eks.amazonaws.com"},
		{name: "opaque", field: "endpoint", value: "https:api.example", want: "is not a URL"},
		{name: "newline", field: "endpoint", value: "https://api.example\n::error::pwned", want: "is not a URL"},
		{name: "number", field: "endpoint", value: 443, want: "is a number, not a string"},
		{name: "object", field: "ca_data", value: map[string]any{"data": ca}, want: "environments[0].cluster.ca_data: inventory key cluster.ca_data of environment staging is an object, not a string"},
		{name: "not base64", field: "ca_data", value: "%%%", want: "is neither PEM nor base64 of PEM"},
		{name: "base64 of text", field: "ca_data", value: base64.StdEncoding.EncodeToString([]byte("hello")), want: "holds no PEM certificate"},
		{name: "a private key", field: "ca_data", value: key, want: "holds no PEM certificate"},
		{name: "broken certificate", field: "ca_data", value: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", want: "holds a certificate that does not parse"},
		{name: "huge", field: "ca_data", value: strings.Repeat("A", 1<<20), want: "more than a CA bundle's"},
		{name: "header injection in the name", field: "name", value: "c\r\nX-Evil: 1", want: "environments[0].cluster.eks.cluster_name: inventory key cluster.name of environment staging is not an EKS cluster name"},
		{name: "empty name", field: "name", value: "", want: "is not an EKS cluster name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := map[string]any{}
			for k, x := range good {
				v[k] = x
			}
			v[tt.field] = tt.value
			_, err := Resolve(input(doc(t, v)))
			var ve *ValueError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "SECRET-MARKER")
			assert.NotContains(t, err.Error(), "::error::")
			assert.NotContains(t, err.Error(), "BEGIN CERTIFICATE")
			assert.Less(t, len(err.Error()), 400)
		})
	}
}

func TestResolveNeedsABlock(t *testing.T) {
	_, err := Resolve(Input{Field: "tiers[1].cluster"})
	require.Error(t, err)
	assert.False(t, errors.Is(err, inventory.ErrNotFound))
}
