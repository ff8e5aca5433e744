package ssmstore_test

import (
	"fmt"
	"strings"
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

const appliedName = "/meltano/prod/inventory.applied"

var appliedAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// started returns prod's record with an apply of infrastructure in progress.
func started() *inventory.Applied {
	a := inventory.NewApplied("prod")
	a.Start("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt, Run: "https://ci.example.test/1"})
	return a
}

func TestAppliedNotFound(t *testing.T) {
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	a, err := st.GetApplied(t.Context(), "prod")
	require.NoError(t, err)
	assert.Equal(t, inventory.NewApplied("prod"), a)
	assert.Equal(t, 0, srv.Calls("PutParameter"), "reading creates nothing")
}

func TestAppliedRoundTrip(t *testing.T) {
	srv := ssmtest.NewServer(t)
	clk := newClock()
	st := newStore(t, srv, ssmstore.Options{KMSKeyID: "alias/meltano", Now: clk.Now})
	ctx := t.Context()
	assert.Equal(t, appliedName, st.AppliedName("prod"))

	// The way apply uses it: read-modify-write under the lease.
	prod, err := st.Acquire(ctx, "prod", "pipeline 42", 10*time.Minute)
	require.NoError(t, err)
	a, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	a.Start("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt, Run: "https://ci.example.test/1"})
	require.NoError(t, st.PutApplied(ctx, prod, a))
	require.NoError(t, prod.Release(ctx))

	vs := srv.Versions(appliedName)
	require.Len(t, vs, 1)
	assert.Equal(t, "String", vs[0].Type)
	assert.Equal(t, "Standard", vs[0].Tier)
	assert.Empty(t, vs[0].KeyID, "no KMS key")
	want, err := a.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(want), vs[0].Value, "the compact canonical record")

	got, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, a, got)
	assert.Contains(t, got.Interrupted(), "infrastructure", "a later run sees the apply in progress")

	got.Finish("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt.Add(time.Minute), InventoryVersion: 4})
	require.NoError(t, st.PutApplied(ctx, claim(t, st, "prod"), got))
	assert.Len(t, srv.Versions(appliedName), 2, "each write is a version")
	again, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, got, again)
	assert.Empty(t, again.Interrupted())

	staging, err := st.GetApplied(ctx, "staging")
	require.NoError(t, err)
	assert.Equal(t, inventory.NewApplied("staging"), staging, "environments are separate")
	_, _, err = st.Get(ctx, "prod")
	assert.ErrorIs(t, err, inventory.ErrNotFound, "the apply record is not the inventory")

	// Any SSM client reads it without decryption.
	out, err := srv.Client().GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(appliedName)})
	require.NoError(t, err)
	assert.Equal(t, types.ParameterTypeString, out.Parameter.Type)
	_, err = inventory.ParseApplied([]byte(aws.ToString(out.Parameter.Value)))
	require.NoError(t, err)
}

func TestAppliedFaults(t *testing.T) {
	tests := []struct {
		name      string
		op        string
		fault     ssmtest.Fault
		n         int
		get       bool // GetApplied rather than PutApplied
		wantError string
	}{
		{name: "throttled put", op: "PutParameter", fault: ssmtest.Throttling, n: 2},
		{name: "throttled read back", op: "GetParameter", fault: ssmtest.Throttling, n: 2},
		{name: "throttled get", op: "GetParameter", fault: ssmtest.Throttling, n: 2, get: true},
		{name: "5xx on put", op: "PutParameter", fault: ssmtest.InternalError, n: 2},
		{name: "503 on get", op: "GetParameter", fault: ssmtest.Unavailable, n: 2, get: true},
		{name: "5xx on put exhausts retries", op: "PutParameter", fault: ssmtest.InternalError, n: 3,
			wantError: "put ssm parameter " + appliedName + ": operation error SSM: PutParameter, exceeded maximum number of attempts, 3, " +
				"https response error StatusCode: 500"},
		{name: "5xx on read back exhausts retries", op: "GetParameter", fault: ssmtest.InternalError, n: 3,
			wantError: "read back ssm parameter " + appliedName + " version 1: operation error SSM: GetParameter, " +
				"exceeded maximum number of attempts, 3, https response error StatusCode: 500"},
		{name: "throttled get exhausts retries", op: "GetParameter", fault: ssmtest.Throttling, n: 3, get: true,
			wantError: "get ssm parameter " + appliedName + ": operation error SSM: GetParameter, " +
				"exceeded maximum number of attempts, 3, https response error StatusCode: 400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			st := newStore(t, srv, ssmstore.Options{})
			prod := claim(t, st, "prod")
			if tt.get {
				require.NoError(t, st.PutApplied(t.Context(), prod, started()))
			}
			before := srv.CallsOn(tt.op, appliedName)
			srv.FailNextOn(tt.op, appliedName, tt.n, tt.fault)
			var err error
			if tt.get {
				var a *inventory.Applied
				a, err = st.GetApplied(t.Context(), "prod")
				if err == nil {
					assert.Equal(t, started(), a)
				}
			} else {
				err = st.PutApplied(t.Context(), prod, started())
			}
			if tt.wantError != "" {
				assert.ErrorContains(t, err, tt.wantError)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.n+1, srv.CallsOn(tt.op, appliedName)-before, "retried until it went through")
			v, ok := srv.Value(appliedName)
			require.True(t, ok)
			want, err := started().Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(want), v)
		})
	}
}

func TestAppliedBadParameter(t *testing.T) {
	tests := []struct {
		name      string
		value     string
		env       string
		wantError string
	}{
		{name: "not JSON", value: "garbage", env: "prod",
			wantError: "ssm parameter " + appliedName + " version 1: invalid apply record: malformed JSON"},
		{name: "an inventory document", value: `{"schema":"tierdeploy.inventory/v1"}`, env: "prod",
			wantError: `invalid apply record: field "schema": unknown schema "tierdeploy.inventory/v1"`},
		{name: "other environment", value: `{"schema":"tierdeploy.applied/v1","environment":"staging","stacks":{}}`,
			env: "prod", wantError: `holds the apply record of environment "staging", not "prod" ` +
				`(does the parameter name lack {environment}?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			st := newStore(t, srv, ssmstore.Options{})
			_, err := srv.Client().PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String(appliedName),
				Value: aws.String(tt.value), Type: types.ParameterTypeString})
			require.NoError(t, err)
			_, err = st.GetApplied(t.Context(), tt.env)
			require.ErrorIs(t, err, inventory.ErrInvalid)
			assert.ErrorContains(t, err, tt.wantError)
			assert.ErrorContains(t, err, appliedName, "names the parameter")
		})
	}
}

func TestPutAppliedRejects(t *testing.T) {
	invalid := inventory.NewApplied("prod")
	invalid.Finish("infra", inventory.ApplyMark{At: appliedAt})
	tests := []struct {
		name      string
		a         *inventory.Applied
		wantError string
	}{
		{"nil", nil, "put apply record to ssm parameter " + appliedName + ": the record is nil"},
		{"other environment", inventory.NewApplied("dev"), `the record is for environment "dev", not "prod"`},
		{"invalid record", invalid, `field "stacks.infra.last.commit": empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			st := newStore(t, srv, ssmstore.Options{})
			assert.ErrorContains(t, st.PutApplied(t.Context(), claim(t, st, "prod"), tt.a), tt.wantError)
			assert.Equal(t, 0, srv.CallsOn("PutParameter", appliedName), "nothing written")
		})
	}
}

func TestAppliedReadBackMismatch(t *testing.T) {
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	srv.Tamper(func(_ string, _ int64, value string) string { return strings.Replace(value, `"c1"`, `"c0"`, 1) })
	err := st.PutApplied(t.Context(), claim(t, st, "prod"), started())
	require.ErrorIs(t, err, inventory.ErrReadBack)
	assert.EqualError(t, err, "ssm parameter "+appliedName+" version 1: "+inventory.ErrReadBack.Error())
}

// manyStacks returns a record of n stacks, each with a finished apply and
// one in progress, with commits and run addresses of realistic length: about
// 365 bytes a stack.
func manyStacks(n int) *inventory.Applied {
	a := inventory.NewApplied("prod")
	for i := range n {
		tier := fmt.Sprintf("stack-%02d", i)
		run := fmt.Sprintf("https://ci.example.test/meltano/platform/actions/runs/%d", 10_000_000_000+i)
		a.Finish(tier, inventory.ApplyMark{Commit: strings.Repeat("a", 40), At: appliedAt, Run: run, InventoryVersion: 12})
		a.Start(tier, inventory.ApplyMark{Commit: strings.Repeat("b", 40), At: appliedAt, Run: run})
	}
	return a
}

func TestAppliedTiers(t *testing.T) {
	tests := []struct {
		name     string
		stacks   int
		wantTier string
		tooLarge bool
	}{
		{name: "ten stacks fit the Standard tier", stacks: 10, wantTier: "Standard"},
		{name: "more use the Advanced tier", stacks: 20, wantTier: "Advanced"},
		{name: "too many", stacks: 25, tooLarge: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			st := newStore(t, srv, ssmstore.Options{})
			err := st.PutApplied(t.Context(), claim(t, st, "prod"), manyStacks(tt.stacks))
			if tt.tooLarge {
				require.ErrorIs(t, err, ssmstore.ErrTooLarge)
				assert.ErrorContains(t, err, fmt.Sprintf("the apply record of %d stacks is", tt.stacks))
				assert.ErrorContains(t, err, "more than the 8192 bytes ssm parameter "+appliedName+" can hold")
				assert.Equal(t, 0, srv.CallsOn("PutParameter", appliedName), "nothing written")
				return
			}
			require.NoError(t, err)
			vs := srv.Versions(appliedName)
			require.Len(t, vs, 1)
			assert.Equal(t, tt.wantTier, vs[0].Tier)
			got, err := st.GetApplied(t.Context(), "prod")
			require.NoError(t, err)
			assert.Equal(t, manyStacks(tt.stacks), got)
		})
	}

	// A record that shrinks back keeps the Advanced tier (SSM does not
	// downgrade a parameter).
	srv := ssmtest.NewServer(t)
	st := newStore(t, srv, ssmstore.Options{})
	prod := claim(t, st, "prod")
	require.NoError(t, st.PutApplied(t.Context(), prod, manyStacks(20)))
	require.NoError(t, st.PutApplied(t.Context(), prod, manyStacks(1)))
	vs := srv.Versions(appliedName)
	require.Len(t, vs, 2)
	assert.Equal(t, "Advanced", vs[1].Tier)
}
