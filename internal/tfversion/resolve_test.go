package tfversion

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

const stage = "terraform/envs/prod"

func TestResolve(t *testing.T) {
	config := Source{File: "tierdeploy.yaml", Line: 12}
	tests := map[string]struct {
		fsys   fstest.MapFS
		in     Input
		want   Request
		wantOK func(t *testing.T, r Request)
	}{
		"config version wins over every file": {
			fsys: fstest.MapFS{
				stage + "/.opentofu-version": file("1.9.0\n"),
				".tool-versions":             file("opentofu 1.8.0\n"),
				stage + "/versions.tf":       file(`terraform { required_version = "~> 1.7.0" }`),
			},
			in:   Input{Dir: stage, Version: "~> 1.10.0", VersionAt: config, Binary: "tofu"},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromConfig, File: "tierdeploy.yaml", Line: 12}},
		},
		"config exact version": {
			fsys: fstest.MapFS{stage + "/main.tf": file("")},
			in:   Input{Dir: stage, Version: "1.5.7", VersionAt: config, Binary: "terraform"},
			want: Request{Product: Terraform, Source: Source{Origin: FromConfig, File: "tierdeploy.yaml", Line: 12}},
			wantOK: func(t *testing.T, r Request) {
				require.Equal(t, "1.5.7", r.Want.Exact.String())
			},
		},
		"opentofu version file in the stage directory": {
			fsys: fstest.MapFS{
				stage + "/.opentofu-version": file("# pinned for the state\n\n1.10.7\n"),
				".opentofu-version":          file("1.9.0\n"),
			},
			in:   Input{Dir: stage},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromVersionFile, File: stage + "/.opentofu-version", Line: 3}},
		},
		"terraform version file in a parent names the product": {
			fsys: fstest.MapFS{"terraform/.terraform-version": file("v1.9.8 # state written by 1.9\n")},
			in:   Input{Dir: stage, DefaultProduct: OpenTofu},
			want: Request{Product: Terraform, Source: Source{Origin: FromVersionFile, File: "terraform/.terraform-version", Line: 1}},
			wantOK: func(t *testing.T, r Request) {
				require.Equal(t, "1.9.8", r.Want.Exact.String())
			},
		},
		"nearest version file wins": {
			fsys: fstest.MapFS{
				"terraform/envs/.terraform-version": file("1.9.8\n"),
				".opentofu-version":                 file("1.10.7\n"),
			},
			in:   Input{Dir: stage},
			want: Request{Product: Terraform, Source: Source{Origin: FromVersionFile, File: "terraform/envs/.terraform-version", Line: 1}},
		},
		"both files in one directory: opentofu first": {
			fsys: fstest.MapFS{
				stage + "/.terraform-version": file("1.9.8\n"),
				stage + "/.opentofu-version":  file("1.10.7\n"),
			},
			in:   Input{Dir: stage},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromVersionFile, File: stage + "/.opentofu-version", Line: 1}},
		},
		"binary setting ignores the other product's file": {
			fsys: fstest.MapFS{
				stage + "/.terraform-version": file("1.5.7\n"),
				".opentofu-version":           file("1.10.7\n"),
			},
			in:   Input{Dir: stage, Binary: "tofu"},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromVersionFile, File: ".opentofu-version", Line: 1}},
		},
		"tool-versions at the root": {
			fsys: fstest.MapFS{
				".tool-versions": file("golang 1.26.0\n# infrastructure\nopentofu 1.10.6 1.10.5\nterraform 1.9.8\n"),
			},
			in:   Input{Dir: stage},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromToolVersions, File: ".tool-versions", Line: 3}},
			wantOK: func(t *testing.T, r Request) {
				require.Equal(t, "1.10.6", r.Want.Raw)
			},
		},
		"tool-versions with the product fixed": {
			fsys: fstest.MapFS{".tool-versions": file("opentofu 1.10.6\nterraform 1.9.8\n")},
			in:   Input{Dir: stage, Binary: "terraform"},
			want: Request{Product: Terraform, Source: Source{Origin: FromToolVersions, File: ".tool-versions", Line: 2}},
		},
		"tool-versions system means PATH": {
			fsys: fstest.MapFS{".tool-versions": file("terraform system\n")},
			in:   Input{Dir: stage, DefaultProduct: OpenTofu},
			want: Request{Product: Terraform, Source: Source{Origin: FromToolVersions, File: ".tool-versions", Line: 1}},
			wantOK: func(t *testing.T, r Request) {
				require.True(t, r.Want.IsZero())
			},
		},
		"version files come before tool-versions nearer the stage": {
			fsys: fstest.MapFS{
				stage + "/.tool-versions": file("opentofu 1.8.0\n"),
				".opentofu-version":       file("1.10.7\n"),
			},
			in:   Input{Dir: stage},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromVersionFile, File: ".opentofu-version", Line: 1}},
		},
		"required_version from HCL and JSON, all of them": {
			fsys: fstest.MapFS{
				stage + "/main.tf":           file("resource \"terraform_data\" \"x\" {}\n"),
				stage + "/versions.tf":       file("terraform {\n  required_version = \"~> 1.10.0\"\n  backend \"local\" {}\n}\n"),
				stage + "/extra.tf.json":     file(`{"terraform": {"required_version": ">= 1.10.2"}}`),
				stage + "/modules/m/x.tf":    file(`terraform { required_version = "< 0.1" }`),
				"terraform/envs/versions.tf": file(`terraform { required_version = "< 0.1" }`),
			},
			in:   Input{Dir: stage},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromRequiredVersion, File: stage + "/extra.tf.json", Line: 1}, Also: []Source{{Origin: FromRequiredVersion, File: stage + "/versions.tf", Line: 2}}},
			wantOK: func(t *testing.T, r Request) {
				require.Equal(t, ">= 1.10.2, ~> 1.10.0", r.Want.Raw)
				require.Nil(t, r.Want.Exact)
				require.True(t, r.Want.Allows(mustVersion(t, "1.10.7")))
				require.False(t, r.Want.Allows(mustVersion(t, "1.10.1")))
				require.False(t, r.Want.Allows(mustVersion(t, "1.11.0")))
			},
		},
		"a .tofu file replaces the .tf file of the same name for OpenTofu": {
			fsys: fstest.MapFS{
				stage + "/versions.tf":   file(`terraform { required_version = "~> 1.9.0" }`),
				stage + "/versions.tofu": file(`terraform { required_version = "~> 1.10.0" }`),
			},
			in:   Input{Dir: stage, Binary: "tofu"},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromRequiredVersion, File: stage + "/versions.tofu", Line: 1}},
		},
		"terraform reads no .tofu file": {
			fsys: fstest.MapFS{
				stage + "/versions.tf":   file(`terraform { required_version = "~> 1.9.0" }`),
				stage + "/versions.tofu": file(`terraform { required_version = "~> 1.10.0" }`),
			},
			in:   Input{Dir: stage, Binary: "terraform"},
			want: Request{Product: Terraform, Source: Source{Origin: FromRequiredVersion, File: stage + "/versions.tf", Line: 1}},
		},
		"nothing asks: PATH": {
			fsys: fstest.MapFS{stage + "/main.tf": file("terraform {\n  backend \"local\" {}\n}\n")},
			in:   Input{Dir: stage, DefaultProduct: Terraform},
			want: Request{Product: Terraform, Source: Source{Origin: FromPath}},
		},
		"missing stage directory: PATH": {
			fsys: fstest.MapFS{},
			in:   Input{Dir: stage},
			want: Request{Product: OpenTofu, Source: Source{Origin: FromPath}},
		},
		"binary path is used as it is": {
			fsys: fstest.MapFS{".opentofu-version": file("1.10.7\n")},
			in:   Input{Dir: stage, Binary: "/opt/tofu-1.10/tofu", BinaryAt: Source{File: "tierdeploy.yaml", Line: 3}},
			want: Request{Product: OpenTofu, Binary: "/opt/tofu-1.10/tofu", Source: Source{Origin: FromBinarySetting, File: "tierdeploy.yaml", Line: 3}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Resolve(tt.fsys, tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want.Product, got.Product)
			require.Equal(t, tt.want.Source, got.Source)
			require.Equal(t, tt.want.Also, got.Also)
			require.Equal(t, tt.want.Binary, got.Binary)
			if tt.wantOK != nil {
				tt.wantOK(t, got)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := map[string]struct {
		fsys fstest.MapFS
		in   Input
		want string
	}{
		"bad config version": {
			in:   Input{Dir: stage, Version: "1.10", VersionAt: Source{File: "tierdeploy.yaml", Line: 9}},
			want: `tierdeploy.yaml:9: terraform.version "1.10" names no single release: write 1.10.0 for that release, or ~> 1.10.0 for the newest of the series`,
		},
		"version with a binary path": {
			in:   Input{Dir: stage, Version: "1.10.7", VersionAt: Source{File: "tierdeploy.yaml", Line: 9}, Binary: "./bin/tofu"},
			want: "tierdeploy.yaml:9: terraform.version is set, but terraform.binary names a file to run as it is: remove one of them",
		},
		"garbage version file": {
			fsys: fstest.MapFS{stage + "/.opentofu-version": file("\n\nlatest-allowed\n")},
			in:   Input{Dir: stage},
			want: `terraform/envs/prod/.opentofu-version:3: "latest-allowed" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`,
		},
		"empty version file": {
			fsys: fstest.MapFS{".terraform-version": file("# nothing\n")},
			in:   Input{Dir: stage},
			want: ".terraform-version: holds no version: write one such as 1.10.7",
		},
		"tool-versions without a version": {
			fsys: fstest.MapFS{".tool-versions": file("opentofu\n")},
			in:   Input{Dir: stage},
			want: ".tool-versions:1: opentofu has no version: write one such as opentofu 1.10.7",
		},
		"tool-versions ref": {
			fsys: fstest.MapFS{".tool-versions": file("terraform ref:main\n")},
			in:   Input{Dir: stage},
			want: `.tool-versions:1: terraform "ref:main": tierdeploy installs released versions only; write a version such as 1.10.7`,
		},
		"required_version from a variable": {
			fsys: fstest.MapFS{stage + "/versions.tf": file("terraform {\n  required_version = var.v\n}\n")},
			in:   Input{Dir: stage},
			want: `terraform/envs/prod/versions.tf:2: required_version must be a literal string such as "~> 1.10.0"`,
		},
		"required_version not a constraint": {
			fsys: fstest.MapFS{stage + "/versions.tf": file("terraform {\n  required_version = \"one point ten\"\n}\n")},
			in:   Input{Dir: stage},
			want: `terraform/envs/prod/versions.tf:2: required_version "one point ten" is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)`,
		},
		"broken HCL": {
			fsys: fstest.MapFS{stage + "/main.tf": file("terraform {\n  required_version = \"~> 1.10.0\"\n")},
			in:   Input{Dir: stage},
			want: "terraform/envs/prod/main.tf:1: Unclosed configuration block",
		},
		"version file that is a directory": {
			fsys: fstest.MapFS{stage + "/.opentofu-version/x": file("1")},
			in:   Input{Dir: stage},
			want: "terraform/envs/prod/.opentofu-version: is a directory, not a file",
		},
		"huge version file": {
			fsys: fstest.MapFS{".opentofu-version": file(strings.Repeat("1", maxFile+1))},
			in:   Input{Dir: stage},
			want: ".opentofu-version: is larger than 4 MiB",
		},
		"stage outside the repository": {
			in:   Input{Dir: "../elsewhere"},
			want: `stage directory "../elsewhere" is not a path inside the repository`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := tt.fsys
			if fsys == nil {
				fsys = fstest.MapFS{}
			}
			_, err := Resolve(fsys, tt.in)
			require.Error(t, err)
			require.Equal(t, tt.want, err.Error())
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

// A repository file is hostile: a version file that is a symbolic link out
// of the repository is not read, and what it points at does not reach the
// error; a secret or a runner command in a version file is quoted, cut and
// kept on one line.
func TestResolveHostileFiles(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	require.NoError(t, os.WriteFile(secret, []byte("SECRET-MARKER-0xdeadbeef\n"), 0o600))

	repo := t.TempDir()
	dir := filepath.Join(repo, filepath.FromSlash(stage))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, ".opentofu-version")))

	root, err := os.OpenRoot(repo)
	require.NoError(t, err)
	defer root.Close()
	_, err = Resolve(root.FS(), Input{Dir: stage})
	require.Error(t, err)
	var fe *FileError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, stage+"/.opentofu-version", fe.File)
	require.NotContains(t, err.Error(), "SECRET-MARKER")

	// A link inside the repository is fine.
	require.NoError(t, os.Remove(filepath.Join(dir, ".opentofu-version")))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "pinned"), []byte("1.10.7\n"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join("..", "..", "..", "pinned"), filepath.Join(dir, ".opentofu-version")))
	r, err := Resolve(root.FS(), Input{Dir: stage})
	require.NoError(t, err)
	require.Equal(t, "1.10.7", r.Want.Exact.String())

	// Content that reaches an error is quoted, cut and on one line.
	hostile := "::add-mask::x\n" // a runner command on its own line would be read by the runner
	long := "~> 1.10.0 " + strings.Repeat("A", 200) + " TOKEN-MARKER"
	for _, content := range []string{"::warning::" + long, hostile + "more"} {
		_, err = Resolve(fstest.MapFS{".opentofu-version": file(content)}, Input{Dir: stage})
		require.Error(t, err)
		require.NotContains(t, err.Error(), "\n")
		require.NotContains(t, err.Error(), "TOKEN-MARKER")
		require.False(t, strings.HasPrefix(err.Error(), "::"))
	}
}

func TestRequestStrings(t *testing.T) {
	w, err := ParseWant("~> 1.10.0")
	require.NoError(t, err)
	r := Request{Product: OpenTofu, Want: w,
		Source: Source{Origin: FromRequiredVersion, File: "infra/versions.tf", Line: 3},
		Also:   []Source{{Origin: FromRequiredVersion, File: "infra/x.tf.json", Line: 1}}}
	require.Equal(t, "OpenTofu ~> 1.10.0 from infra/versions.tf:3 (required_version), infra/x.tf.json:1 (required_version)", r.String())
	require.Equal(t, "Terraform on PATH (no version set)", Request{Product: Terraform, Source: Source{Origin: FromPath}}.String())
	require.Equal(t, ".opentofu-version:1", Source{Origin: FromVersionFile, File: ".opentofu-version", Line: 1}.String())
	require.Equal(t, "tierdeploy.yaml:4 (terraform.version)", Source{Origin: FromConfig, File: "tierdeploy.yaml", Line: 4}.String())
	require.Equal(t, "OpenTofu at /opt/tofu from tierdeploy.yaml:2 (terraform.binary)",
		Request{Product: OpenTofu, Binary: "/opt/tofu", Source: Source{Origin: FromBinarySetting, File: "tierdeploy.yaml", Line: 2}}.String())
}

func TestDefaultProduct(t *testing.T) {
	found := func(names ...string) func(string) (string, error) {
		return func(n string) (string, error) {
			for _, f := range names {
				if f == n {
					return "/usr/bin/" + n, nil
				}
			}
			return "", os.ErrNotExist
		}
	}
	require.Equal(t, OpenTofu, DefaultProduct(found("tofu", "terraform")))
	require.Equal(t, Terraform, DefaultProduct(found("terraform")))
	require.Equal(t, OpenTofu, DefaultProduct(found()))
}

// TestFilesWithoutTheSettingAreNotParsed: a root module's files that do not
// name required_version are not parsed (a module of thousands of resources
// costs nothing to resolve), so a syntax error there is left to OpenTofu or
// Terraform, and the binary on PATH is chosen.
func TestFilesWithoutTheSettingAreNotParsed(t *testing.T) {
	fsys := fstest.MapFS{
		stage + "/main.tf":     file("resource \"terraform_data\" \"x\" {\n"),
		stage + "/outputs.tf":  file("output \"a\" { value = 1 }\n"),
		stage + "/versions.tf": file("terraform {\n  required_version = \">= 1.9\"\n}\n"),
	}
	r, err := Resolve(fsys, Input{Dir: stage})
	require.NoError(t, err)
	assert.Equal(t, FromRequiredVersion, r.Source.Origin)
	assert.Equal(t, stage+"/versions.tf", r.Source.File)

	delete(fsys, stage+"/versions.tf")
	r, err = Resolve(fsys, Input{Dir: stage})
	require.NoError(t, err)
	assert.Equal(t, FromPath, r.Source.Origin)
}
