package redact

import (
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{
			name: "no secrets",
			in:   "password = hunter2",
			want: "password = hunter2",
		},
		{
			name:    "one secret, twice",
			secrets: []string{"hunter2"},
			in:      "a=hunter2 b=hunter2",
			want:    "a=*** b=***",
		},
		{
			name:    "empty and short values are not masked",
			secrets: []string{"", "abc", "443"},
			in:      "abc on port 443",
			want:    "abc on port 443",
		},
		{
			name:    "a secret inside a longer one masks the longer one whole",
			secrets: []string{"pass", "password123"},
			in:      "x password123 y pass z",
			want:    "x *** y *** z",
		},
		{
			name:    "partly overlapping secrets mask both whole",
			secrets: []string{"xxabcd", "abcdyy"},
			in:      "1 xxabcdyy 2",
			want:    "1 *** 2",
		},
		{
			name:    "adjacent secrets stay apart",
			secrets: []string{"abcd"},
			in:      "abcdabcd",
			want:    "******",
		},
		{
			name:    "JSON-escaped form",
			secrets: []string{`p"a\ss<w>`},
			in:      `{"password":"p\"a\\ss\u003cw\u003e"} or {"password":"p\"a\\ss<w>"}`,
			want:    `{"password":"***"} or {"password":"***"}`,
		},
		{
			name:    "base64 form, as in Kubernetes Secret data",
			secrets: []string{"s3cr3t-value"},
			in:      "data:\n  password: " + base64.StdEncoding.EncodeToString([]byte("s3cr3t-value")) + "\n",
			want:    "data:\n  password: ***\n",
		},
		{
			name:    "multi-line secret whole and line by line",
			secrets: []string{"-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----"},
			in:      "key = <<EOT\n-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----\nEOT\n      MIIEvQIBADANBg\n",
			want:    "key = <<EOT\n***\nEOT\n      ***\n",
		},
		{
			name:    "multibyte text around a secret",
			secrets: []string{"密码密码"},
			in:      "é 密码密码 ü",
			want:    "é *** ü",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(tt.secrets...)
			assert.Equal(t, tt.want, m.String(tt.in))
		})
	}
}

func TestTooShort(t *testing.T) {
	m := New("", "a", "ab", "ab", "abcd", "xyz")
	assert.Equal(t, 3, m.TooShort())
	assert.Equal(t, 0, (*Masker)(nil).TooShort())
}

func TestNilMasker(t *testing.T) {
	var m *Masker
	assert.Equal(t, "x", m.String("x"))
	assert.False(t, m.Contains("x"))
	assert.Equal(t, "abcd", (&Masker{}).String("abcd"))
}

func TestStringReturnsInputWhenClean(t *testing.T) {
	m := New("secret-value")
	in := strings.Repeat("nothing to see here\n", 100)
	allocs := testing.AllocsPerRun(10, func() { _ = m.String(in) })
	assert.Zero(t, allocs)
}

func TestConcurrentUse(t *testing.T) {
	m := New("secret-1", "secret-2")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				got := m.String(fmt.Sprintf("%d secret-1 secret-2", i))
				if got != fmt.Sprintf("%d *** ***", i) {
					t.Errorf("got %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkString masks a 1 MB log holding 100 secrets.
func BenchmarkString(b *testing.B) {
	secrets := make([]string, 100)
	for i := range secrets {
		secrets[i] = fmt.Sprintf("tok-%04d-%s", i, strings.Repeat("x", 20+i%20))
	}
	m := New(secrets...)
	var log strings.Builder
	for i := 0; log.Len() < 1<<20; i++ {
		fmt.Fprintf(&log, "2026-01-02T03:04:05Z module.app.aws_instance.web[%d]: Still creating... [%ds elapsed]\n", i, i%60)
		if i%50 == 0 {
			fmt.Fprintf(&log, "  + password = %q\n", secrets[i%len(secrets)])
		}
	}
	in := log.String()
	require.True(b, m.Contains(in))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		_ = m.String(in)
	}
}
