package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A variable listed secret for one release and plain for another would be
// masked in the first release's diff, log and notes, and shown in clear in
// the second's: the value is the same. Every listing of a variable that one
// listing marks secret must say so too.
func TestEnvVarSecretInOneReleaseIsSecretInAll(t *testing.T) {
	const cfg = `version: 1
tiers:
  - name: project
    helm:
      - release: api
        chart: charts/api
        env:
          - name: REDIS_URL
            secret: true
        set:
          redis: "{env.REDIS_URL}"
      - release: worker
        chart: charts/worker
        env:
          - name: REDIS_URL
        set:
          redis: "{env.REDIS_URL}"
`
	_, err := Parse("tierdeploy.yaml", []byte(cfg))
	var errs *Errors
	require.True(t, errors.As(err, &errs), "%v", err)
	assert.Contains(t, err.Error(), "tiers[0].helm[1].env[0].secret: is not set, but REDIS_URL is secret in tiers[0].helm[0].env[0]: mark it secret here too")
}
