package redact

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeChunks writes in through a Writer in pieces of the given size and
// returns what reached the underlying writer.
func writeChunks(t testing.TB, m *Masker, in string, size int) string {
	var out bytes.Buffer
	w := NewWriter(&out, m)
	for i := 0; i < len(in); i += size {
		n, err := w.Write([]byte(in[i:min(i+size, len(in))]))
		require.NoError(t, err)
		require.Equal(t, min(size, len(in)-i), n)
	}
	require.NoError(t, w.Close())
	return out.String()
}

func TestWriter(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
	}{
		{name: "secret split across writes", secrets: []string{"hunter2-secret"}, in: "a hunter2-secret b\nc hunter2-secret\n"},
		{name: "no trailing newline", secrets: []string{"hunter2-secret"}, in: "x\ny hunter2-secret"},
		{name: "multi-line secret", secrets: []string{"line-one\nline-two\nline-three"}, in: "k:\nline-one\nline-two\nline-three\nend\n"},
		{name: "long line without newline", secrets: []string{"needle-secret"}, in: strings.Repeat("hay ", 40000) + "needle-secret" + strings.Repeat(" hay", 40000)},
		{name: "no secrets", in: "plain\ntext\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(tt.secrets...)
			want := m.String(tt.in)
			for _, size := range []int{1, 2, 3, 7, 64, 4096, len(tt.in)} {
				assert.Equal(t, want, writeChunks(t, m, tt.in, size), "chunk size %d", size)
			}
		})
	}
}

func TestWriterWritesCompleteLinesAtOnce(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, New("secret-value"))
	_, err := w.Write([]byte("first secret-value\nsecond sec"))
	require.NoError(t, err)
	assert.Equal(t, "first ***\n", out.String())
	_, err = w.Write([]byte("ret-value\n"))
	require.NoError(t, err)
	assert.Equal(t, "first ***\nsecond ***\n", out.String())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsErrors(t *testing.T) {
	w := NewWriter(failingWriter{}, New("secret-value"))
	_, err := w.Write([]byte("line\n"))
	assert.EqualError(t, err, "disk full")
}

func TestWriterConcurrentWrites(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, New("secret-value"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				_, err := w.Write([]byte("a secret-value line\n"))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, w.Close())
	assert.Equal(t, strings.Repeat("a *** line\n", 400), out.String())
}

func FuzzWriter(f *testing.F) {
	f.Add("a secret b\nsecret\n", "secret", "cret\nb", uint8(3))
	f.Add("xxabcdyy\n", "xxabcd", "abcdyy", uint8(1))
	f.Fuzz(func(t *testing.T, in, s1, s2 string, size uint8) {
		m := New(s1, s2)
		want := m.String(in)
		got := writeChunks(t, m, in, int(size)+1)
		if got != want {
			t.Fatalf("writer %q, String %q", got, want)
		}
		for _, s := range []string{s1, s2} {
			if len(s) >= MinLen && strings.Contains(want, s) {
				t.Fatalf("secret %q left in %q", s, want)
			}
		}
	})
}
