package kubetest

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteCredentials(t *testing.T) {
	c, err := writeCredentials(t.TempDir())
	require.NoError(t, err)

	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(c.caPEM))
	serving := readCert(t, c.certFile)
	for _, host := range []string{"127.0.0.1", "localhost", serviceAPIAddress, "kubernetes.default.svc"} {
		_, err := serving.Verify(x509.VerifyOptions{Roots: roots, DNSName: host})
		require.NoError(t, err, host)
	}

	for _, f := range []string{c.keyFile, c.saKeyFile} {
		block := readPEM(t, f)
		_, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		require.NoError(t, err, f)
	}
	_, err = x509.ParsePKIXPublicKey(readPEM(t, c.saPubFile).Bytes)
	require.NoError(t, err)

	tokens, err := os.ReadFile(c.tokenFile)
	require.NoError(t, err)
	fields := strings.Split(strings.TrimSpace(string(tokens)), ",")
	require.Equal(t, []string{c.token, adminUser, adminUser, adminGroup}, fields)
	require.Len(t, c.token, 48)

	info, err := os.Stat(c.saKeyFile)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func readPEM(t *testing.T, path string) *pem.Block {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	block, _ := pem.Decode(data)
	require.NotNil(t, block, path)
	return block
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	cert, err := x509.ParseCertificate(readPEM(t, path).Bytes)
	require.NoError(t, err)
	return cert
}
