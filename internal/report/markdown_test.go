package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSanitize(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"clean text unchanged":  {"a\tb\nc", "a\tb\nc"},
		"CRLF and lone CR":      {"a\r\nb\rc", "a\nb\nc"},
		"terminal colours gone": {"\x1b[31mred\x1b[0m", "red"},
		"control characters":    {"a\x00b\x07c\x7f", "a\uFFFDb\uFFFDc\uFFFD"},
		"invalid UTF-8":         {"a\xffb", "a\uFFFDb"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, sanitize(tt.in))
		})
	}
}

func TestCode(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"plain":              {"a.b", "`a.b`"},
		"empty":              {"", ""},
		"backticks inside":   {"a`b``c", "```a`b``c```"},
		"backtick at an end": {"`a", "`` `a ``"},
		"newlines":           {"a\nb", "`a b`"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, code(tt.in))
		})
	}
	assert.Equal(t, "`a\\|b`", cellCode("a|b"))
	assert.Equal(t, "<code>&lt;x&gt; &amp; &#64;y</code>", htmlCode("<x> & @y"))
}

func TestLength(t *testing.T) {
	tests := map[string]struct {
		in   string
		want int
	}{
		"ASCII":                   {"abc", 3},
		"two-byte and three-byte": {"é名", 2},
		"outside the BMP":         {"😀", 2},
		"invalid byte":            {"\xff", 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, Length(tt.in))
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 65536: "65,536", 1000000: "1,000,000", -1234: "-1,234"} {
		assert.Equal(t, want, thousands(n))
	}
}

func TestWildcardKeys(t *testing.T) {
	for in, want := range map[string]string{
		"aws_instance.web":                          "aws_instance.web",
		"aws_instance.web[3]":                       "aws_instance.web[*]",
		`module.app["a]b"].aws_s3_object.file["x"]`: "module.app[*].aws_s3_object.file[*]",
		`x["a\"]"]`:                                 "x[*]",
	} {
		assert.Equal(t, want, wildcardKeys(in), in)
	}
}
