package inventory_test

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

func FuzzParseLease(f *testing.F) {
	f.Add([]byte(`{"holder":"GitHub run 1","token":"ABC","acquired":"2026-06-01T12:00:00Z","expires":"2026-06-01T12:03:00Z"}`))
	f.Add([]byte(`{"holder":"a\n::stop-commands::x","token":"t","expires":"2026-06-01T12:03:00+02:00"}`))
	f.Add([]byte(`{"holder":"","token":"t","expires":"2026-06-01T12:03:00Z"}`))
	f.Add([]byte(`{"holder":"h","token":"t","expires":"0001-01-01T00:00:00Z"}`))
	f.Add([]byte(`garbage`))
	f.Add([]byte(`{"holder":"\ud800","token":"t","expires":"9999-12-31T23:59:59Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := inventory.ParseLease(data)
		if err != nil {
			return
		}
		if l.Holder == "" || l.Token == "" || l.Expires.IsZero() {
			t.Fatalf("accepted a lease without holder, token or expiry: %q", data)
		}
		again, err := inventory.ParseLease(l.Marshal())
		if err != nil {
			t.Fatalf("a parsed lease does not parse again: %v", err)
		}
		if again.Holder != l.Holder || again.Token != l.Token || !again.Expires.Equal(l.Expires) {
			t.Fatalf("round trip changed the lease: %+v != %+v", again, l)
		}
		for _, msg := range []string{l.Held("/lock").Error(),
			(&inventory.LostError{Lock: "/lock", Holder: l.Holder}).Error()} {
			if strings.ContainsFunc(msg, unicode.IsControl) {
				t.Fatalf("a control character of the holder reaches the message: %q", msg)
			}
		}
	})
}

// TestHostileLock: anyone who can write the lock chooses what it holds. A
// holder's name cannot forge a line of the CI log, and a huge lock is not
// read as a lease.
func TestHostileLock(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	holder := "run B\n::stop-commands::pwned\r\n::error::fake\x1b[31m" + strings.Repeat("x", 1000)
	for _, msg := range []string{
		(&inventory.HeldError{Lock: "/lock", Holder: holder, Since: at, Expires: at}).Error(),
		(&inventory.LostError{Lock: "/lock", Holder: holder, Since: at}).Error(),
	} {
		assert.NotContains(t, msg, "\n")
		assert.NotContains(t, msg, "\r")
		assert.NotContains(t, msg, "\x1b")
		assert.Contains(t, msg, "run B?::stop-commands::pwned??::error::fake?[31mxxx")
		assert.Less(t, len(msg), 500, "the name is cut")
		assert.Contains(t, msg, "x...")
	}

	big := `{"holder":"h","token":"t","expires":"2026-06-01T12:03:00Z","pad":"` + strings.Repeat("x", 5000) + `"}`
	_, err := inventory.ParseLease([]byte(big))
	require.ErrorContains(t, err, "parse lease: 5068 bytes, more than a lease takes (4096)")
}
