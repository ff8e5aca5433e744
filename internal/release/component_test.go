package release

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const devComponent = `spec:
  inputs:
    image:
      default: registry.gitlab.com/tierdeploy/tierdeploy
    image-version:
      description: The tag of the image.
      default: "1.2.3"   # set by: go run ./cmd/release prepare
---
job:
  image: $[[ inputs.image ]]:$[[ inputs.image-version ]]
  variables:
    default: "1.2.3"
`

func TestSetComponentVersion(t *testing.T) {
	v := Version{1, 3, 0}
	out, err := SetComponentVersion("c.yml", []byte(devComponent), v)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(devComponent, `default: "1.2.3"   #`, `default: "1.3.0"   #`, 1), string(out))
	got, err := ComponentVersion("c.yml", out)
	require.NoError(t, err)
	assert.Equal(t, "1.3.0", got)
	require.NoError(t, CheckComponentVersion("c.yml", out, v))

	err = CheckComponentVersion("c.yml", []byte(devComponent), v)
	require.ErrorIs(t, err, ErrInput)
	assert.Contains(t, err.Error(), "go run ./cmd/release prepare 1.3.0")

	same, err := SetComponentVersion("c.yml", out, v)
	require.NoError(t, err)
	assert.Equal(t, string(out), string(same))
}

func TestSetComponentVersionRefuses(t *testing.T) {
	for name, src := range map[string]string{
		"no input":     "spec:\n  inputs:\n    image:\n      default: x\n---\njob: {}\n",
		"block scalar": "spec:\n  inputs:\n    image-version:\n      default: |\n        1.2.3\n---\njob: {}\n",
		"broken":       "spec: [\n",
	} {
		_, err := SetComponentVersion("c.yml", []byte(src), Version{1, 0, 0})
		require.ErrorIs(t, err, ErrInput, name)
	}
}
