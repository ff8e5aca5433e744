package ssmstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmstore"
	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
)

const paramName = "/meltano/{environment}/inventory"

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

func newStore(t *testing.T, srv *ssmtest.Server, opts ssmstore.Options) *ssmstore.Store {
	t.Helper()
	if opts.Name == "" {
		opts.Name = paramName
	}
	st, err := ssmstore.New(srv.Client(), opts)
	require.NoError(t, err)
	return st
}

// claim takes env's lease for a test; it is released at cleanup.
func claim(t *testing.T, st *ssmstore.Store, env string) *inventory.Claim {
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
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{KMSKeyID: "alias/meltano"})
	ctx := t.Context()
	const name = "/meltano/prod/inventory"

	_, _, err := st.Get(ctx, "prod")
	require.ErrorIs(t, err, inventory.ErrNotFound)
	assert.ErrorIs(t, err, ssmstore.ErrNotFound)
	_, err = st.History(ctx, "prod")
	require.ErrorIs(t, err, inventory.ErrNotFound)

	prod := claim(t, st, "prod")
	first := document(t, "prod", "c1", map[string]string{"db": `{"host":"a"}`})
	res, err := st.Put(ctx, prod, first)
	require.NoError(t, err)
	assert.True(t, res.Written)
	assert.Equal(t, int64(1), res.Version.Number)
	assert.Equal(t, []string{"commit-c1"}, res.Version.Labels)
	assert.Equal(t, "c1", res.Version.Commit)
	assert.False(t, res.Version.Modified.IsZero())

	stored := srv.Versions(name)
	require.Len(t, stored, 1)
	assert.Equal(t, "SecureString", stored[0].Type)
	assert.Equal(t, "alias/meltano", stored[0].KeyID)
	assert.Equal(t, "Standard", stored[0].Tier)
	want, err := first.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(want), stored[0].Value)

	got, ver, err := st.Get(ctx, "prod")
	require.NoError(t, err)
	assert.True(t, got.SameContent(first))
	assert.Equal(t, "c1", got.Commit)
	assert.Equal(t, int64(1), ver.Number)

	// Same content at another commit: nothing is written.
	puts := srv.Calls("PutParameter")
	res, err = st.Put(ctx, prod, document(t, "prod", "c2", map[string]string{"db": `{ "host": "a" }`}))
	require.NoError(t, err)
	assert.False(t, res.Written)
	assert.Equal(t, int64(1), res.Version.Number)
	assert.Equal(t, puts, srv.Calls("PutParameter"), "no PutParameter for an unchanged document")

	second := document(t, "prod", "c3", map[string]string{"db": `{"host":"b"}`})
	res, err = st.Put(ctx, prod, second)
	require.NoError(t, err)
	assert.True(t, res.Written)
	assert.Equal(t, int64(2), res.Version.Number)

	old, ver, err := st.GetVersion(ctx, "prod", 1)
	require.NoError(t, err)
	assert.True(t, old.SameContent(first))
	assert.Equal(t, int64(1), ver.Number)
	_, _, err = st.GetVersion(ctx, "prod", 9)
	assert.ErrorIs(t, err, inventory.ErrVersionNotFound)

	hist, err := st.History(ctx, "prod")
	require.NoError(t, err)
	require.Len(t, hist, 2)
	for i, h := range hist {
		assert.Equal(t, int64(i+1), h.Number)
		assert.Equal(t, "arn:aws:iam::123456789012:user/AKIDSSMTEST", h.ModifiedBy)
	}
	assert.Equal(t, "c1", hist[0].Commit)
	assert.Equal(t, []string{"commit-c1"}, hist[0].Labels)
	assert.Equal(t, "c3", hist[1].Commit)
	assert.Equal(t, []string{"commit-c3"}, hist[1].Labels)
}

func TestEnvironments(t *testing.T) {
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	ctx := t.Context()
	claims := map[string]*inventory.Claim{"prod": claim(t, st, "prod"), "staging": claim(t, st, "staging")}
	for _, env := range []string{"prod", "staging"} {
		_, err := st.Put(ctx, claims[env], document(t, env, "c", map[string]string{"env": `"` + env + `"`}))
		require.NoError(t, err)
		_, ok := srv.Value("/meltano/" + env + "/inventory")
		assert.True(t, ok, env)
	}
	_, err := st.Put(ctx, claims["prod"], document(t, "staging", "c", nil))
	assert.ErrorContains(t, err, `the document is for environment "staging", not "prod"`)
	_, err = st.Put(ctx, nil, document(t, "prod", "c", nil))
	assert.EqualError(t, err, "put inventory: no inventory lease: acquire the environment's lease first")
	other := newStore(t, srv, ssmstore.Options{Name: "/other/{environment}/inventory"})
	_, err = st.Put(ctx, claim(t, other, "prod"), document(t, "prod", "c", nil))
	assert.EqualError(t, err, "put inventory of prod: the lease is on /other/prod/inventory.lock, "+
		"not on this store's lock /meltano/prod/inventory.lock")

	shared := newStore(t, srv, ssmstore.Options{Name: "/meltano/prod/inventory"})
	_, _, err = shared.Get(ctx, "staging")
	assert.ErrorIs(t, err, inventory.ErrInvalid)
	assert.ErrorContains(t, err, `holds the inventory of environment "prod", not "staging"`)

	_, err = ssmstore.New(srv.Client(), ssmstore.Options{})
	assert.Error(t, err)
}

func TestTiers(t *testing.T) {
	pad := func(n int) string { return `"` + strings.Repeat("x", n) + `"` }
	tests := []struct {
		name      string
		prior     map[string]string
		values    map[string]string
		wantTier  string
		wantPuts  int
		wantError []string
	}{
		{name: "small", values: map[string]string{"a": pad(10)}, wantTier: "Standard", wantPuts: 1},
		{name: "just standard", values: map[string]string{"a": pad(3900)}, wantTier: "Standard", wantPuts: 1},
		{name: "advanced", values: map[string]string{"a": pad(5000)}, wantTier: "Advanced", wantPuts: 1},
		{name: "too large", values: map[string]string{"big": pad(6000), "mid": pad(2500), "small": pad(10)},
			wantError: []string{"more than the 8192 bytes", "/meltano/prod/inventory", "big (6009 bytes, 69%)",
				"mid (2509 bytes, 28%)", "small (21 bytes, 0%)"}},
		{name: "stays advanced", prior: map[string]string{"a": pad(5000)}, values: map[string]string{"a": pad(10)},
			wantTier: "Advanced", wantPuts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			st := newStore(t, srv, ssmstore.Options{})
			prod := claim(t, st, "prod")
			if tt.prior != nil {
				_, err := st.Put(t.Context(), prod, document(t, "prod", "p", tt.prior))
				require.NoError(t, err)
			}
			before := srv.CallsOn("PutParameter", "/meltano/prod/inventory")
			res, err := st.Put(t.Context(), prod, document(t, "prod", "c", tt.values))
			if tt.wantError != nil {
				require.ErrorIs(t, err, ssmstore.ErrTooLarge)
				var tl *ssmstore.TooLargeError
				require.ErrorAs(t, err, &tl)
				for _, s := range tt.wantError {
					assert.ErrorContains(t, err, s)
				}
				assert.Equal(t, before, srv.CallsOn("PutParameter", "/meltano/prod/inventory"), "nothing written")
				return
			}
			require.NoError(t, err)
			assert.True(t, res.Written)
			vs := srv.Versions("/meltano/prod/inventory")
			assert.Equal(t, tt.wantTier, vs[len(vs)-1].Tier)
			assert.Equal(t, tt.wantPuts, srv.CallsOn("PutParameter", "/meltano/prod/inventory")-before)
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		op        string
		fault     ssmtest.Fault
		n         int
		wantError string
	}{
		{name: "throttled put", op: "PutParameter", fault: ssmtest.Throttling, n: 2},
		{name: "throttled get", op: "GetParameter", fault: ssmtest.Throttling, n: 2},
		{name: "5xx on label", op: "LabelParameterVersion", fault: ssmtest.InternalError, n: 2},
		{name: "5xx on put exhausts retries", op: "PutParameter", fault: ssmtest.InternalError, n: 3,
			wantError: "put ssm parameter /meltano/prod/inventory"},
		{name: "throttled reads exhaust retries", op: "GetParameter", fault: ssmtest.Throttling, n: 3,
			wantError: "put inventory: read the current one first: get ssm parameter /meltano/prod/inventory: " +
				"operation error SSM: GetParameter, exceeded maximum number of attempts, 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			st := newStore(t, srv, ssmstore.Options{})
			prod := claim(t, st, "prod")
			const name = "/meltano/prod/inventory"
			srv.FailNextOn(tt.op, name, tt.n, tt.fault)
			res, err := st.Put(t.Context(), prod, document(t, "prod", "c", map[string]string{"a": `1`}))
			if tt.wantError != "" {
				assert.ErrorContains(t, err, tt.wantError)
				return
			}
			require.NoError(t, err)
			assert.True(t, res.Written)
			assert.Equal(t, int64(1), res.Version.Number)
			assert.Equal(t, tt.n+1, srv.CallsOn(tt.op, name)-map[string]int{"GetParameter": 1}[tt.op])
		})
	}
}

func TestReadBackMismatch(t *testing.T) {
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	srv.Tamper(func(_ string, _ int64, value string) string { return strings.Replace(value, `"a":1`, `"a":2`, 1) })
	_, err := st.Put(t.Context(), claim(t, st, "prod"), document(t, "prod", "c", map[string]string{"a": `1`}))
	require.ErrorIs(t, err, inventory.ErrReadBack)
	assert.EqualError(t, err, "ssm parameter /meltano/prod/inventory version 1: "+inventory.ErrReadBack.Error())
}

func TestVersionLimit(t *testing.T) {
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	prod := claim(t, st, "prod")
	for i := range 101 {
		res, err := st.Put(t.Context(), prod, document(t, "prod", fmt.Sprintf("c%d", i), map[string]string{"i": fmt.Sprint(i)}))
		require.NoError(t, err, "put %d", i)
		require.Equal(t, int64(i+1), res.Version.Number)
	}
	assert.Equal(t, 1, srv.Calls("UnlabelParameterVersion"))
	vs := srv.Versions("/meltano/prod/inventory")
	require.Len(t, vs, 100)
	assert.Equal(t, int64(2), vs[0].Number)
	assert.Equal(t, []string{"commit-c100"}, vs[99].Labels)
}

func TestNewFromEnv(t *testing.T) {
	srv := ssmtest.NewServer(t)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_SSM":                srv.URL,
		"AWS_ACCESS_KEY_ID":                   "AKIDFROMENV",
		"AWS_SECRET_ACCESS_KEY":               "secret",
		"AWS_SESSION_TOKEN":                   "",
		"AWS_PROFILE":                         "",
		"AWS_REGION":                          "",
		"AWS_DEFAULT_REGION":                  "",
		"AWS_CONFIG_FILE":                     dir + "/config",
		"AWS_SHARED_CREDENTIALS_FILE":         dir + "/credentials",
		"AWS_EC2_METADATA_DISABLED":           "true",
		"AWS_ENDPOINT_URL":                    "",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "",
	} {
		t.Setenv(k, v)
	}
	st, err := ssmstore.NewFromEnv(t.Context(), "eu-west-1", ssmstore.Options{Name: paramName})
	require.NoError(t, err)
	_, err = st.Put(t.Context(), claim(t, st, "prod"), document(t, "prod", "c", map[string]string{"a": `1`}))
	require.NoError(t, err)
	vs := srv.Versions("/meltano/prod/inventory")
	require.Len(t, vs, 1)
	assert.Equal(t, "arn:aws:iam::123456789012:user/AKIDFROMENV", vs[0].User)

	_, err = ssmstore.NewFromEnv(t.Context(), "", ssmstore.Options{Name: paramName})
	assert.ErrorContains(t, err, "no region")
}

func TestClientPut(t *testing.T) {
	// The store's parameter is readable by any SSM client, as the project
	// tier's tools (or people) may read it directly.
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	doc := document(t, "prod", "abc", map[string]string{"a": `1`})
	_, err := st.Put(t.Context(), claim(t, st, "prod"), doc)
	require.NoError(t, err)
	out, err := srv.Client().GetParameter(t.Context(), &ssm.GetParameterInput{
		Name: aws.String("/meltano/prod/inventory:commit-abc"), WithDecryption: aws.Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, types.ParameterTypeSecureString, out.Parameter.Type)
	parsed, err := inventory.Parse([]byte(aws.ToString(out.Parameter.Value)))
	require.NoError(t, err)
	assert.True(t, parsed.SameContent(doc))
}
