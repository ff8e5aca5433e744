package release

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasBomb is a YAML mapping of a few kilobytes whose aliases nest
// levels deep, width to a level: it stands for width^levels strings.
func aliasBomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), width), ","))
	}
	return b.String()
}

// The files the release edits come from the commit being released; an
// alias bomb in one of them fails fast, as bad input, in every command.
func TestReleaseFileAliasBombFailsFast(t *testing.T) {
	for _, shape := range [][2]int{{9, 9}, {4, 60}, {3, 200}, {2, 2000}} {
		t.Run(fmt.Sprintf("%dx%d", shape[0], shape[1]), func(t *testing.T) {
			testAliasBomb(t, aliasBomb(shape[0], shape[1]))
		})
	}
}

func testAliasBomb(t *testing.T, bomb string) {
	action := "runs:\n  using: docker\n  image: Dockerfile\n" + bomb
	component := "spec:\n  inputs:\n    image-version:\n      default: \"1.2.3\"\n" + bomb
	for name, run := range map[string]func() error{
		"pin-action":   func() error { _, err := PinAction("action.yml", []byte(action), testImage, testDigest); return err },
		"check action": func() error { return CheckDevelopmentAction("action.yml", []byte(action)) },
		"prepare": func() error {
			_, err := SetComponentVersion("tierdeploy.yml", []byte(component), Version{1, 3, 0})
			return err
		},
		"check component": func() error { return CheckComponentVersion("tierdeploy.yml", []byte(component), Version{1, 2, 3}) },
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := run()
			require.ErrorIs(t, err, ErrInput)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Contains(t, err.Error(), "alias")
		})
	}
}

// Whatever a tag holds, `release env` prints exactly three lines of a
// version it parsed, so nothing it prints can add a variable to a dotenv
// report or GITHUB_OUTPUT, or run as a workflow command.
func TestEnvPrintsOnlyParsedValues(t *testing.T) {
	for _, tag := range []string{"v1.2.3\r\nRELEASE_ALIASES=latest", "v1.2.3\x00", "::set-output name=x::y", "##[add-mask]v1.2.3", "v1.2.3 --component x"} {
		code, out, stderr := runMain("env", tag)
		assert.Equal(t, ExitInput, code, tag)
		assert.Empty(t, out, tag)
		assert.NotContains(t, stderr, "\r\n", tag)
	}
	// Released tags that do not parse are left out (a line end around a
	// tag, as git prints them, is not part of it).
	code, out, _ := runMain("env", "v1.2.3", "v9.9.9\nRELEASE_TAG=v0.0.0", "##[add-mask]x", "v1.2.2\r")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "RELEASE_TAG=v1.2.3\nRELEASE_VERSION=1.2.3\nRELEASE_ALIASES=1.2 1 latest\n", out)
}
