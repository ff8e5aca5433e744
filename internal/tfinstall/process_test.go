package tfinstall_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// childEnv, when set, makes the test binary act as a second tierdeploy
// process that installs one release (see runChild).
const childEnv = "TFINSTALL_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild installs TFINSTALL_TEST_PRODUCT at TFINSTALL_TEST_WANT from the
// release server at $TFINSTALL_TEST_CHILD into TFINSTALL_TEST_CACHE,
// trusting the key and certificate files the parent wrote, logs to stderr
// and prints the binary's path and its location on two lines.
func runChild() int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	pem, err := os.ReadFile(os.Getenv("TFINSTALL_TEST_CERT"))
	if err != nil {
		return fail(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	keyData, err := os.ReadFile(os.Getenv("TFINSTALL_TEST_KEY"))
	if err != nil {
		return fail(err)
	}
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(keyData))
	if err != nil {
		return fail(err)
	}
	in, err := tfinstall.New(tfinstall.Options{
		Client:   &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
		LookPath: noPath,
		Keys:     tfinstall.Keys{tfversion.OpenTofu: keyring, tfversion.Terraform: keyring},
		Channels: tfinstall.MirrorChannels(os.Getenv(childEnv)),
		Log:      slog.New(slog.NewTextHandler(os.Stderr, nil)),
		CacheDir: os.Getenv("TFINSTALL_TEST_CACHE"),
		Platform: linuxAMD64,
	})
	if err != nil {
		return fail(err)
	}
	w, err := tfversion.ParseWant(os.Getenv("TFINSTALL_TEST_WANT"))
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := in.Install(ctx, tfversion.Request{Product: tfversion.Product(os.Getenv("TFINSTALL_TEST_PRODUCT")), Want: w,
		Source: tfversion.Source{Origin: tfversion.FromConfig, File: "tierdeploy.yaml", Line: 1}})
	if err != nil {
		return fail(err)
	}
	fmt.Printf("%s\n%s\n", b.Path, b.Location)
	return 0
}

// Two tierdeploy processes that need the same release at once download it
// once: the second waits on the file lock, then uses the first one's cache
// entry.
func TestTwoProcessesDownloadOnce(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	const archive = "tofu_1.10.7_linux_amd64.zip"
	srv.Delay(archive, 700*time.Millisecond)
	cacheDir := t.TempDir()
	keyFile, certFile := srv.WriteTrust(t, t.TempDir())

	child := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(),
		childEnv+"="+srv.OfficialURL(),
		"TFINSTALL_TEST_CACHE="+cacheDir,
		"TFINSTALL_TEST_KEY="+keyFile,
		"TFINSTALL_TEST_CERT="+certFile,
		"TFINSTALL_TEST_PRODUCT=tofu",
		"TFINSTALL_TEST_WANT=~> 1.10.0",
	)
	var stdout, stderr bytes.Buffer
	child.Stdout, child.Stderr = &stdout, &stderr
	require.NoError(t, child.Start())

	// The child is downloading (its archive request is held): this process
	// asks for the same release now.
	select {
	case <-srv.FirstArchiveRequest():
	case <-time.After(30 * time.Second):
		t.Fatalf("the child made no archive request: %s", stderr.String())
	}
	in, logs := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.NoError(t, child.Wait(), stderr.String())

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, 2, stdout.String())
	require.Equal(t, b.Path, lines[0])
	require.Equal(t, tfinstall.Downloaded.String(), lines[1])
	require.Equal(t, tfinstall.InCache, b.Location)
	require.Contains(t, logs.String(), "waiting for another tierdeploy to install this release")
	require.Equal(t, 1, srv.Hits(archive), "the release was downloaded once")
	v, err := tfinstall.ProbeVersion(t.Context(), b.Path)
	require.NoError(t, err)
	require.Equal(t, "1.10.7", v)
}
