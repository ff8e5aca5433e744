package tfinstall_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// A mirror URL whose credentials are a token given as the user name
// (https://TOKEN@host/, as many hosts take it) shows no part of them in an
// error or the log: url.Redacted hides only a password.
func TestMirrorTokenAsUserNameIsRedacted(t *testing.T) {
	const token = "ghp_PLANTEDTOKENASUSERNAME"
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	mirror := strings.Replace(srv.MirrorURL(), "https://", "https://"+token+"@", 1)
	in, logs := newInstaller(t, srv, func(o *tfinstall.Options) { o.Channels, o.Mirror = nil, mirror })
	srv.Drop("tofu_1.10.7_linux_amd64.zip")
	srv.FailNext(1)
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.Error(t, err)
	require.NotContains(t, err.Error(), token)
	require.NotContains(t, logs.String(), token)

	_, err = tfinstall.New(tfinstall.Options{CacheDir: t.TempDir(), Mirror: "ftp://" + token + "@m.example/", Keys: srv.Keys()})
	require.Error(t, err)
	require.NotContains(t, err.Error(), token)
	_, err = tfinstall.ParseMirror("https://" + token + "@m.example/x?y=1")
	require.Error(t, err)
	require.NotContains(t, err.Error(), token)
}

// A release channel served over https that redirects to http is refused
// before the plain-text request is made: the listing is not signed, and
// whoever is on the path could choose the release (any signed one that
// satisfies the constraint, an old one with known flaws).
func TestHTTPSDowngradeRedirectIsRefused(t *testing.T) {
	var plain atomic.Int32
	clear := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(clear.Close)
	redirecting := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, clear.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(redirecting.Close)

	in, err := tfinstall.New(tfinstall.Options{
		Client: redirecting.Client(), CacheDir: t.TempDir(), LookPath: noPath, Platform: linuxAMD64,
		Channels: tfinstall.MirrorChannels(redirecting.URL), Attempts: 1,
		Keys: releasetest.New(t, releasetest.Options{Releases: published}).Keys(),
	})
	require.NoError(t, err)
	_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.Error(t, err)
	require.Contains(t, err.Error(), "redirected from https to http")
	require.Zero(t, plain.Load(), "a request was made in clear text")
}

// A redirect from https to https on another host (a release host that
// serves its files from a storage host, as the official ones do) is
// followed.
func TestRedirectToAnotherHTTPSHostIsFollowed(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+r.URL.Path, http.StatusFound)
	}))
	front.TLS = srv.TLS
	front.StartTLS()
	t.Cleanup(front.Close)
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) {
		o.Channels = tfinstall.MirrorChannels(front.URL + "/official")
	})
	b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b.Location)
}

// A mirror that streams an endless listing, or a checksum file without end,
// costs a bounded download: the body is cut at the file's limit and the
// request fails with a message naming the limit, in bounded time.
func TestEndlessListingAndChecksumFileAreCut(t *testing.T) {
	var served atomic.Int64
	endless := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("0", 1<<16))
		for r.Context().Err() == nil && served.Load() < 1<<30 {
			n, err := w.Write(chunk)
			served.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(endless.Close)
	in, err := tfinstall.New(tfinstall.Options{
		Client: endless.Client(), CacheDir: t.TempDir(), LookPath: noPath, Platform: linuxAMD64,
		Channels: tfinstall.MirrorChannels(endless.URL), Attempts: 1,
		Keys: releasetest.New(t, releasetest.Options{Releases: published}).Keys(),
	})
	require.NoError(t, err)
	_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.ErrorContains(t, err, "over the limit of 33554432 bytes")
	_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.ErrorContains(t, err, "over the limit of 1048576 bytes")
	require.Less(t, served.Load(), int64(256<<20), "the server was read far past the limits")
}
