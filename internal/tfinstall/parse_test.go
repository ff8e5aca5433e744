package tfinstall

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

func armorEncode(w io.Writer) (io.WriteCloser, error) {
	return armor.Encode(w, openpgp.PublicKeyType, nil)
}

const sha = "9d2d8a89f5cc8bc1c06cb6f34ce76ec4b99184b07eb776f8b39183b513d7798a"

func TestParseSums(t *testing.T) {
	got, err := ParseSums([]byte(sha + "  terraform_1.1.9_linux_amd64.zip\r\n\n" + strings.ToUpper(sha) + " *terraform_1.1.9_darwin_arm64.zip\n"))
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, got["terraform_1.1.9_linux_amd64.zip"], got["terraform_1.1.9_darwin_arm64.zip"])

	for name, in := range map[string]string{
		"short digest":  "abc  x.zip\n",
		"no name":       sha + "\n",
		"path in name":  sha + "  ../x.zip\n",
		"not hex":       strings.Repeat("z", 64) + "  x.zip\n",
		"two checksums": sha + "  x.zip\n" + strings.Repeat("0", 64) + "  x.zip\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSums([]byte(in))
			require.Error(t, err)
		})
	}
}

func TestParseListing(t *testing.T) {
	hashicorp := `{"name":"terraform","versions":{
		"1.5.7":{"name":"terraform","version":"1.5.7","builds":[{"os":"linux","arch":"amd64","filename":"terraform_1.5.7_linux_amd64.zip"},{"os":"linux","arch":"arm64","filename":"terraform_1.5.7_linux_arm64.zip"}]},
		"1.10.0-alpha20240606":{"version":"1.10.0-alpha20240606","builds":[]},
		"1.9.8":{"version":"1.9.8"},
		"not-a-version":{"version":"x"},
		"01.2.3":{"version":"01.2.3"}}}`
	rs, err := ParseListing(tfversion.Terraform, []byte(hashicorp))
	require.NoError(t, err)
	require.Equal(t, []string{"1.10.0-alpha20240606", "1.9.8", "1.5.7"}, versionsOf(rs))
	require.True(t, rs[2].Has(Platform{"linux", "arm64"}))
	require.False(t, rs[2].Has(Platform{"darwin", "arm64"}))
	require.True(t, rs[1].Has(Platform{"darwin", "arm64"}), "a release without a build list is assumed on every platform")

	opentofu := `{"versions":[{"id":"1.10.7","files":["tofu_1.10.7_SHA256SUMS","tofu_1.10.7_linux_amd64.zip","tofu_1.10.7_linux_amd64.tar.gz","tofu_1.10.7_amd64.deb","tofu_1.10.7_darwin_arm64.zip.gpgsig"]},{"id":"v1.9.0","files":[]},{"id":"1.10.7"},{"id":"1.6.0-beta1","files":["tofu_1.6.0-beta1_darwin_arm64.zip"]}]}`
	rs, err = ParseListing(tfversion.OpenTofu, []byte(opentofu))
	require.NoError(t, err)
	require.Equal(t, []string{"1.10.7", "1.6.0-beta1"}, versionsOf(rs))
	require.True(t, rs[0].Has(Platform{"linux", "amd64"}))
	require.False(t, rs[0].Has(Platform{"darwin", "arm64"}), "a signature is not an archive")
	require.True(t, rs[1].Has(Platform{"darwin", "arm64"}))

	for _, bad := range []string{"", "[]", `{"versions":{}}`, `{"versions":[]}`, "<html>503</html>"} {
		_, err := ParseListing(tfversion.OpenTofu, []byte(bad))
		require.Error(t, err, bad)
	}
	_, err = ParseListing(tfversion.Terraform, []byte(`{"versions":{"x":{}}}`))
	require.EqualError(t, err, "lists no release")
}

func versionsOf(rs []Release) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Version.String()
	}
	return out
}

// extract writes the product binary and nothing else, whatever the
// archive holds.
func TestExtractHostileArchives(t *testing.T) {
	tests := map[string]struct {
		entries []string
		want    string
	}{
		"binary and license":  {entries: []string{"LICENSE", "tofu"}},
		"path traversal only": {entries: []string{"../tofu", "/tmp/tofu", "sub/tofu"}, want: "holds no tofu"},
		"binary twice":        {entries: []string{"tofu", "tofu"}, want: "holds tofu twice"},
		"directory":           {entries: []string{"tofu/"}, want: "holds no tofu"},
		"empty":               {entries: nil, want: "holds no tofu"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			archive := filepath.Join(dir, "a.zip")
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			for _, e := range tt.entries {
				w, err := zw.Create(e)
				require.NoError(t, err)
				_, _ = w.Write([]byte("#!/bin/sh\n"))
			}
			require.NoError(t, zw.Close())
			require.NoError(t, os.WriteFile(archive, b.Bytes(), 0o644))
			out := filepath.Join(dir, "out")
			require.NoError(t, os.Mkdir(out, 0o755))
			_, err := extract(archive, "tofu", filepath.Join(out, "tofu"))
			if tt.want != "" {
				require.EqualError(t, err, tt.want)
			} else {
				require.NoError(t, err)
			}
			entries, _ := os.ReadDir(out)
			require.LessOrEqual(t, len(entries), 1)
			_, err = os.Stat(filepath.Join(dir, "..", "tofu"))
			require.True(t, os.IsNotExist(err))
		})
	}
	_, err := extract(filepath.Join(t.TempDir(), "missing.zip"), "tofu", filepath.Join(t.TempDir(), "tofu"))
	require.EqualError(t, err, "is not a zip archive")
}

func TestReleaseFilesAndChannels(t *testing.T) {
	v := mustSemverI(t, "1.10.7")
	pl := Platform{OS: "darwin", Arch: "arm64"}
	require.Equal(t, Files{Archive: "tofu_1.10.7_darwin_arm64.zip", Sums: "tofu_1.10.7_SHA256SUMS", Signature: "tofu_1.10.7_SHA256SUMS.gpgsig"}, ReleaseFiles(tfversion.OpenTofu, v, pl))
	require.Equal(t, Files{Archive: "terraform_1.10.7_darwin_arm64.zip", Sums: "terraform_1.10.7_SHA256SUMS", Signature: "terraform_1.10.7_SHA256SUMS.sig"}, ReleaseFiles(tfversion.Terraform, v, pl))
	off := Official()
	require.Equal(t, "https://releases.hashicorp.com/terraform/1.10.7/terraform_1.10.7_SHA256SUMS", fileURL(off[tfversion.Terraform], tfversion.Terraform, v, "terraform_1.10.7_SHA256SUMS"))
	require.Equal(t, "https://github.com/opentofu/opentofu/releases/download/v1.10.7/tofu_1.10.7_darwin_arm64.zip", fileURL(off[tfversion.OpenTofu], tfversion.OpenTofu, v, "tofu_1.10.7_darwin_arm64.zip"))
	require.Equal(t, "https://get.opentofu.org/tofu/api.json", off[tfversion.OpenTofu].Listing)
	m := MirrorChannels("https://mirror.example/tools/")
	require.Equal(t, "https://mirror.example/tools/tofu/v1.10.7/tofu_1.10.7_SHA256SUMS", fileURL(m[tfversion.OpenTofu], tfversion.OpenTofu, v, "tofu_1.10.7_SHA256SUMS"))
	require.Equal(t, "https://mirror.example/tools/terraform/index.json", m[tfversion.Terraform].Listing)
}
