package tfinstall

import (
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

func mustSemverI(t *testing.T, s string) *version.Version {
	t.Helper()
	v, err := version.NewSemver(s)
	require.NoError(t, err)
	return v
}

func FuzzParseListing(f *testing.F) {
	f.Add(true, []byte(`{"name":"terraform","versions":{"1.5.7":{"version":"1.5.7","builds":[{"os":"linux","arch":"amd64","filename":"terraform_1.5.7_linux_amd64.zip"}]}}}`))
	f.Add(false, []byte(`{"versions":[{"id":"1.10.7","files":["tofu_1.10.7_linux_amd64.zip"]},{"id":"1.6.0-rc1"}]}`))
	f.Add(false, []byte(`{"versions":[{"id":"1.0.0","files":["tofu_1.0.0_a_b_c.zip","tofu_1.0.0_.zip"]}]}`))
	f.Fuzz(func(t *testing.T, hashicorp bool, data []byte) {
		p := tfversion.OpenTofu
		if hashicorp {
			p = tfversion.Terraform
		}
		rs, err := ParseListing(p, data)
		if err != nil {
			return
		}
		if len(rs) == 0 {
			t.Fatal("no release and no error")
		}
		for i, r := range rs {
			// Every version makes safe file names and URL path segments.
			files := ReleaseFiles(p, r.Version, Platform{OS: "linux", Arch: "amd64"})
			if strings.ContainsAny(files.Archive+ReleaseDir(p, r.Version), "/\\ ?#%") || strings.Contains(ReleaseDir(p, r.Version), "..") {
				t.Fatalf("unsafe name from version %q", r.Version)
			}
			if i > 0 && !rs[i-1].Version.GreaterThan(r.Version) {
				t.Fatalf("not sorted newest first, or duplicated: %s then %s", rs[i-1].Version, r.Version)
			}
		}
	})
}

func FuzzParseSums(f *testing.F) {
	f.Add([]byte(sha + "  tofu_1.10.7_linux_amd64.zip\n"))
	f.Add([]byte(sha + " *x.zip\r\n\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sums, err := ParseSums(data)
		if err != nil {
			return
		}
		for name := range sums {
			if name == "" || strings.ContainsAny(name, "/\\ \t\n") {
				t.Fatalf("unsafe file name %q accepted", name)
			}
		}
	})
}

func FuzzCheckSignature(f *testing.F) {
	keys, err := EmbeddedKeys()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("-----BEGIN PGP SIGNATURE-----\n\nwsBcBAABCAAQBQJl\n-----END PGP SIGNATURE-----\n"))
	f.Add([]byte{0x89, 0x01, 0xb3, 0x04, 0x00, 0x01, 0x08, 0x00})
	f.Fuzz(func(t *testing.T, sig []byte) {
		for _, list := range keys {
			if _, err := checkSignature(list, []byte("sums"), sig, nil); err == nil {
				t.Fatal("a fuzzed signature verified")
			}
		}
	})
}
