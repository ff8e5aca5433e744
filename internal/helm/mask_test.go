package helm

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskingPair(t *testing.T) {
	mk := newMasking([]string{"s3cret-one", "s3cret-two", "4821"}, nil)
	tests := []struct {
		name         string
		a, b         map[string]any
		wantA, wantB map[string]any
	}{
		{
			name:  "unchanged secret in a longer string",
			a:     map[string]any{"dsn": "pg://u:s3cret-one@h"},
			b:     map[string]any{"dsn": "pg://u:s3cret-one@h"},
			wantA: map[string]any{"dsn": "pg://u:***@h"},
			wantB: map[string]any{"dsn": "pg://u:***@h"},
		},
		{
			name:  "changed secret is marked",
			a:     map[string]any{"pw": "s3cret-one"},
			b:     map[string]any{"pw": "s3cret-two"},
			wantA: map[string]any{"pw": "***"},
			wantB: map[string]any{"pw": "***" + changedMark},
		},
		{
			name:  "the previous value the inventory no longer knows is masked whole",
			a:     map[string]any{"pw": "old-unknown-value"},
			b:     map[string]any{"pw": "s3cret-two"},
			wantA: map[string]any{"pw": "***"},
			wantB: map[string]any{"pw": "***" + changedMark},
		},
		{
			name:  "a secret gone from b leaves b's value alone",
			a:     map[string]any{"pw": "s3cret-one"},
			b:     map[string]any{"pw": "plain"},
			wantA: map[string]any{"pw": "***"},
			wantB: map[string]any{"pw": "plain"},
		},
		{
			name:  "numbers, lists, keys and nesting",
			a:     map[string]any{"l": []any{"x", json.Number("4821")}},
			b:     map[string]any{"l": []any{"x", json.Number("4821"), "s3cret-one"}, "s3cret-two": map[string]any{"k": true}},
			wantA: map[string]any{"l": []any{"x", "***"}},
			wantB: map[string]any{"l": []any{"x", "***", "***"}, "***" + changedMark: map[string]any{"k": true}},
		},
		{
			name:  "another kind of value",
			a:     map[string]any{"v": []any{"s3cret-one"}},
			b:     map[string]any{"v": map[string]any{"x": "s3cret-one"}},
			wantA: map[string]any{"v": []any{"***"}},
			wantB: map[string]any{"v": map[string]any{"x": "***"}},
		},
		{
			name:  "one side only",
			b:     map[string]any{"pw": "s3cret-one"},
			wantB: map[string]any{"pw": "***"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := mk.pair(tt.a, tt.b)
			assert.Equal(t, tt.wantA, a)
			assert.Equal(t, tt.wantB, b)
		})
	}
	a := map[string]any{"pw": "s3cret-one"}
	ga, _ := (*masking)(nil).pair(a, nil)
	assert.Equal(t, a, ga, "nil masks nothing")
	assert.Equal(t, "s3cret-one", a["pw"], "pair changed its input")
}
