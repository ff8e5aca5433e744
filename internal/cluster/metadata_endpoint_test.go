package cluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An inventory endpoint (written by the infrastructure tier's outputs, or
// predicted from a pull request's plan) that points at a cloud metadata
// service or another address that is never an API server is refused
// before a token is made or sent: the EKS token is a credential of the
// job's cloud identity, and the metadata services hand out others.
func TestMetadataAndNonRoutableEndpointsAreRefused(t *testing.T) {
	ca := string(testCA(t))
	for _, endpoint := range []string{
		"https://169.254.169.254",          // EC2, GCP, Azure instance metadata
		"https://169.254.169.254:443/",     // with a port
		"https://169.254.170.2",            // ECS task metadata
		"https://[fd00:ec2::254]",          // EC2 instance metadata over IPv6
		"https://[fe80::1%25eth0]:6443",    // link-local with a zone
		"https://0.0.0.0:6443",             // unspecified: this machine
		"https://[::]:6443",                // unspecified, IPv6
		"https://224.0.0.1",                // multicast
		"https://metadata.google.internal", // GCP metadata by name
		"https://METADATA.google.internal.",
		"https://instance-data.ec2.internal",
		"https://[::ffff:169.254.169.254]", // IPv4-mapped
	} {
		t.Run(endpoint, func(t *testing.T) {
			_, err := Resolve(input(doc(t, map[string]any{"endpoint": endpoint, "ca_data": ca, "name": "c"})))
			var ve *ValueError
			require.ErrorAs(t, err, &ve, "%s was accepted", endpoint)
			assert.Contains(t, err.Error(), "environments[0].cluster.endpoint: inventory key cluster.endpoint of environment staging")
			assert.Contains(t, err.Error(), "never a Kubernetes API server")
		})
	}
	// Loopback stays allowed: a local cluster (kind, a test control plane).
	_, err := Resolve(input(doc(t, map[string]any{"endpoint": "https://127.0.0.1:6443", "ca_data": ca, "name": "c"})))
	require.NoError(t, err)
}

// ca_data must hold certificate authorities: a server (leaf) certificate
// there is refused with a message that says what to give, not left to fail
// the TLS handshake later with "certificate signed by unknown authority".
func TestCADataThatIsNotACAIsRefused(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "api.example"}, DNSNames: []string{"api.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	for name, value := range map[string]string{"a server certificate": leaf, "a CA and a server certificate": string(testCA(t)) + leaf} {
		t.Run(name, func(t *testing.T) {
			_, err := Resolve(input(doc(t, map[string]any{"endpoint": "https://api.example", "ca_data": value, "name": "c"})))
			var ve *ValueError
			require.ErrorAs(t, err, &ve)
			assert.Contains(t, err.Error(), "holds a certificate that is not a certificate authority (CN=api.example)")
		})
	}
}

// An endpoint with an IPv6 zone ("%25" in the URL) crashed Resolve: the
// zone came out unescaped, and the URL built from it did not parse again.
// It is a value error now, like any other bad endpoint.
func TestEndpointWithAZoneDoesNotPanic(t *testing.T) {
	ca := string(testCA(t))
	for _, endpoint := range []string{"https://[fd00::1%25x]:6443", "https://[::1%25lo]", "https://[fe80::1%25%41]"} {
		require.NotPanics(t, func() {
			_, err := Resolve(input(doc(t, map[string]any{"endpoint": endpoint, "ca_data": ca, "name": "c"})))
			var ve *ValueError
			require.ErrorAs(t, err, &ve, endpoint)
		}, endpoint)
	}
}
