package inventory_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

const (
	commitA = "0123456789abcdef0123456789abcdef01234567"
	commitB = "89abcdef0123456789abcdef0123456789abcdef"
)

// applied returns a record with one finished stack, one finished and
// restarted stack and one stack that was only started.
func applied() *inventory.Applied {
	a := inventory.NewApplied("prod")
	a.Finish("infrastructure", inventory.ApplyMark{Commit: commitA, At: created,
		Run: "https://ci.example.test/runs/41", InventoryVersion: 3})
	a.Start("infrastructure", inventory.ApplyMark{Commit: commitB, At: created.Add(time.Hour),
		Run: "https://ci.example.test/runs/42"})
	a.Finish("project", inventory.ApplyMark{Commit: commitA, At: created.Add(time.Minute)})
	a.Start("bootstrap", inventory.ApplyMark{Commit: commitB, At: created.Add(2 * time.Hour)})
	return a
}

func TestAppliedGolden(t *testing.T) {
	b, err := applied().MarshalIndent()
	require.NoError(t, err)
	golden(t, "applied.json", b)

	compact, err := applied().Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(compact), "\n")
	assert.True(t, strings.HasPrefix(string(compact),
		`{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":{"bootstrap":{"started":`), string(compact))
	for range 20 {
		again, err := applied().Marshal()
		require.NoError(t, err)
		require.Equal(t, string(compact), string(again), "stable bytes")
	}
}

func TestAppliedRoundTrip(t *testing.T) {
	a := applied()
	for _, marshal := range []func() ([]byte, error){a.Marshal, a.MarshalIndent} {
		b, err := marshal()
		require.NoError(t, err)
		p, err := inventory.ParseApplied(b)
		require.NoError(t, err)
		assert.Equal(t, a, p)
	}

	empty, err := inventory.NewApplied("dev").Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"schema":"tierdeploy.applied/v1","environment":"dev","stacks":{}}`, string(empty))
	p, err := inventory.ParseApplied(empty)
	require.NoError(t, err)
	assert.Equal(t, inventory.NewApplied("dev"), p)
}

func TestAppliedMarks(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	first := inventory.ApplyMark{Commit: "c1", At: at, Run: "r1", InventoryVersion: 1}
	second := inventory.ApplyMark{Commit: "c2", At: at.Add(time.Hour), Run: "r2"}
	tests := []struct {
		name            string
		steps           func(a *inventory.Applied)
		wantStacks      map[string]inventory.AppliedStack
		wantInterrupted map[string]inventory.ApplyMark
	}{
		{
			name:            "nothing recorded",
			steps:           func(*inventory.Applied) {},
			wantStacks:      map[string]inventory.AppliedStack{},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name:            "started",
			steps:           func(a *inventory.Applied) { a.Start("infra", first) },
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Started: &first}},
			wantInterrupted: map[string]inventory.ApplyMark{"infra": first},
		},
		{
			name:            "finished",
			steps:           func(a *inventory.Applied) { a.Start("infra", first); a.Finish("infra", first) },
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &first}},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name:            "finished without start",
			steps:           func(a *inventory.Applied) { a.Finish("infra", first) },
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &first}},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name:            "restarted keeps the last success",
			steps:           func(a *inventory.Applied) { a.Finish("infra", first); a.Start("infra", second) },
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &first, Started: &second}},
			wantInterrupted: map[string]inventory.ApplyMark{"infra": second},
		},
		{
			name:            "aborted keeps the last success",
			steps:           func(a *inventory.Applied) { a.Finish("infra", first); a.Start("infra", second); a.Abort("infra") },
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &first}},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name:            "aborted first apply leaves no entry",
			steps:           func(a *inventory.Applied) { a.Start("infra", first); a.Abort("infra") },
			wantStacks:      map[string]inventory.AppliedStack{},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name:            "abort of an unknown stack",
			steps:           func(a *inventory.Applied) { a.Finish("infra", first); a.Abort("project") },
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &first}},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name: "finished again",
			steps: func(a *inventory.Applied) {
				a.Finish("infra", first)
				a.Start("infra", second)
				a.Finish("infra", second)
			},
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &second}},
			wantInterrupted: map[string]inventory.ApplyMark{},
		},
		{
			name: "stacks are separate",
			steps: func(a *inventory.Applied) {
				a.Finish("infra", first)
				a.Start("project", second)
			},
			wantStacks:      map[string]inventory.AppliedStack{"infra": {Last: &first}, "project": {Started: &second}},
			wantInterrupted: map[string]inventory.ApplyMark{"project": second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := inventory.NewApplied("prod")
			tt.steps(a)
			assert.Equal(t, tt.wantStacks, a.Stacks)
			assert.Equal(t, tt.wantInterrupted, a.Interrupted())
			b, err := a.Marshal()
			require.NoError(t, err)
			p, err := inventory.ParseApplied(b)
			require.NoError(t, err)
			assert.Equal(t, a, p, "survives a round trip")
		})
	}
}

func TestAppliedHelpersNormalize(t *testing.T) {
	var a inventory.Applied // zero value: no map yet
	local := time.Date(2026, 5, 1, 12, 0, 0, 999_999_999, time.FixedZone("CEST", 2*3600))
	a.Start("infra", inventory.ApplyMark{Commit: "c", At: local})
	require.NotNil(t, a.Stacks["infra"].Started)
	assert.Equal(t, time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), a.Stacks["infra"].Started.At)
	a.Finish("infra", inventory.ApplyMark{Commit: "c", At: local})
	assert.Equal(t, time.UTC, a.Stacks["infra"].Last.At.Location())
}

func TestParseAppliedErrors(t *testing.T) {
	const good = `{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":{` +
		`"infra":{"last":{"commit":"abc","at":"2026-03-04T05:06:07Z","run":"https://ci.example.test/1","inventory_version":3},` +
		`"started":{"commit":"def","at":"2026-03-04T06:06:07Z"}}}}`
	_, err := inventory.ParseApplied([]byte(good))
	require.NoError(t, err)
	swap := func(old, new string) string {
		require.Contains(t, good, old)
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name      string
		doc       string
		wantField string
		wantError string
	}{
		{"empty", ``, "", "invalid apply record: empty"},
		{"malformed", `{"schema":`, "", "malformed JSON"},
		{"not an object", `[]`, "", "not a JSON object"},
		{"trailing data", good + `x`, "", "unexpected data after the JSON object"},
		{"inventory document", `{"schema":"tierdeploy.inventory/v1"}`, "schema",
			`unknown schema "tierdeploy.inventory/v1" (this version of tierdeploy reads tierdeploy.applied/v1)`},
		{"newer schema first", `{"schema":"tierdeploy.applied/v2","stacks":[],"x":1}`, "schema", `unknown schema`},
		{"schema missing", swap(`"schema":"tierdeploy.applied/v1",`, ""), "schema", "missing"},
		{"schema null", swap(`"tierdeploy.applied/v1"`, "null"), "schema", "must be a string"},
		{"unknown field", swap(`"stacks":`, `"stack":{},"stacks":`), "stack", "unknown field"},
		{"duplicate field", swap(`"environment":"prod"`, `"environment":"prod","environment":"dev"`), "environment", "appears twice"},
		{"environment missing", swap(`"environment":"prod",`, ""), "environment", "missing"},
		{"environment empty", swap(`"environment":"prod"`, `"environment":""`), "environment", "empty"},
		{"environment not a string", swap(`"environment":"prod"`, `"environment":1`), "environment", "must be a string"},
		{"stacks missing", `{"schema":"tierdeploy.applied/v1","environment":"prod"}`, "stacks", "missing"},
		{"stacks null", `{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":null}`, "stacks", "must be an object"},
		{"stacks a list", `{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":[]}`, "stacks", "must be an object"},
		{"duplicate stack", swap(`"stacks":{`, `"stacks":{"infra":{"last":{"commit":"x","at":"2026-03-04T05:06:07Z"}},`),
			"stacks.infra", "appears twice"},
		{"empty stack name", swap(`"stacks":{`, `"stacks":{"":{"last":{"commit":"x","at":"2026-03-04T05:06:07Z"}},`),
			"stacks", "has an empty stack name"},
		{"stack with no mark", swap(`"stacks":{`, `"stacks":{"project":{},`), "stacks.project", "has neither last nor started"},
		{"stack a string", swap(`"stacks":{`, `"stacks":{"project":"x",`), "stacks.project", "must be an object"},
		{"unknown stack field", swap(`"started":`, `"failed":{},"started":`), "stacks.infra.failed", "unknown field"},
		{"mark null", swap(`"started":{"commit":"def","at":"2026-03-04T06:06:07Z"}`, `"started":null`),
			"stacks.infra.started", "must be an object"},
		{"unknown mark field", swap(`"commit":"def"`, `"commit":"def","by":"x"`), "stacks.infra.started.by", "unknown field"},
		{"duplicate mark field", swap(`"commit":"def"`, `"commit":"def","commit":"xyz"`), "stacks.infra.started.commit", "appears twice"},
		{"commit missing", swap(`"commit":"def",`, ""), "stacks.infra.started.commit", "missing"},
		{"commit empty", swap(`"commit":"abc"`, `"commit":""`), "stacks.infra.last.commit", "empty"},
		{"commit null", swap(`"commit":"abc"`, `"commit":null`), "stacks.infra.last.commit", "must be a string"},
		{"at missing", swap(`,"at":"2026-03-04T06:06:07Z"`, ""), "stacks.infra.started.at", "missing"},
		{"at not a time", swap(`2026-03-04T06:06:07Z`, `today`), "stacks.infra.started.at", `"today" is not an RFC 3339 time`},
		{"at out of range", swap(`2026-03-04T06:06:07Z`, `0001-01-01T00:00:00+01:00`), "stacks.infra.started.at", "out of range"},
		{"at zero", swap(`2026-03-04T06:06:07Z`, `0001-01-01T00:00:00Z`), "stacks.infra.started.at", "is zero"},
		{"run not a string", swap(`"run":"https://ci.example.test/1"`, `"run":7`), "stacks.infra.last.run", "must be a string"},
		{"inventory version zero", swap(`"inventory_version":3`, `"inventory_version":0`),
			"stacks.infra.last.inventory_version", "must be a positive integer"},
		{"inventory version negative", swap(`"inventory_version":3`, `"inventory_version":-3`),
			"stacks.infra.last.inventory_version", "must be a positive integer"},
		{"inventory version fraction", swap(`"inventory_version":3`, `"inventory_version":3.5`),
			"stacks.infra.last.inventory_version", "must be a positive integer"},
		{"inventory version string", swap(`"inventory_version":3`, `"inventory_version":"3"`),
			"stacks.infra.last.inventory_version", "must be a positive integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := inventory.ParseApplied([]byte(tt.doc))
			require.Error(t, err)
			assert.Nil(t, a)
			assert.ErrorIs(t, err, inventory.ErrInvalid)
			assert.ErrorContains(t, err, tt.wantError)
			assert.True(t, strings.HasPrefix(err.Error(), "invalid apply record: "), err.Error())
			var ie *inventory.InvalidError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.wantField, ie.Field)
			assert.NotContains(t, err.Error(), "\n", "one sentence")
		})
	}
}

func TestAppliedOptionalFields(t *testing.T) {
	a, err := inventory.ParseApplied([]byte(`{"stacks":{"infra":{"last":{"at":"2026-03-04T07:06:07.9+02:00",` +
		`"commit":"abc"}}},"environment":"prod","schema":"tierdeploy.applied/v1"}`))
	require.NoError(t, err)
	assert.Equal(t, &inventory.ApplyMark{Commit: "abc", At: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)},
		a.Stacks["infra"].Last, "UTC to the second, no run, no inventory version")
	b, err := a.Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":{"infra":{"last":`+
		`{"commit":"abc","at":"2026-03-04T05:06:07Z"}}}}`, string(b))
}

func TestAppliedMarshalRejects(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		change    func(a *inventory.Applied)
		wantError string
	}{
		{"no schema", func(a *inventory.Applied) { a.Schema = "" }, `field "schema": unknown schema ""`},
		{"no environment", func(a *inventory.Applied) { a.Environment = "" }, `field "environment": empty`},
		{"empty stack name", func(a *inventory.Applied) { a.Finish("", inventory.ApplyMark{Commit: "c", At: at}) },
			`field "stacks": has an empty stack name`},
		{"stack with no mark", func(a *inventory.Applied) { a.Stacks["x"] = inventory.AppliedStack{} },
			`field "stacks.x": has neither last nor started`},
		{"no commit", func(a *inventory.Applied) { a.Start("x", inventory.ApplyMark{At: at}) },
			`field "stacks.x.started.commit": empty`},
		{"no time", func(a *inventory.Applied) { a.Finish("x", inventory.ApplyMark{Commit: "c"}) },
			`field "stacks.x.last.at": is zero`},
		{"time out of range", func(a *inventory.Applied) {
			a.Finish("x", inventory.ApplyMark{Commit: "c", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		}, `field "stacks.x.last.at": 10000-01-01T00:00:00Z is out of range`},
		{"negative version", func(a *inventory.Applied) {
			a.Finish("x", inventory.ApplyMark{Commit: "c", At: at, InventoryVersion: -1})
		}, `field "stacks.x.last.inventory_version": must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := inventory.NewApplied("prod")
			tt.change(a)
			_, err := a.Marshal()
			require.Error(t, err)
			assert.True(t, errors.Is(err, inventory.ErrInvalid), "got %v", err)
			assert.ErrorContains(t, err, "marshal apply record: invalid apply record: "+tt.wantError)
			_, err = a.MarshalIndent()
			assert.ErrorIs(t, err, inventory.ErrInvalid)
		})
	}
}
