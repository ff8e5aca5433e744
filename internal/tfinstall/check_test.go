package tfinstall_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// TestCheckFindsAnUnpublishedPinBeforeDownloading: an exact version needs
// no listing, so Check reads the release's checksum file to tell a version
// that is not published, without downloading any archive; Install then
// reuses the file it read.
func TestCheckFindsAnUnpublishedPinBeforeDownloading(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, _ := newInstaller(t, srv, nil)

	_, err := in.Check(t.Context(), ask(t, tfversion.OpenTofu, "1.99.0"))
	var np *tfinstall.NotPublishedError
	require.ErrorAs(t, err, &np)
	require.Equal(t, "OpenTofu 1.99.0 (asked for at .opentofu-version:1) is not published at "+srv.OfficialURL()+"/tofu/v1.99.0/tofu_1.99.0_SHA256SUMS", err.Error())
	require.Zero(t, srv.Hits(".zip"))
	require.Zero(t, srv.Hits("/tofu/api.json"), "no listing for an exact version")

	b, err := in.Check(t.Context(), ask(t, tfversion.Terraform, "1.5.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.ToDownload, b.Location)
	require.Equal(t, "1.5.7", b.Version)
	require.Zero(t, srv.Hits(".zip"), "Check downloads no archive")
	b, err = in.Install(t.Context(), ask(t, tfversion.Terraform, "1.5.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b.Location)
	require.Equal(t, 1, srv.Hits("terraform_1.5.7_SHA256SUMS"), "the checksum file is read once")

	// A constraint is checked against the listing, as Select does.
	_, err = in.Check(t.Context(), ask(t, tfversion.OpenTofu, "~> 1.99.0"))
	require.EqualError(t, err, "no OpenTofu release satisfies ~> 1.99.0 (asked for at .opentofu-version:1); the newest is 1.11.0")
}

func TestCheckPlatform(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published, Platforms: []tfinstall.Platform{linuxAMD64}})
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.Platform = tfinstall.Platform{OS: "darwin", Arch: "arm64"} })
	_, err := in.Check(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.EqualError(t, err, "OpenTofu 1.10.7 (asked for at .opentofu-version:1) is not published for darwin_arm64")
	require.Zero(t, srv.Hits(".zip"))
}

// TestCheckLeavesDownloadFailuresToInstall: a server that cannot be reached
// is not a verdict on the version; Install reports it.
func TestCheckLeavesDownloadFailuresToInstall(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	in, logs := newInstaller(t, srv, func(o *tfinstall.Options) { o.Attempts = 1 })
	srv.FailNext(1)
	b, err := in.Check(t.Context(), ask(t, tfversion.OpenTofu, "1.10.6"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.ToDownload, b.Location)
	require.Contains(t, logs.String(), "the checksum file could not be read")
	b, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.6"))
	require.NoError(t, err, "the failure is not remembered")
	require.Equal(t, tfinstall.Downloaded, b.Location)
}
