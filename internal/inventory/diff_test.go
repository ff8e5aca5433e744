package inventory_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

func doc(sensitive []string, values map[string]string) *inventory.Document {
	d := &inventory.Document{Schema: inventory.SchemaV1, Environment: "prod", Tier: "infra", Created: created,
		Sensitive: sensitive, Values: map[string]json.RawMessage{}}
	for k, v := range values {
		d.Values[k] = json.RawMessage(v)
	}
	return d
}

func keys(es []inventory.Entry) []string {
	var ks []string
	for _, e := range es {
		ks = append(ks, e.Key)
	}
	return ks
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name                      string
		old, new                  *inventory.Document
		added, removed, changed   []string
		sensitiveKeys, emptyCheck []string
	}{
		{
			name: "identical",
			old:  doc(nil, map[string]string{"a": `{"b":1}`}),
			new:  doc(nil, map[string]string{"a": `{ "b" : 1 }`}),
		},
		{
			name:  "from nothing",
			new:   doc(nil, map[string]string{"a": `{"b":1,"c":{"d":2}}`, "e": `[]`}),
			added: []string{"a.b", "a.c.d", "e"},
		},
		{
			name:    "to nothing",
			old:     doc(nil, map[string]string{"a": `{"b":1}`}),
			removed: []string{"a.b"},
		},
		{
			name:    "deep",
			old:     doc(nil, map[string]string{"db": `{"host":"a","port":1,"tags":{"x":"1"}}`, "gone": `1`}),
			new:     doc(nil, map[string]string{"db": `{"host":"b","port":1,"tags":{"x":"1","y":"2"}}`, "new": `{}`}),
			added:   []string{"db.tags.y", "new"},
			removed: []string{"gone"},
			changed: []string{"db.host"},
		},
		{
			name:    "object becomes scalar",
			old:     doc(nil, map[string]string{"a": `{"b":1,"c":2}`}),
			new:     doc(nil, map[string]string{"a": `"x"`}),
			added:   []string{"a"},
			removed: []string{"a.b", "a.c"},
		},
		{
			name:    "lists compare whole",
			old:     doc(nil, map[string]string{"ids": `["a","b"]`}),
			new:     doc(nil, map[string]string{"ids": `["b","a"]`}),
			changed: []string{"ids"},
		},
		{
			name:          "sensitive values compare whole",
			old:           doc([]string{"creds"}, map[string]string{"creds": `{"user":"u","password":"p1"}`}),
			new:           doc([]string{"creds"}, map[string]string{"creds": `{"user":"u","password":"p2"}`}),
			changed:       []string{"creds"},
			sensitiveKeys: []string{"creds"},
		},
		{
			name:          "sensitive in either",
			old:           doc(nil, map[string]string{"p": `"a"`}),
			new:           doc([]string{"p"}, map[string]string{"p": `"b"`}),
			changed:       []string{"p"},
			sensitiveKeys: []string{"p"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := inventory.Diff(tt.old, tt.new)
			assert.Equal(t, tt.added, keys(c.Added), "added")
			assert.Equal(t, tt.removed, keys(c.Removed), "removed")
			assert.Equal(t, tt.changed, keys(c.Changed), "changed")
			assert.Equal(t, len(tt.added)+len(tt.removed)+len(tt.changed) == 0, c.Empty())
			var sens []string
			for _, e := range append(append(c.Added, c.Removed...), c.Changed...) {
				if e.Sensitive {
					sens = append(sens, e.Key)
				}
			}
			assert.Equal(t, tt.sensitiveKeys, sens)
		})
	}
}

func TestPredict(t *testing.T) {
	current := doc([]string{"db_password"}, map[string]string{
		"cluster":     `{"name":"meltano","endpoint":"https://a"}`,
		"bucket":      `"b1"`,
		"db_password": `"old"`,
		"legacy":      `1`,
	})
	tests := []struct {
		name                             string
		current                          *inventory.Document
		changes                          []inventory.OutputChange
		include                          []string
		added, removed, changed, unknown []string
	}{
		{
			name:    "no-op outputs",
			current: current,
			changes: []inventory.OutputChange{
				{Name: "bucket", Action: "no-op", Before: json.RawMessage(`"b1"`), After: json.RawMessage(`"b1"`)},
				{Name: "cluster", Action: "no-op", After: json.RawMessage(`{"endpoint":"https://a","name":"meltano"}`)},
			},
		},
		{
			name:    "changed, added, removed, unknown",
			current: current,
			changes: []inventory.OutputChange{
				{Name: "cluster", Action: "update", After: json.RawMessage(`{"name":"meltano","endpoint":"https://b"}`)},
				{Name: "queue", Action: "create", After: json.RawMessage(`"q"`)},
				{Name: "legacy", Action: "delete", Before: json.RawMessage(`1`)},
				{Name: "bucket", Action: "update", AfterUnknown: true},
			},
			added:   []string{"queue"},
			removed: []string{"legacy"},
			changed: []string{"cluster.endpoint"},
			unknown: []string{"bucket"},
		},
		{
			name:    "sensitive output not listed is left out",
			current: current,
			changes: []inventory.OutputChange{
				{Name: "api_key", Action: "create", Sensitive: true, After: json.RawMessage(`"k"`)},
			},
		},
		{
			name:    "sensitive output no longer listed goes away",
			current: current,
			changes: []inventory.OutputChange{
				{Name: "db_password", Action: "no-op", Sensitive: true, After: json.RawMessage(`"old"`)},
			},
			removed: []string{"db_password"},
		},
		{
			name:    "listed sensitive output changes",
			current: current,
			include: []string{"db_password"},
			changes: []inventory.OutputChange{
				{Name: "db_password", Action: "update", Sensitive: true, After: json.RawMessage(`"new"`)},
			},
			unknown: []string{"db_password"}, // a plan never shows the new value of a secret
		},
		{
			name:    "listed sensitive output left alone",
			current: current,
			include: []string{"db_password"},
			changes: []inventory.OutputChange{
				{Name: "db_password", Action: "no-op", Sensitive: true, After: json.RawMessage(`"(sensitive value)"`)},
			},
		},
		{
			name: "first publication",
			changes: []inventory.OutputChange{
				{Name: "bucket", Action: "no-op", After: json.RawMessage(`"b1"`)},
				{Name: "arn", Action: "create", AfterUnknown: true},
			},
			added:   []string{"bucket"},
			unknown: []string{"arn"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := inventory.Predict(tt.current, tt.changes, tt.include)
			assert.Equal(t, tt.added, keys(c.Added), "added")
			assert.Equal(t, tt.removed, keys(c.Removed), "removed")
			assert.Equal(t, tt.changed, keys(c.Changed), "changed")
			assert.Equal(t, tt.unknown, keys(c.KnownAfterApply), "known after apply")
			assert.Equal(t, tt.added == nil && tt.removed == nil && tt.changed == nil && tt.unknown == nil, c.Empty())
		})
	}
}

func renderChange() inventory.Change {
	old := doc([]string{"db_password"}, map[string]string{
		"cluster":     `{"name":"meltano","endpoint":"https://a"}`,
		"db_password": `"old-secret"`,
		"legacy":      `[1,2]`,
		"bucket":      `"b1"`,
	})
	c := inventory.Predict(old, []inventory.OutputChange{
		{Name: "cluster", Action: "update", After: json.RawMessage(`{"name":"meltano","endpoint":"https://b","version":"1.31"}`)},
		{Name: "db_password", Action: "update", Sensitive: true, After: json.RawMessage(`"new-secret"`)},
		{Name: "api_token", Action: "create", Sensitive: true, After: json.RawMessage(`"tok"`)},
		{Name: "legacy", Action: "delete"},
		{Name: "bucket", Action: "update", AfterUnknown: true},
	}, []string{"db_password", "api_token"})
	return c
}

func TestChangeRenderGolden(t *testing.T) {
	c := renderChange()
	text := c.Text(inventory.RenderOptions{})
	golden(t, "change.txt", []byte(text))
	assert.NotContains(t, text, "secret")
	assert.NotContains(t, text, "tok\"")

	js, err := c.JSON(inventory.RenderOptions{})
	require.NoError(t, err)
	var indented bytes.Buffer
	require.NoError(t, json.Indent(&indented, js, "", "  "))
	golden(t, "change.json", indented.Bytes())
	assert.NotContains(t, string(js), "secret")

	shown := c.Text(inventory.RenderOptions{ShowSecrets: true})
	assert.Contains(t, shown, `? db_password = "old-secret" -> (known after apply)`)

	assert.Equal(t, "Inventory: no change\n", inventory.Change{}.Text(inventory.RenderOptions{}))
}

func TestMask(t *testing.T) {
	d := build(t)
	m := inventory.Mask(d)
	assert.JSONEq(t, `"(sensitive)"`, string(m.Values["db_password"]))
	assert.JSONEq(t, `"hunter2"`, string(d.Values["db_password"]), "original untouched")
	b, err := m.Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(b), "hunter2")

	text := d.Text(inventory.RenderOptions{})
	golden(t, "document.txt", []byte(text))
	assert.NotContains(t, text, "hunter2")
	assert.Contains(t, d.Text(inventory.RenderOptions{ShowSecrets: true}), "hunter2")
	assert.Nil(t, inventory.Mask(nil))
}

func TestPredictValues(t *testing.T) {
	current := &inventory.Document{Schema: inventory.SchemaV1, Environment: "prod", Tier: "infrastructure",
		Sensitive: []string{"db_password"},
		Values: map[string]json.RawMessage{
			"cluster":     json.RawMessage(`{"name":"a"}`),
			"db_password": json.RawMessage(`"old"`),
			"gone":        json.RawMessage(`1`),
			"endpoint":    json.RawMessage(`"https://old"`),
		}}
	changes := []inventory.OutputChange{
		{Name: "cluster", Action: "update", After: json.RawMessage(`{"name":"b"}`)},
		{Name: "gone", Action: "delete"},
		{Name: "endpoint", Action: "update", AfterUnknown: true},
		{Name: "new_unknown", Action: "create", AfterUnknown: true},
		{Name: "token", Action: "create", Sensitive: true, After: json.RawMessage(`"t"`)},
		{Name: "db_password", Action: "update", Sensitive: true, After: json.RawMessage(`"new"`)},
	}
	values, unknown := inventory.PredictValues(current, changes, []string{"db_password"})
	got := map[string]string{}
	for k, v := range values {
		got[k] = string(v)
	}
	require.Equal(t, map[string]string{
		"cluster":     `{"name":"b"}`,
		"db_password": `"old"`,         // a secret's new value is known only after apply
		"endpoint":    `"https://old"`, // unknown until apply: the current value stays
	}, got)
	require.Equal(t, []string{"endpoint", "new_unknown"}, unknown)
}
