package tfinstall_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

func TestInstallExactVersion(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, logs := newInstaller(t, srv, nil)

	b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.6"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b.Location)
	require.Equal(t, "1.10.6", b.Version)
	require.Equal(t, filepath.Join(in.CacheDir(), "tofu", "1.10.6", "linux_amd64", "tofu"), b.Path)
	got, err := tfinstall.ProbeVersion(t.Context(), b.Path)
	require.NoError(t, err, "the installed binary runs")
	require.Equal(t, "1.10.6", got)
	require.Equal(t, "OpenTofu 1.10.6 (from .opentofu-version:1)", b.Summary())
	require.Contains(t, logs.String(), "checksum file signature verified")
	// An exact version needs no listing.
	require.Zero(t, srv.Hits("/tofu/api.json"))
	require.Equal(t, 1, srv.Hits("tofu_1.10.6_linux_amd64.zip"))
}

// A second run (another Installer on the same cache) finds the release in
// the cache and makes no request at all.
func TestCacheHitMakesNoRequest(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := t.TempDir()
	first, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	want, err := first.Install(t.Context(), ask(t, tfversion.Terraform, "1.5.7"))
	require.NoError(t, err)
	before, _ := srv.Requests()

	second, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, err := second.Install(t.Context(), ask(t, tfversion.Terraform, "1.5.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.InCache, b.Location)
	require.Equal(t, want.Path, b.Path)
	after, paths := srv.Requests()
	require.Equal(t, before, after, "requests: %v", paths)
}

func TestConstraintPicksNewestMatch(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)
	tests := map[string]string{
		"~> 1.10.0":      "1.10.7",
		">= 1.9, < 1.10": "1.9.1",
		">= 1.10.0":      "1.11.0", // not 1.11.0-rc1, nor anything older
		"latest":         "1.11.0",
		"1.11.0-rc1":     "1.11.0-rc1",
		"!= 1.11.0":      "1.10.7",
	}
	for want, version := range tests {
		t.Run(want, func(t *testing.T) {
			b, err := in.Select(t.Context(), ask(t, tfversion.OpenTofu, want))
			require.NoError(t, err)
			require.Equal(t, version, b.Version)
			require.Equal(t, tfinstall.ToDownload, b.Location)
			require.Empty(t, b.Path)
		})
	}
	require.Equal(t, 1, srv.Hits("/tofu/api.json"), "the listing is read once per installer")
	require.Zero(t, srv.Hits(".zip"), "Select downloads nothing")
}

// Stacks that need different releases install them at once; stacks that
// need the same one share one download.
func TestParallelStacks(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	srv.Delay("tofu_1.10.7_linux_amd64.zip", 200*time.Millisecond)
	in, _ := newInstaller(t, srv, nil)
	reqs := []tfversion.Request{
		ask(t, tfversion.OpenTofu, "~> 1.10.0"),
		ask(t, tfversion.Terraform, "1.9.8"),
		ask(t, tfversion.OpenTofu, "1.9.1"),
	}
	for range 5 {
		reqs = append(reqs, ask(t, tfversion.OpenTofu, "1.10.7"))
	}
	bins := make([]tfinstall.Binary, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() { bins[i], errs[i] = in.Install(t.Context(), r) })
	}
	wg.Wait()
	for i := range reqs {
		require.NoError(t, errs[i])
	}
	require.Equal(t, "1.10.7", bins[0].Version)
	require.Equal(t, "1.9.8", bins[1].Version)
	require.Equal(t, "1.9.1", bins[2].Version)
	require.NotEqual(t, bins[0].Path, bins[2].Path)
	for _, b := range bins[3:] {
		require.Equal(t, bins[0].Path, b.Path)
	}
	require.Equal(t, 1, srv.Hits("tofu_1.10.7_linux_amd64.zip"))
	require.Equal(t, 1, srv.Hits("terraform_1.9.8_linux_amd64.zip"))
	require.Equal(t, 1, srv.Hits("tofu_1.9.1_linux_amd64.zip"))
	for _, b := range bins[:3] {
		v, err := tfinstall.ProbeVersion(t.Context(), b.Path)
		require.NoError(t, err)
		require.Equal(t, b.Version, v)
	}
}

func TestCorruptedArchive(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	srv.Corrupt("tofu_1.10.7_linux_amd64.zip")
	in, _ := newInstaller(t, srv, nil)
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.ErrorIs(t, err, tfinstall.ErrVerify)
	var ve *tfinstall.VerifyError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "tofu_1.10.7_linux_amd64.zip", ve.File)
	require.Equal(t, "tofu_1.10.7_linux_amd64.zip does not match its SHA-256 in tofu_1.10.7_SHA256SUMS: it was not installed (the download was damaged or tampered with, or the mirror serves another file)", err.Error())
	requireNoBinary(t, in.CacheDir())

	// The next run does not take the bad download for a cached release.
	again, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = in.CacheDir() })
	_, err = again.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.ErrorIs(t, err, tfinstall.ErrVerify)
}

func TestChecksumFileWithBadSignature(t *testing.T) {
	for name, p := range map[string]tfversion.Product{"opentofu armored gpgsig": tfversion.OpenTofu, "hashicorp binary sig": tfversion.Terraform} {
		t.Run(name, func(t *testing.T) {
			srv := releasetest.New(t, releasetest.Options{Releases: published})
			v := published[p][0]
			files := tfinstall.ReleaseFiles(p, mustSemver(t, v), linuxAMD64)
			srv.SignWithOtherKey(files.Sums)
			in, _ := newInstaller(t, srv, nil)
			_, err := in.Install(t.Context(), ask(t, p, v))
			require.ErrorIs(t, err, tfinstall.ErrVerify)
			var ve *tfinstall.VerifyError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, files.Signature, ve.File)
			require.Equal(t, files.Signature+" is not a signature of "+files.Sums+" by the "+p.Name()+" release key: it was not installed (the download was damaged or tampered with, or the mirror serves another file)", err.Error())
			require.Zero(t, srv.Hits(files.Archive), "the archive of an unverified release is not even downloaded")
			requireNoBinary(t, in.CacheDir())
		})
	}
}

func TestTamperedChecksumFile(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	srv.Corrupt("tofu_1.10.7_SHA256SUMS")
	in, _ := newInstaller(t, srv, nil)
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.ErrorIs(t, err, tfinstall.ErrVerify)
	require.Contains(t, err.Error(), "tofu_1.10.7_SHA256SUMS.gpgsig is not a valid signature of tofu_1.10.7_SHA256SUMS (openpgp: invalid signature")
}

func TestMissingSignature(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	srv.Drop("terraform_1.5.7_SHA256SUMS.sig")
	in, _ := newInstaller(t, srv, nil)
	_, err := in.Install(t.Context(), ask(t, tfversion.Terraform, "1.5.7"))
	require.ErrorIs(t, err, tfinstall.ErrVerify)
	require.Contains(t, err.Error(), "terraform_1.5.7_SHA256SUMS.sig is missing, so terraform_1.5.7_SHA256SUMS cannot be verified")
}

func TestMissingVersion(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)

	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.99.0"))
	var np *tfinstall.NotPublishedError
	require.ErrorAs(t, err, &np)
	require.Equal(t, "OpenTofu 1.99.0 (asked for at .opentofu-version:1) is not published at "+srv.OfficialURL()+"/tofu/v1.99.0/tofu_1.99.0_SHA256SUMS", err.Error())

	_, err = in.Install(t.Context(), ask(t, tfversion.Terraform, "~> 1.99.0"))
	require.ErrorAs(t, err, &np)
	require.Equal(t, "no Terraform release satisfies ~> 1.99.0 (asked for at .terraform-version:1); the newest is 1.10.5", err.Error())
}

func TestReleaseWithoutThisPlatform(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published, Platforms: []tfinstall.Platform{linuxAMD64}})
	arm := tfinstall.Platform{OS: "darwin", Arch: "arm64"}
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.Platform = arm })
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.EqualError(t, err, "OpenTofu 1.10.7 (asked for at .opentofu-version:1) is not published for darwin_arm64")
	_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.EqualError(t, err, "no OpenTofu release satisfies ~> 1.10.0 (asked for at .opentofu-version:1); the newest is 1.11.0")

	win := tfinstall.Platform{OS: "windows", Arch: "amd64"}
	in, _ = newInstaller(t, srv, func(o *tfinstall.Options) { o.Platform = win })
	_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	var up *tfinstall.UnsupportedPlatformError
	require.ErrorAs(t, err, &up)
}

func TestServerDown(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := t.TempDir()
	warm, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	cached, err := warm.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.6"))
	require.NoError(t, err)
	srv.Close()

	t.Run("without a cache", func(t *testing.T) {
		in, _ := newInstaller(t, srv, nil)
		_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.6"))
		var de *tfinstall.DownloadError
		require.ErrorAs(t, err, &de)
		require.Contains(t, err.Error(), "install OpenTofu 1.10.6: download "+srv.OfficialURL()+"/tofu/v1.10.6/tofu_1.10.6_SHA256SUMS: ")
		_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
		require.ErrorAs(t, err, &de)
		require.Contains(t, err.Error(), "find the newest OpenTofu release that satisfies ~> 1.10.0 (asked for at .opentofu-version:1): download "+srv.OfficialURL()+"/tofu/api.json")
	})
	t.Run("with a cache", func(t *testing.T) {
		in, logs := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
		b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.6"))
		require.NoError(t, err)
		require.Equal(t, cached.Path, b.Path)
		// A constraint falls back to the newest cached release that
		// satisfies it, and says so.
		b, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
		require.NoError(t, err)
		require.Equal(t, "1.10.6", b.Version)
		require.Equal(t, tfinstall.InCache, b.Location)
		require.Contains(t, b.Note, "the OpenTofu release listing could not be read")
		require.Contains(t, logs.String(), "release listing could not be read")
		// Nothing satisfies this one: no fallback.
		_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.9.0"))
		require.Error(t, err)
	})
}

func TestRetriesServerErrors(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, logs := newInstaller(t, srv, nil)
	srv.FailNext(2)
	b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b.Location)
	require.Equal(t, 2, strings.Count(logs.String(), "retrying download"))

	srv.FailNext(3)
	_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.9.1"))
	require.ErrorContains(t, err, "503 Service Unavailable")
	// A failed install is not remembered: the next call tries again.
	b, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.9.1"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b.Location)
}

func TestMirror(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) {
		o.Channels = nil // the official channels: unreachable from a test
		o.Mirror = srv.MirrorURL() + "/"
	})
	for _, r := range []tfversion.Request{ask(t, tfversion.OpenTofu, "~> 1.10.0"), ask(t, tfversion.Terraform, "~> 1.9.0")} {
		b, err := in.Install(t.Context(), r)
		require.NoError(t, err)
		require.Equal(t, tfinstall.Downloaded, b.Location)
	}
	n, paths := srv.Requests()
	require.Equal(t, 8, n, "a listing, a checksum file, a signature and an archive per product: %v", paths)
	for _, p := range paths {
		require.True(t, strings.HasPrefix(p, "/mirror/"), p)
	}
	require.Equal(t, 1, srv.Hits("/mirror/terraform/1.9.8/terraform_1.9.8_linux_amd64.zip"))
	require.Equal(t, 1, srv.Hits("/mirror/tofu/v1.10.7/tofu_1.10.7_linux_amd64.zip"))
}

// Credentials in a mirror URL (from an environment variable) never reach
// an error or the log.
func TestMirrorCredentialsAreRedacted(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	mirror := strings.Replace(srv.MirrorURL(), "https://", "https://deploy:SECRET-TOKEN-MARKER@", 1)
	in, logs := newInstaller(t, srv, func(o *tfinstall.Options) { o.Channels, o.Mirror = nil, mirror })
	srv.Drop("tofu_1.10.7_linux_amd64.zip")
	srv.FailNext(1)
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "SECRET-TOKEN-MARKER")
	require.NotContains(t, logs.String(), "SECRET-TOKEN-MARKER")
	require.Contains(t, logs.String(), "https://xxxxx@")

	for _, bad := range []string{"ftp://mirror.example/x", "https://", "https://m.example/x?token=1", "mirror.example"} {
		_, err := tfinstall.New(tfinstall.Options{CacheDir: t.TempDir(), Mirror: bad, Keys: srv.Keys()})
		require.Error(t, err, bad)
	}
	_, err = tfinstall.New(tfinstall.Options{CacheDir: t.TempDir(), Mirror: "ftp://u:SECRET-TOKEN-MARKER@m.example/", Keys: srv.Keys()})
	require.NotContains(t, err.Error(), "SECRET-TOKEN-MARKER")
}

func TestOffline(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := t.TempDir()
	warm, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	for _, v := range []string{"1.9.1", "1.10.6"} {
		_, err := warm.Install(t.Context(), ask(t, tfversion.OpenTofu, v))
		require.NoError(t, err)
	}
	before, _ := srv.Requests()

	// A terraform on PATH, as the probe sees it.
	pathTF := filepath.Join(t.TempDir(), "terraform")
	require.NoError(t, os.WriteFile(pathTF, releasetest.Script(tfversion.Terraform, "1.9.8", linuxAMD64), 0o755))
	offline, _ := newInstaller(t, srv, func(o *tfinstall.Options) {
		o.CacheDir, o.Offline = cacheDir, true
		o.LookPath = func(name string) (string, error) {
			if name == "terraform" {
				return pathTF, nil
			}
			return noPath(name)
		}
	})
	tests := map[string]struct {
		req      tfversion.Request
		version  string
		location tfinstall.Location
		err      string
	}{
		"exact in the cache":         {req: ask(t, tfversion.OpenTofu, "1.9.1"), version: "1.9.1", location: tfinstall.InCache},
		"constraint: newest cached":  {req: ask(t, tfversion.OpenTofu, "~> 1.10.0"), version: "1.10.6", location: tfinstall.InCache},
		"exact on PATH":              {req: ask(t, tfversion.Terraform, "1.9.8"), version: "1.9.8", location: tfinstall.OnPath},
		"constraint on PATH":         {req: ask(t, tfversion.Terraform, ">= 1.5.0"), version: "1.9.8", location: tfinstall.OnPath},
		"newer than anything cached": {req: ask(t, tfversion.OpenTofu, "1.10.7"), err: "offline mode: OpenTofu 1.10.7 (asked for at .opentofu-version:1) is neither in the tool cache " + cacheDir + " (it holds 1.10.6, 1.9.1) nor on PATH (no tofu on PATH); run `tierdeploy tools install` where the release channel or mirror is reachable, or turn offline mode off"},
		"PATH has another version":   {req: ask(t, tfversion.Terraform, "~> 1.5.0"), err: "offline mode: Terraform ~> 1.5.0 (asked for at .terraform-version:1) is neither in the tool cache " + cacheDir + " (it holds no Terraform) nor on PATH (terraform 1.9.8 at " + pathTF + " on PATH); run `tierdeploy tools install` where the release channel or mirror is reachable, or turn offline mode off"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := offline.Install(t.Context(), tt.req)
			if tt.err != "" {
				var oe *tfinstall.OfflineError
				require.ErrorAs(t, err, &oe)
				require.Equal(t, tt.err, err.Error())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.version, b.Version)
			require.Equal(t, tt.location, b.Location)
		})
	}
	after, _ := srv.Requests()
	require.Equal(t, before, after, "offline mode makes no request")
}

// The binary on PATH counts as installed when it is the release asked for:
// the image's default OpenTofu downloads nothing.
func TestPathBinaryOfTheSameRelease(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	pathTofu := filepath.Join(t.TempDir(), "tofu")
	require.NoError(t, os.WriteFile(pathTofu, releasetest.Script(tfversion.OpenTofu, "1.10.7", linuxAMD64), 0o755))
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) {
		o.LookPath = func(name string) (string, error) {
			if name == "tofu" {
				return pathTofu, nil
			}
			return noPath(name)
		}
	})
	b, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.OnPath, b.Location)
	require.Equal(t, pathTofu, b.Path)
	b, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.10.0"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.OnPath, b.Location)
	require.Zero(t, srv.Hits(".zip"))

	// No version asked: the binary on PATH, whatever its version.
	b, err = in.Install(t.Context(), tfversion.Request{Product: tfversion.OpenTofu, Source: tfversion.Source{Origin: tfversion.FromPath}})
	require.NoError(t, err)
	require.Equal(t, "OpenTofu 1.10.7 (no version set, the binary on PATH)", b.Summary())
	_, err = in.Install(t.Context(), tfversion.Request{Product: tfversion.Terraform, Source: tfversion.Source{Origin: tfversion.FromPath}})
	require.EqualError(t, err, "no terraform on PATH and no version asked for: set terraform.version for the tier, or add a .terraform-version file to the repository, and tierdeploy installs it")
}

// A cache entry whose binary changed after it was verified is not used:
// the release is downloaded and verified again.
func TestDamagedCacheEntryIsReplaced(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := t.TempDir()
	first, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, err := first.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(b.Path, []byte("#!/bin/sh\necho pwned\n"), 0o755))

	second, logs := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b2, err := second.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b2.Location)
	require.Contains(t, logs.String(), "its binary changed after it was verified")
	v, err := tfinstall.ProbeVersion(t.Context(), b2.Path)
	require.NoError(t, err)
	require.Equal(t, "1.10.7", v)
}

// Two installers on one cache stand for two processes: the file lock lets
// one download while the other waits and then uses its result.
func TestTwoInstallersShareTheCache(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	srv.Delay("terraform_1.10.5_linux_amd64.zip", 300*time.Millisecond)
	cacheDir := t.TempDir()
	a, logsA := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, logsB := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	var wg sync.WaitGroup
	var ba, bb tfinstall.Binary
	var ea, eb error
	wg.Go(func() { ba, ea = a.Install(t.Context(), ask(t, tfversion.Terraform, "1.10.5")) })
	<-srv.FirstArchiveRequest()
	wg.Go(func() { bb, eb = b.Install(t.Context(), ask(t, tfversion.Terraform, "1.10.5")) })
	wg.Wait()
	require.NoError(t, ea)
	require.NoError(t, eb)
	require.Equal(t, ba.Path, bb.Path)
	require.Equal(t, tfinstall.Downloaded, ba.Location)
	require.Equal(t, tfinstall.InCache, bb.Location)
	require.Equal(t, 1, srv.Hits("terraform_1.10.5_linux_amd64.zip"))
	require.NotContains(t, logsA.String(), "waiting for another tierdeploy")
	require.Contains(t, logsB.String(), "waiting for another tierdeploy")
}

func TestCanceledWhileWaitingForTheLock(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	srv.Delay("tofu_1.9.1_linux_amd64.zip", time.Second)
	cacheDir := t.TempDir()
	a, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	done := make(chan error, 1)
	go func() {
		_, err := a.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.9.1"))
		done <- err
	}()
	<-srv.FirstArchiveRequest()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := b.Install(ctx, ask(t, tfversion.OpenTofu, "1.9.1"))
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.NoError(t, <-done)
}
