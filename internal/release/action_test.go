package release

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testImage  = "ghcr.io/tierdeploy/tierdeploy"
	testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	testPinned = "docker://" + testImage + "@" + testDigest
)

// devAction is an action.yml in its development form, with the shapes the
// edit must keep: comments, quoting, expressions, an image line with a
// trailing comment.
const devAction = `# A comment that names image: Dockerfile, which must stay.
name: x
inputs:
  image:
    description: "an input named image, which is not runs.image"
    default: Dockerfile
outputs:
  y:
    description: >-
      folded
      text
runs:
  using: docker
  image: Dockerfile   # built on the runner
  args:
    - ${{ inputs.image }}
`

func TestPinAction(t *testing.T) {
	out, err := PinAction("action.yml", []byte(devAction), testImage, testDigest)
	require.NoError(t, err)
	want := strings.Replace(devAction, "  image: Dockerfile   #", "  image: "+testPinned+"   #", 1)
	assert.Equal(t, want, string(out))

	// Pinning again to the same image is a no-op; to another is refused.
	again, err := PinAction("action.yml", out, testImage, testDigest)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(again))
	_, err = PinAction("action.yml", out, testImage, "sha256:"+strings.Repeat("f", 64))
	var ferr *FileError
	require.ErrorAs(t, err, &ferr)
	assert.Contains(t, err.Error(), "development form")
}

func TestPinActionQuotedImage(t *testing.T) {
	for _, line := range []string{`  image: "Dockerfile"`, `  image: 'Dockerfile'`} {
		src := "runs:\n  using: 'docker'\n" + line + "\n"
		out, err := PinAction("action.yml", []byte(src), testImage, testDigest)
		require.NoError(t, err, line)
		assert.Equal(t, "runs:\n  using: 'docker'\n  image: "+testPinned+"\n", string(out))
	}
}

func TestPinActionRefuses(t *testing.T) {
	tests := []struct {
		name, src, image, digest, want string
	}{
		{"composite action", "runs:\n  using: composite\n  steps: []\n", testImage, testDigest, "not docker"},
		{"no runs.image", "runs:\n  using: docker\n", testImage, testDigest, "no runs.image"},
		{"another image", "runs:\n  using: docker\n  image: docker://alpine:3\n", testImage, testDigest, "development form"},
		{"flow mapping", "runs: {using: docker, image: Dockerfile}\n", testImage, testDigest, "one-line scalar"},
		{"block scalar", "runs:\n  using: docker\n  image: >-\n    Dockerfile\n", testImage, testDigest, "one-line scalar"},
		{"not YAML", "runs: [\n", testImage, testDigest, "not valid YAML"},
		{"two documents", "runs:\n  using: docker\n  image: Dockerfile\n---\na: b\n", testImage, testDigest, "one YAML document"},
		{"empty", "", testImage, testDigest, "empty"},
		{"image with a tag", devAction, testImage + ":1.2.3", testDigest, "without tag or digest"},
		{"image with a digest", devAction, testImage + "@" + testDigest, testDigest, "without tag or digest"},
		{"upper-case path", devAction, "ghcr.io/TierDeploy/tierdeploy", testDigest, "without tag or digest"},
		{"scheme", devAction, "docker://" + testImage, testDigest, "without tag or digest"},
		{"new line", devAction, testImage + "\n  using: node20", testDigest, "without tag or digest"},
		{"comment", devAction, testImage + " #", testDigest, "without tag or digest"},
		{"empty image", devAction, "", testDigest, "without tag or digest"},
		{"too long", devAction, "ghcr.io/" + strings.Repeat("a", 250), testDigest, "without tag or digest"},
		{"short digest", devAction, testImage, "sha256:abc", "64 lower-case hex"},
		{"upper-case digest", devAction, testImage, "sha256:" + strings.Repeat("A", 64), "64 lower-case hex"},
		{"sha512 digest", devAction, testImage, "sha512:" + strings.Repeat("a", 128), "64 lower-case hex"},
		{"digest with a line", devAction, testImage, testDigest + "\nrm: -rf", "64 lower-case hex"},
		{"empty digest", devAction, testImage, "", "64 lower-case hex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := PinAction("action.yml", []byte(tt.src), tt.image, tt.digest)
			require.ErrorIs(t, err, ErrInput)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, out)
		})
	}
}

func TestPinnedImage(t *testing.T) {
	for _, image := range []string{
		"ghcr.io/tierdeploy/tierdeploy", "registry.gitlab.com/tierdeploy/tierdeploy", "localhost:5000/td",
		"tierdeploy/tierdeploy", "alpine", "ghcr.io/a/b/c-d_e.f__g", "registry-1.example.com:443/x",
	} {
		got, err := PinnedImage(image, testDigest)
		require.NoError(t, err, image)
		assert.Equal(t, "docker://"+image+"@"+testDigest, got)
	}
}

func TestCheckDevelopmentAction(t *testing.T) {
	require.NoError(t, CheckDevelopmentAction("action.yml", []byte(devAction)))
	pinned, err := PinAction("action.yml", []byte(devAction), testImage, testDigest)
	require.NoError(t, err)
	err = CheckDevelopmentAction("action.yml", pinned)
	require.ErrorIs(t, err, ErrInput)
	assert.Contains(t, err.Error(), testPinned)
}

// FuzzPinAction: whatever the file, PinAction never panics, and what it
// returns differs from the input in runs.image only.
func FuzzPinAction(f *testing.F) {
	f.Add(devAction)
	f.Add("runs:\n  using: docker\n  image: \"Dockerfile\"\n")
	f.Add("runs: {using: docker, image: Dockerfile}\n")
	f.Add("runs:\n  using: docker\n  image: Dockerfile\n  image: Dockerfile\n")
	f.Add("a: &x\n  using: docker\n  image: Dockerfile\nruns: *x\n")
	f.Fuzz(func(t *testing.T, src string) {
		out, err := PinAction("action.yml", []byte(src), testImage, testDigest)
		if err != nil {
			return
		}
		_, orig, err := documents("action.yml", []byte(src))
		if err != nil {
			t.Fatalf("PinAction accepted a file it cannot read: %v", err)
		}
		if string(out) == src {
			return // already pinned
		}
		if err := checkEdit("action.yml", orig, out, 0, testPinned, "runs", "image"); err != nil {
			t.Fatalf("the result differs in more than runs.image: %v\n%s", err, out)
		}
	})
}
