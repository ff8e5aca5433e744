package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// hostileValue would set the window title, clear the screen through the
// C1 form of CSI (U+009B, which JSON does not escape) and start a runner
// command on a line of its own.
const hostileValue = "a\x1b]0;pwned\x07b\u009b2J\u2028::error::x\x7f"

// hostileStore serves documents and a history whose keys, values, labels
// and authors carry terminal escapes, as a store anyone with write access
// to the parameters can fill.
type hostileStore struct {
	InventoryStore
}

func (hostileStore) doc(n int64) *inventory.Document {
	raw := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	return &inventory.Document{
		Schema: inventory.SchemaV1, Environment: "staging", Tier: "infrastructure",
		Commit:  "0123\x1b[2J",
		Created: time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC),
		Values: map[string]json.RawMessage{
			"evil":             raw(hostileValue + strings.Repeat("!", int(n))),
			"k\x1b[2J\u009bey": raw("v"),
		},
	}
}

func (s hostileStore) Get(context.Context, string) (*inventory.Document, inventory.Version, error) {
	return s.doc(2), inventory.Version{Number: 2}, nil
}

func (s hostileStore) GetVersion(_ context.Context, _ string, n int64) (*inventory.Document, inventory.Version, error) {
	return s.doc(n), inventory.Version{Number: n}, nil
}

func (hostileStore) History(context.Context, string) ([]inventory.Version, error) {
	return []inventory.Version{{Number: 1, Commit: "c\x1b]0;t\x07", Labels: []string{"l\u009b2J"}, ModifiedBy: "arn\x1b[31m\r"}}, nil
}

// TestInventoryOutputEscapesAreNeutralised prints a hostile stored
// inventory with get, diff and history, as text and as JSON: no escape
// sequence, C1 control, DEL, carriage return or line separator reaches the
// terminal, and the JSON still decodes to the stored value.
func TestInventoryOutputEscapesAreNeutralised(t *testing.T) {
	r := newRepo(t)
	for _, args := range [][]string{
		{"get"}, {"get", "--format", "json"},
		{"diff", "--from", "1", "--to", "2"}, {"diff", "--from", "1", "--to", "2", "--format", "json"},
		{"history"}, {"history", "--format", "json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(t.Context(), Deps{
				Args:   append([]string{"--chdir", r.Dir, "--platform", "local", "inventory", args[0], "--environment", "staging"}, args[1:]...),
				Stdout: &stdout, Stderr: &stderr,
				Getenv: func(string) string { return "" },
				Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
				NewStore: func(context.Context, *config.Config) (InventoryStore, error) {
					return hostileStore{}, nil
				},
			})
			require.Equal(t, ExitOK, code, stderr.String())
			out := stdout.String()
			for _, bad := range []string{"\x1b", "\x07", "\u009b", "\x7f", "\r", "\u2028"} {
				assert.NotContains(t, out, bad, "%q reaches the terminal:\n%s", bad, out)
			}
			if args[0] != "history" && strings.Contains(strings.Join(args, " "), "json") {
				assert.Contains(t, out, `\u009b2J\u2028::error::x\u007f`, "escaped, not dropped")
			}
			for _, line := range strings.Split(out, "\n") {
				assert.False(t, strings.HasPrefix(strings.TrimSpace(line), "::error::"), "a runner command line: %q", line)
			}
		})
	}
}
