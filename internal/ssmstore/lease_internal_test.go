package ssmstore

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
)

// racingAPI runs beforeTakeover once, just before the store overwrites a
// lock, to play another writer racing for it.
type racingAPI struct {
	ssmAPI
	beforeTakeover func(ctx context.Context)
}

func (r *racingAPI) PutParameter(ctx context.Context, in *ssm.PutParameterInput,
	optFns ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	if aws.ToBool(in.Overwrite) && r.beforeTakeover != nil {
		f := r.beforeTakeover
		r.beforeTakeover = nil
		f(ctx)
	}
	return r.ssmAPI.PutParameter(ctx, in, optFns...)
}

func TestTakeoverRace(t *testing.T) {
	const lock = "/inv/prod.lock"
	start := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	putLease := func(t *testing.T, c *ssm.Client, holder string, at time.Time, overwrite bool) {
		l, err := inventory.NewLease(holder, at, time.Minute)
		require.NoError(t, err)
		_, err = c.PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String(lock),
			Value: aws.String(string(l.Marshal())), Type: types.ParameterTypeString, Overwrite: aws.Bool(overwrite)})
		require.NoError(t, err)
	}
	tests := []struct {
		name       string
		competitor func(t *testing.T, c *ssm.Client) func(ctx context.Context)
		wantHolder string // the holder of the lock afterwards
		wantHeld   bool
	}{
		{
			name: "another writer took it over first",
			competitor: func(t *testing.T, c *ssm.Client) func(context.Context) {
				return func(context.Context) { putLease(t, c, "competitor", start.Add(2*time.Minute), true) }
			},
			wantHolder: "competitor",
			wantHeld:   true,
		},
		{
			name: "the expired lock was deleted meanwhile",
			competitor: func(t *testing.T, c *ssm.Client) func(ctx context.Context) {
				return func(ctx context.Context) {
					_, err := c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(lock)})
					require.NoError(t, err)
				}
			},
			wantHolder: "us",
		},
		{
			name:       "no race",
			competitor: func(*testing.T, *ssm.Client) func(context.Context) { return func(context.Context) {} },
			wantHolder: "us",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			c := srv.Client()
			putLease(t, c, "expired", start, false)
			api := &racingAPI{ssmAPI: c, beforeTakeover: tt.competitor(t, c)}
			st, err := newStore(api, Options{Name: "/inv/{environment}",
				Now: func() time.Time { return start.Add(2 * time.Minute) }})
			require.NoError(t, err)

			claim, err := st.Acquire(t.Context(), "prod", "us", time.Minute)
			if tt.wantHeld {
				var held *inventory.HeldError
				require.ErrorAs(t, err, &held)
				assert.Equal(t, tt.wantHolder, held.Holder)
			} else {
				require.NoError(t, err)
				defer func() { require.NoError(t, claim.Release(t.Context())) }()
			}
			v, ok := srv.Value(lock)
			require.True(t, ok)
			l, err := inventory.ParseLease([]byte(v))
			require.NoError(t, err)
			assert.Equal(t, tt.wantHolder, l.Holder)
		})
	}
}
