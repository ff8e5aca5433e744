package ssmstore_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmstore"
	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// The store's conformance tests run the store's whole use of Parameter
// Store, through its API only, against both servers the project tests
// with: this repository's ssmtest and moto, an AWS API emulator. The two
// check each other; where one differs from the API reference, the
// difference is written down here (the reference wins, and the test fails
// when the difference goes away). internal/ssmtest's conformance tests do
// the same for the API calls one by one.

type storeBackend struct {
	name  string
	start func(t *testing.T) func() *ssm.Client
}

var storeBackends = []storeBackend{
	{name: "ssmtest", start: func(t *testing.T) func() *ssm.Client {
		srv := ssmtest.NewServer(t)
		return func() *ssm.Client { return srv.Client() }
	}},
	{name: "moto", start: func(t *testing.T) func() *ssm.Client {
		if testing.Short() {
			t.Skip("moto is an integration test")
		}
		m := testtools.Moto(t, testtools.MotoOptions{})
		return func() *ssm.Client {
			return ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL),
				Credentials: credentials.NewStaticCredentialsProvider("AKIDSSMTEST", "secret", "")})
		}
	}},
}

// storeCase is one conformance test of the store; env is an environment of
// its own on the shared server.
type storeCase struct {
	t       *testing.T
	backend string
	client  func() *ssm.Client
	env     string
}

func (c *storeCase) store(opts ssmstore.Options) *ssmstore.Store {
	c.t.Helper()
	if opts.Name == "" {
		opts.Name = paramName
	}
	st, err := ssmstore.New(c.client(), opts)
	require.NoError(c.t, err)
	return st
}

func (c *storeCase) history(name string) []types.ParameterHistory {
	c.t.Helper()
	out, err := c.client().GetParameterHistory(c.t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(name)})
	require.NoError(c.t, err)
	return out.Parameters
}

var storeConformance = []struct {
	name string
	run  func(c *storeCase)
}{
	{"put, get, history and labels", func(c *storeCase) {
		st := c.store(ssmstore.Options{KMSKeyID: "alias/meltano"})
		ctx := c.t.Context()
		name := st.Name(c.env)
		_, _, err := st.Get(ctx, c.env)
		require.ErrorIs(c.t, err, inventory.ErrNotFound)
		lease := claim(c.t, st, c.env)

		first := document(c.t, c.env, "c1", map[string]string{"db": `{"host":"a"}`})
		res, err := st.Put(ctx, lease, first)
		require.NoError(c.t, err)
		assert.True(c.t, res.Written)
		assert.Equal(c.t, int64(1), res.Version.Number)
		res, err = st.Put(ctx, lease, document(c.t, c.env, "c2", map[string]string{"db": `{ "host": "a" }`}))
		require.NoError(c.t, err)
		assert.False(c.t, res.Written, "the same content is not written again")
		second := document(c.t, c.env, "c3", map[string]string{"db": `{"host":"b"}`})
		res, err = st.Put(ctx, lease, second)
		require.NoError(c.t, err)
		assert.Equal(c.t, int64(2), res.Version.Number)

		got, ver, err := st.Get(ctx, c.env)
		require.NoError(c.t, err)
		assert.True(c.t, got.SameContent(second))
		assert.Equal(c.t, int64(2), ver.Number)
		old, _, err := st.GetVersion(ctx, c.env, 1)
		require.NoError(c.t, err)
		assert.True(c.t, old.SameContent(first))
		_, _, err = st.GetVersion(ctx, c.env, 9)
		assert.ErrorIs(c.t, err, inventory.ErrVersionNotFound)

		hist, err := st.History(ctx, c.env)
		require.NoError(c.t, err)
		require.Len(c.t, hist, 2)
		assert.Equal(c.t, []string{"commit-c1"}, hist[0].Labels)
		assert.Equal(c.t, "c3", hist[1].Commit)
		assert.Equal(c.t, []string{"commit-c3"}, hist[1].Labels)

		raw := c.history(name)
		require.Len(c.t, raw, 2)
		assert.Equal(c.t, types.ParameterTypeSecureString, raw[1].Type)
		assert.Equal(c.t, "alias/meltano", aws.ToString(raw[1].KeyId))
	}},
	{"an advanced inventory stays advanced", func(c *storeCase) {
		st := c.store(ssmstore.Options{})
		lease := claim(c.t, st, c.env)
		_, err := st.Put(c.t.Context(), lease, document(c.t, c.env, "big", map[string]string{"a": `"` + strings.Repeat("x", 5000) + `"`}))
		require.NoError(c.t, err)
		_, err = st.Put(c.t.Context(), lease, document(c.t, c.env, "small", map[string]string{"a": `"x"`}))
		require.NoError(c.t, err)
		raw := c.history(st.Name(c.env))
		require.Len(c.t, raw, 2)
		assert.Equal(c.t, types.ParameterTierAdvanced, raw[0].Tier)
		// The API reference: an advanced parameter cannot become standard
		// again; the store then writes it as advanced.
		switch c.backend {
		case "moto":
			assert.Equal(c.t, types.ParameterTierStandard, raw[1].Tier,
				"moto lets an Advanced parameter go back to Standard (the API reference refuses it): if this fails, moto follows the reference now")
			c.t.Log("moto differs from the API reference, which wins: it lets an Advanced parameter go back to Standard")
		default:
			assert.Equal(c.t, types.ParameterTierAdvanced, raw[1].Tier)
		}
	}},
	{"a lease excludes, expires and is released", func(c *storeCase) {
		clk := newClock()
		st := c.store(ssmstore.Options{Now: clk.Now})
		ctx := c.t.Context()
		first, err := st.Acquire(ctx, c.env, "pipeline 42", 10*time.Minute)
		require.NoError(c.t, err)
		_, err = st.Acquire(ctx, c.env, "pipeline 43", time.Minute)
		var held *inventory.HeldError
		require.ErrorAs(c.t, err, &held)
		assert.Equal(c.t, "pipeline 42", held.Holder)
		assert.Equal(c.t, st.LockName(c.env), held.Lock)
		raw := c.history(st.LockName(c.env))
		assert.Equal(c.t, types.ParameterTypeString, raw[0].Type)

		clk.Advance(10 * time.Minute)
		second, err := st.Acquire(ctx, c.env, "pipeline 44", time.Minute)
		require.NoError(c.t, err, "an expired lease is taken over")
		err = first.Release(ctx)
		assert.ErrorIs(c.t, err, inventory.ErrLeaseLost)
		assert.ErrorContains(c.t, err, "pipeline 44")
		require.NoError(c.t, second.Release(ctx))
		_, err = c.client().GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(st.LockName(c.env))})
		var nf *types.ParameterNotFound
		assert.ErrorAs(c.t, err, &nf, "released: the lock is gone")
		require.NoError(c.t, second.Release(ctx), "release twice")
	}},
	{"of racers for an expired lease exactly one wins", func(c *storeCase) {
		clk := newClock()
		st := c.store(ssmstore.Options{Now: clk.Now})
		_, err := st.Acquire(c.t.Context(), c.env, "expired", time.Minute)
		require.NoError(c.t, err)
		clk.Advance(time.Hour)
		var (
			mu      sync.Mutex
			winners []string
			wg      sync.WaitGroup
		)
		for i := range 6 {
			wg.Go(func() {
				holder := fmt.Sprintf("racer %d", i)
				if _, err := st.Acquire(c.t.Context(), c.env, holder, time.Hour); err == nil {
					mu.Lock()
					winners = append(winners, holder)
					mu.Unlock()
				} else {
					assert.ErrorIs(c.t, err, inventory.ErrLocked)
				}
			})
		}
		wg.Wait()
		require.Len(c.t, winners, 1, "exactly one racer takes the expired lock")
		out, err := c.client().GetParameter(c.t.Context(), &ssm.GetParameterInput{Name: aws.String(st.LockName(c.env))})
		require.NoError(c.t, err)
		l, err := inventory.ParseLease([]byte(aws.ToString(out.Parameter.Value)))
		require.NoError(c.t, err)
		assert.Equal(c.t, winners[0], l.Holder, "the lock holds the winner's lease")
	}},
	{"the apply record round-trips", func(c *storeCase) {
		clk := newClock()
		st := c.store(ssmstore.Options{Now: clk.Now})
		ctx := c.t.Context()
		lease := claim(c.t, st, c.env)
		a, err := st.GetApplied(ctx, c.env)
		require.NoError(c.t, err)
		a.Start("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt, Run: "https://ci.example.test/1"})
		require.NoError(c.t, st.PutApplied(ctx, lease, a))
		got, err := st.GetApplied(ctx, c.env)
		require.NoError(c.t, err)
		assert.Equal(c.t, a, got)
		got.Finish("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt.Add(time.Minute), InventoryVersion: 4})
		require.NoError(c.t, st.PutApplied(ctx, lease, got))
		again, err := st.GetApplied(ctx, c.env)
		require.NoError(c.t, err)
		assert.Equal(c.t, got, again)
		raw := c.history(st.AppliedName(c.env))
		require.Len(c.t, raw, 2)
		assert.Equal(c.t, types.ParameterTypeString, raw[1].Type)
	}},
}

// TestStoreConformance runs the store's conformance tests on both servers.
func TestStoreConformance(t *testing.T) {
	for _, b := range storeBackends {
		t.Run(b.name, func(t *testing.T) {
			client := b.start(t)
			for i, tc := range storeConformance {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(&storeCase{t: t, backend: b.name, client: client, env: fmt.Sprintf("env%d", i)})
				})
			}
		})
	}
}
