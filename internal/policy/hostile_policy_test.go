package policy

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasBomb is a YAML document of a few kilobytes whose aliases nest
// levels deep, width to a level: it stands for width^levels strings.
func aliasBomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), width), ","))
	}
	return b.String()
}

// A policy data file is repository content a pull request can change: a
// YAML alias bomb there fails Load (and Test) fast, as bad input naming the
// file, in bounded memory, as it does in tierdeploy.yaml and values files.
func TestPolicyDataAliasBombFailsFast(t *testing.T) {
	for _, shape := range [][2]int{{9, 9}, {4, 60}, {3, 200}, {2, 2000}} {
		t.Run(fmt.Sprintf("%dx%d", shape[0], shape[1]), func(t *testing.T) {
			testAliasBomb(t, aliasBomb(shape[0], shape[1]))
		})
	}
}

func testAliasBomb(t *testing.T, bomb string) {
	root := repo(t, map[string]string{
		"policy/deny.rego": "package main\n\ndeny contains msg if { msg := data.policy.bomb.a1[0] }\n",
		"policy/bomb.yaml": bomb,
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Load(t.Context(), Options{Root: root, Dirs: []string{"policy"}})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid), "%v", err)
	assert.Contains(t, err.Error(), "policy/bomb.yaml")
	assert.Less(t, took, 2*time.Second)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated")
}

// What a policy test prints (print, or the data a fixture holds) and its
// error are shown on a terminal by test-policies: an escape sequence there
// cannot set the title, write the clipboard or hide the FAIL lines above.
func TestPolicyTestOutputCannotDriveTheTerminal(t *testing.T) {
	root := repo(t, map[string]string{
		"policy/deny.rego": "package main\n\ndeny contains msg if { input.x; msg := \"x\" }\n",
		"policy/deny_test.rego": "package main_test\n\nimport data.main\n\n" +
			"test_prints if {\n\tprint(\"\\u001b]0;pwned\\u0007\\u001b]52;c;cm0K\\u0007\\u001b[3A\\u001b[2K\\u009b2A\\rall passed\")\n\tfalse\n}\n",
	})
	rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"policy"}})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Count(TestFail), "%+v", rep)
	for _, verbose := range []bool{false, true} {
		text := rep.Text(verbose)
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\r"} {
			assert.NotContains(t, text, bad)
		}
		assert.Contains(t, text, "FAIL")
		assert.Contains(t, text, "all passed", "what was printed is still shown")
	}
}
