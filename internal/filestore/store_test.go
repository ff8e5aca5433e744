package filestore_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmstore"
)

// inventoryStore is the method set the application uses; both stores have
// it.
type inventoryStore interface {
	Get(ctx context.Context, env string) (*inventory.Document, inventory.Version, error)
	GetVersion(ctx context.Context, env string, version int64) (*inventory.Document, inventory.Version, error)
	History(ctx context.Context, env string) ([]inventory.Version, error)
	Put(ctx context.Context, c *inventory.Claim, doc *inventory.Document) (inventory.PutResult, error)
	Acquire(ctx context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error)
	GetApplied(ctx context.Context, env string) (*inventory.Applied, error)
	PutApplied(ctx context.Context, c *inventory.Claim, a *inventory.Applied) error
}

var (
	_ inventoryStore = (*filestore.Store)(nil)
	_ inventoryStore = (*ssmstore.Store)(nil)
)

// clock is a settable clock for lease times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newStore(t *testing.T, opts filestore.Options) *filestore.Store {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), ".tierdeploy", "inventory")
	}
	st, err := filestore.New(opts)
	require.NoError(t, err)
	return st
}

// claim takes env's lease for a test; it is released at cleanup.
func claim(t *testing.T, st *filestore.Store, env string) *inventory.Claim {
	t.Helper()
	c, err := st.Acquire(t.Context(), env, "test run", time.Hour)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Release(context.Background()) })
	return c
}

func document(t *testing.T, env, commit string, values map[string]string) *inventory.Document {
	t.Helper()
	outs := map[string]inventory.Output{}
	for k, v := range values {
		outs[k] = inventory.Output{Value: json.RawMessage(v)}
	}
	d, err := inventory.Build(inventory.BuildInput{Environment: env, Tier: "infrastructure", Commit: commit,
		Created: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Outputs: outs})
	require.NoError(t, err)
	return d
}

func TestPutGetHistory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inv")
	st := newStore(t, filestore.Options{Dir: dir})
	ctx := t.Context()

	_, _, err := st.Get(ctx, "prod")
	require.ErrorIs(t, err, inventory.ErrNotFound)
	_, err = st.History(ctx, "prod")
	require.ErrorIs(t, err, inventory.ErrNotFound)

	prod := claim(t, st, "prod")
	first := document(t, "prod", "c1", map[string]string{"db": `{"host":"a"}`})
	res, err := st.Put(ctx, prod, first)
	require.NoError(t, err)
	assert.True(t, res.Written)
	assert.Equal(t, int64(1), res.Version.Number)
	assert.Equal(t, []string{"commit-c1"}, res.Version.Labels)

	b, err := os.ReadFile(filepath.Join(dir, "prod.json"))
	require.NoError(t, err)
	want, err := first.MarshalIndent()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(b))
	fi, err := os.Stat(filepath.Join(dir, "prod.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	got, ver, err := st.Get(ctx, "prod")
	require.NoError(t, err)
	assert.True(t, got.SameContent(first))
	assert.Equal(t, int64(1), ver.Number)

	res, err = st.Put(ctx, prod, document(t, "prod", "c2", map[string]string{"db": `{"host":"a"}`}))
	require.NoError(t, err)
	assert.False(t, res.Written, "unchanged")
	assert.Equal(t, int64(1), res.Version.Number)
	assert.NoFileExists(t, filepath.Join(dir, "prod.versions", "2.json"))

	second := document(t, "prod", "c3", map[string]string{"db": `{"host":"b"}`})
	res, err = st.Put(ctx, prod, second)
	require.NoError(t, err)
	assert.True(t, res.Written)
	assert.Equal(t, int64(2), res.Version.Number)

	old, _, err := st.GetVersion(ctx, "prod", 1)
	require.NoError(t, err)
	assert.True(t, old.SameContent(first))
	_, _, err = st.GetVersion(ctx, "prod", 3)
	assert.ErrorIs(t, err, inventory.ErrVersionNotFound)

	hist, err := st.History(ctx, "prod")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, "c1", hist[0].Commit)
	assert.Equal(t, int64(2), hist[1].Number)
	assert.Equal(t, []string{"commit-c3"}, hist[1].Labels)

	require.NoError(t, prod.Release(ctx))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"prod.json", "prod.versions"}, names, "no temporary files left")
}

func TestCurrentFileWithoutVersions(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, filestore.Options{Dir: dir})
	first := document(t, "dev", "c1", map[string]string{"a": `1`})
	b, err := first.MarshalIndent()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dev.json"), b, 0o600))

	_, v, err := st.Get(t.Context(), "dev")
	require.NoError(t, err)
	assert.Equal(t, int64(1), v.Number)
	hist, err := st.History(t.Context(), "dev")
	require.NoError(t, err)
	require.Len(t, hist, 1)
	_, _, err = st.GetVersion(t.Context(), "dev", 1)
	require.NoError(t, err)

	res, err := st.Put(t.Context(), claim(t, st, "dev"), document(t, "dev", "c2", map[string]string{"a": `2`}))
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Version.Number)
	old, _, err := st.GetVersion(t.Context(), "dev", 1)
	require.NoError(t, err)
	assert.True(t, old.SameContent(first), "the old file became version 1")
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, filestore.Options{Dir: dir})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.json"), []byte(`{"schema":"x"}`), 0o600))
	other, err := document(t, "prod", "c", nil).Marshal()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "staging.json"), other, 0o600))

	tests := []struct {
		name      string
		env       string
		wantError string
		invalid   bool
	}{
		{name: "unknown schema", env: "broken", wantError: `unknown schema "x"`, invalid: true},
		{name: "other environment", env: "staging", wantError: `holds the inventory of environment "prod", not "staging"`, invalid: true},
		{name: "path in name", env: "../etc", wantError: "cannot be used as a file name"},
		{name: "hidden name", env: ".x", wantError: "cannot be used as a file name"},
		{name: "empty name", env: "", wantError: "cannot be used as a file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := st.Get(t.Context(), tt.env)
			require.ErrorContains(t, err, tt.wantError)
			assert.Equal(t, tt.invalid, errorsIs(err, inventory.ErrInvalid))
			c, err := st.Acquire(t.Context(), tt.env, "test run", time.Minute)
			if err == nil {
				defer c.Release(context.Background())
				_, err = st.Put(t.Context(), c, document(t, "prod", "c", nil))
			}
			assert.Error(t, err)
		})
	}
	_, err = filestore.New(filestore.Options{})
	assert.Error(t, err)
}

func TestConcurrentPutsKeepFilesWhole(t *testing.T) {
	st := newStore(t, filestore.Options{})
	prod := claim(t, st, "prod")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			_, _ = st.Put(t.Context(), prod, document(t, "prod", "c", map[string]string{"i": strings.Repeat("1", i+1)}))
		})
	}
	wg.Wait()
	_, _, err := st.Get(t.Context(), "prod")
	require.NoError(t, err, "the current file is always a whole document")
}
