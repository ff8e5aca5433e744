package inventory_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

var created = time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))

func outputs() map[string]inventory.Output {
	return map[string]inventory.Output{
		"meltano_database": {Value: json.RawMessage(`{"port": 5432, "host": "db.internal", "name": "meltano"}`)},
		"cluster_name":     {Value: json.RawMessage(`"meltano-prod"`)},
		"subnet_ids":       {Value: json.RawMessage(`["subnet-b", "subnet-a"]`)},
		"bucket_url":       {Value: json.RawMessage(`"https://example.test/a?b=1&c=<2>"`)},
		"db_password":      {Sensitive: true, Value: json.RawMessage(`"hunter2"`)},
		"admin_token":      {Sensitive: true, Value: json.RawMessage(`"t0ken"`)},
		"big_number":       {Value: json.RawMessage(`12345678901234567890`)},
	}
}

func build(t *testing.T) *inventory.Document {
	t.Helper()
	d, err := inventory.Build(inventory.BuildInput{
		Environment:      "prod",
		Tier:             "infrastructure",
		Commit:           "0123456789abcdef0123456789abcdef01234567",
		Created:          created,
		Outputs:          outputs(),
		IncludeSensitive: []string{"db_password"},
	})
	require.NoError(t, err)
	return d
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name      string
		in        inventory.BuildInput
		wantKeys  []string
		wantSens  []string
		wantError string
	}{
		{
			name: "sensitive outputs only when listed",
			in: inventory.BuildInput{Environment: "prod", Tier: "infra", Created: created, Outputs: outputs(),
				IncludeSensitive: []string{"db_password"}},
			wantKeys: []string{"big_number", "bucket_url", "cluster_name", "db_password", "meltano_database", "subnet_ids"},
			wantSens: []string{"db_password"},
		},
		{
			name:     "no sensitive outputs",
			in:       inventory.BuildInput{Environment: "prod", Tier: "infra", Created: created, Outputs: outputs()},
			wantKeys: []string{"big_number", "bucket_url", "cluster_name", "meltano_database", "subnet_ids"},
		},
		{
			name: "listing a non-sensitive output is harmless",
			in: inventory.BuildInput{Environment: "prod", Tier: "infra", Created: created,
				Outputs: map[string]inventory.Output{"a": {Value: json.RawMessage(`1`)}}, IncludeSensitive: []string{"a"}},
			wantKeys: []string{"a"},
		},
		{
			name: "no outputs",
			in:   inventory.BuildInput{Environment: "prod", Tier: "infra", Created: created},
		},
		{
			name: "listed output missing",
			in: inventory.BuildInput{Environment: "prod", Tier: "infra", Created: created, Outputs: outputs(),
				IncludeSensitive: []string{"db_pasword"}},
			wantError: `sensitive output "db_pasword" is listed for the inventory but tier infra has no such output`,
		},
		{
			name: "invalid value",
			in: inventory.BuildInput{Environment: "prod", Tier: "infra", Created: created,
				Outputs: map[string]inventory.Output{"a": {Value: json.RawMessage(`{`)}}},
			wantError: `output "a" is not valid JSON`,
		},
		{
			name:      "no environment",
			in:        inventory.BuildInput{Tier: "infra", Created: created},
			wantError: "environment is empty",
		},
		{
			name:      "no time",
			in:        inventory.BuildInput{Environment: "prod", Tier: "infra"},
			wantError: "created time is zero",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := inventory.Build(tt.in)
			if tt.wantError != "" {
				require.ErrorContains(t, err, tt.wantError)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, inventory.SchemaV1, d.Schema)
			assert.Equal(t, tt.wantKeys, nilIfEmpty(d.Keys()))
			assert.Equal(t, tt.wantSens, d.Sensitive)
			assert.Equal(t, time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC), d.Created)
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestMarshalGolden(t *testing.T) {
	d := build(t)
	b, err := d.MarshalIndent()
	require.NoError(t, err)
	golden(t, "document.json", b)

	compact, err := d.Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(compact), "\n")
	assert.Contains(t, string(compact), `"bucket_url":"https://example.test/a?b=1&c=<2>"`, "no HTML escaping")
	assert.Contains(t, string(compact), `12345678901234567890`, "numbers kept as written")
}

func TestMarshalIsByteStable(t *testing.T) {
	a := build(t)
	b := build(t)
	b.Values["meltano_database"] = json.RawMessage("{\n  \"name\": \"meltano\",\"host\":\"db.internal\" , \"port\":5432}")
	b.Sensitive = []string{"db_password"}
	ab, err := a.Marshal()
	require.NoError(t, err)
	bb, err := b.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(ab), string(bb))
	for range 20 {
		again, err := build(t).Marshal()
		require.NoError(t, err)
		require.Equal(t, string(ab), string(again))
	}
}

func TestParseRoundTrip(t *testing.T) {
	d := build(t)
	for _, marshal := range []func() ([]byte, error){d.Marshal, d.MarshalIndent} {
		b, err := marshal()
		require.NoError(t, err)
		p, err := inventory.Parse(b)
		require.NoError(t, err)
		assert.Equal(t, d, p)
		assert.True(t, d.SameContent(p))
	}
}

func TestParseErrors(t *testing.T) {
	const good = `{"schema":"tierdeploy.inventory/v1","environment":"prod","tier":"infra","commit":"abc",` +
		`"created":"2026-03-04T05:06:07Z","sensitive":["p"],"values":{"p":"x","a":{"b":1}}}`
	_, err := inventory.Parse([]byte(good))
	require.NoError(t, err)
	tests := []struct {
		name      string
		doc       string
		wantField string
		wantError string
	}{
		{"empty", ``, "", "invalid inventory document: empty"},
		{"malformed", `{"schema":`, "", "malformed JSON"},
		{"not an object", `["x"]`, "", "not a JSON object"},
		{"trailing data", good + `{}`, "", "unexpected data after the JSON object"},
		{"unknown schema", strings.Replace(good, "/v1", "/v2", 1), "schema",
			`field "schema": unknown schema "tierdeploy.inventory/v2" (this version of tierdeploy reads tierdeploy.inventory/v1)`},
		{"schema missing", strings.Replace(good, `"schema":"tierdeploy.inventory/v1",`, "", 1), "schema", `field "schema": missing`},
		{"schema not a string", strings.Replace(good, `"tierdeploy.inventory/v1"`, "1", 1), "schema", "must be a string"},
		{"unknown field", strings.Replace(good, `"tier":`, `"tiers":"x","tier":`, 1), "tiers", `field "tiers": unknown field`},
		{"duplicate field", strings.Replace(good, `"tier":"infra"`, `"tier":"infra","tier":"x"`, 1), "tier", "appears twice"},
		{"environment missing", strings.Replace(good, `"environment":"prod",`, "", 1), "environment", "missing"},
		{"environment empty", strings.Replace(good, `"environment":"prod"`, `"environment":""`, 1), "environment", "empty"},
		{"commit missing", strings.Replace(good, `"commit":"abc",`, "", 1), "commit", "missing"},
		{"values missing", strings.Replace(good, `,"values":{"p":"x","a":{"b":1}}`, "", 1), "values", "missing"},
		{"values not an object", strings.Replace(good, `{"p":"x","a":{"b":1}}`, `[1]`, 1), "values", "must be an object"},
		{"duplicate value key", strings.Replace(good, `"a":{"b":1}`, `"a":{"b":1,"b":2}`, 1), "values", `duplicate object key "b"`},
		{"bad created", strings.Replace(good, `2026-03-04T05:06:07Z`, `yesterday`, 1), "created", "not an RFC 3339 time"},
		{"sensitive without value", strings.Replace(good, `["p"]`, `["q"]`, 1), "sensitive", `lists "q", which has no value`},
		{"sensitive not strings", strings.Replace(good, `["p"]`, `[1]`, 1), "sensitive", "must be an array of strings"},
		{"sensitive twice", strings.Replace(good, `["p"]`, `["p","p"]`, 1), "sensitive", `lists "p" twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inventory.Parse([]byte(tt.doc))
			require.Error(t, err)
			assert.ErrorIs(t, err, inventory.ErrInvalid)
			assert.ErrorContains(t, err, tt.wantError)
			var ie *inventory.InvalidError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.wantField, ie.Field)
			assert.NotContains(t, err.Error(), "\n", "one sentence")
		})
	}
}

func TestUnmarshalJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		Doc *inventory.Document `json:"doc"`
	}{build(t)})
	require.NoError(t, err)
	var got struct {
		Doc inventory.Document `json:"doc"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, build(t), &got.Doc)

	err = json.Unmarshal([]byte(`{"doc":{"schema":"other"}}`), &got)
	assert.True(t, errors.Is(err, inventory.ErrInvalid), "got %v", err)
}

func TestSameContent(t *testing.T) {
	base := build(t)
	tests := []struct {
		name   string
		change func(d *inventory.Document)
		same   bool
	}{
		{"identical", func(*inventory.Document) {}, true},
		{"other commit and time", func(d *inventory.Document) { d.Commit = "x"; d.Created = time.Now() }, true},
		{"reformatted value", func(d *inventory.Document) { d.Values["subnet_ids"] = json.RawMessage(`[ "subnet-b","subnet-a" ]`) }, true},
		{"value", func(d *inventory.Document) { d.Values["cluster_name"] = json.RawMessage(`"x"`) }, false},
		{"list order", func(d *inventory.Document) { d.Values["subnet_ids"] = json.RawMessage(`["subnet-a","subnet-b"]`) }, false},
		{"sensitivity", func(d *inventory.Document) { d.Sensitive = nil }, false},
		{"environment", func(d *inventory.Document) { d.Environment = "dev" }, false},
		{"tier", func(d *inventory.Document) { d.Tier = "other" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := build(t)
			tt.change(d)
			assert.Equal(t, tt.same, base.SameContent(d))
		})
	}
}

func TestSizes(t *testing.T) {
	d := build(t)
	sizes := d.Sizes()
	require.Len(t, sizes, len(d.Values))
	assert.Equal(t, "meltano_database", sizes[0].Key)
	assert.Equal(t, len(`"meltano_database":{"host":"db.internal","name":"meltano","port":5432},`), sizes[0].Bytes)
	for i := 1; i < len(sizes); i++ {
		assert.GreaterOrEqual(t, sizes[i-1].Bytes, sizes[i].Bytes)
	}
}

func TestCommitLabel(t *testing.T) {
	tests := map[string]string{
		"":                       "",
		"0123abc":                "commit-0123abc",
		"feat/x y":               "commit-feat-x-y",
		strings.Repeat("a", 200): "commit-" + strings.Repeat("a", 93),
	}
	for commit, want := range tests {
		assert.Equal(t, want, inventory.CommitLabel(commit), commit)
	}
}

func TestLease(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	l, err := inventory.NewLease("ci run 7", now, 15*time.Minute)
	require.NoError(t, err)
	assert.NotEmpty(t, l.Token)
	p, err := inventory.ParseLease(l.Marshal())
	require.NoError(t, err)
	assert.Equal(t, l, p)
	assert.False(t, l.Expired(now.Add(14*time.Minute)))
	assert.True(t, l.Expired(now.Add(15*time.Minute)))

	held := l.Held("/meltano/prod/inventory.lock")
	assert.ErrorIs(t, held, inventory.ErrLocked)
	assert.EqualError(t, held, "inventory lock /meltano/prod/inventory.lock is held by ci run 7 since "+
		"2026-01-01T10:00:00Z; it expires at 2026-01-01T10:15:00Z unless released earlier")

	_, err = inventory.NewLease("", now, time.Minute)
	assert.Error(t, err)
	_, err = inventory.ParseLease([]byte(`{"holder":"x"}`))
	assert.Error(t, err)
}
