package deploy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/cluster"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// releaseConfig has a release whose set values read the commit, the
// environment and two variables, one of them secret; staging reaches its
// cluster from the inventory, prod through a kubeconfig context.
const releaseConfig = `version: 1
environments:
  - name: staging
    cluster:
      endpoint: cluster.endpoint
      ca_data: cluster.ca_data
      eks:
        cluster_name: cluster.name
        role_arn: arn:aws:iam::111122223333:role/{environment}-deployer
  - name: prod
    kube_context: prod-cluster
tiers:
  - name: infrastructure
    terraform:
      dir: infra/{environment}
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    helm:
      - release: app
        chart: charts/app
        set:
          image.tag: "{commit}"
          podAnnotations.environment: "{environment}"
          sentry.dsn: "https://{env.SENTRY_DSN}@sentry.example/1"
          region: "{env.REGION}"
          replicas: 2
        env:
          - name: SENTRY_DSN
            secret: true
          - name: REGION
`

// dsn is the secret variable's value: a workflow command, to show that it
// is registered as a mask and never printed.
const dsn = "::warning::s3cr3t-dsn-MARKER"

// recordingMasker records the masks registered, in order with the stages
// built (w.events).
type recordingMasker struct {
	mu     *sync.Mutex
	events *[]string
}

func (m recordingMasker) AddMask(secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	*m.events = append(*m.events, "mask "+secret)
	return nil
}

// releaseWorld is a world with releaseConfig, the job's environment and
// a record of masks and stages built.
type releaseWorld struct {
	*world
	deps   Deps
	env    map[string]string
	mu     sync.Mutex
	events []string
}

func newReleaseWorld(t *testing.T) *releaseWorld {
	w := &releaseWorld{world: newWorld(t), env: map[string]string{"SENTRY_DSN": dsn, "REGION": "eu-west-1"}}
	cfg, err := config.Parse("tierdeploy.yaml", []byte(releaseConfig))
	require.NoError(t, err)
	cfg.Root = "/repo"
	build := w.tools.newHelm
	w.tools.newHelm = func(spec HelmSpec) (HelmStage, error) {
		w.mu.Lock()
		w.events = append(w.events, "build "+spec.Stack.String()+" "+spec.Release.Release)
		w.mu.Unlock()
		return build(spec)
	}
	w.deps = Deps{Config: cfg, Tools: w.tools, Now: fixedNow, Masker: recordingMasker{mu: &w.mu, events: &w.events},
		LookupEnv: func(name string) (string, bool) {
			v, ok := w.env[name]
			return v, ok
		}}
	return w
}

// selfSignedCA returns the PEM of a new CA certificate.
func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// clusterInventory is staging's inventory with its cluster's address.
func clusterInventory(t *testing.T, ca []byte) *inventory.Document {
	t.Helper()
	v, err := json.Marshal(map[string]string{"endpoint": "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
		"ca_data": base64.StdEncoding.EncodeToString(ca), "name": "meltano-staging"})
	require.NoError(t, err)
	return &inventory.Document{Schema: inventory.SchemaV1, Environment: "staging", Tier: "infrastructure", Commit: oldCommit,
		Values: map[string]json.RawMessage{"cluster": v}}
}

// TestSetValuesReachTheStages checks what each command's releases are
// built with: the set entries expanded with the environment, the commit
// the command is for (the head planned, the commit applied, the commit
// checked), and the job's variables; the secret one registered as a mask
// before the release's stage is built, and in every Result's Secrets.
func TestSetValuesReachTheStages(t *testing.T) {
	const planned, checked = "3333333333333333333333333333333333333333", "4444444444444444444444444444444444444444"
	ca := selfSignedCA(t)
	tests := []struct {
		name   string
		run    func(t *testing.T, w *releaseWorld, st *fakeStore) *Outcome
		commit string
	}{
		{"plan", func(t *testing.T, w *releaseWorld, st *fakeStore) *Outcome {
			p := &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:all", "project/prod:all"),
				Commit: planned + " (with uncommitted changes)", Head: planned, Parallelism: 2, WorkDir: t.TempDir()}
			out, err := p.Run(t.Context())
			require.NoError(t, err)
			return out
		}, planned},
		{"apply", func(t *testing.T, w *releaseWorld, st *fakeStore) *Outcome {
			a := &Apply{Deps: w.deps, Store: st, Claims: newFakeClaims(t, "staging", "prod"), Host: &fakeHost{}, Detector: fakeDetector{},
				Environments: []string{"staging", "prod"}, Detected: stacks("project/staging:all", "project/prod:all"),
				Commit: headCommit, Parallelism: 2, WorkDir: t.TempDir()}
			out, err := a.Run(t.Context())
			require.NoError(t, err)
			return out
		}, headCommit},
		{"drift", func(t *testing.T, w *releaseWorld, st *fakeStore) *Outcome {
			d := &Drift{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:", "project/prod:"),
				Commit: checked, Head: checked, Parallelism: 2, WorkDir: t.TempDir()}
			out, err := d.Run(t.Context())
			require.NoError(t, err)
			return out
		}, checked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newReleaseWorld(t)
			st := newFakeStore()
			st.docs["staging"] = clusterInventory(t, ca)
			st.docs["prod"] = &inventory.Document{Schema: inventory.SchemaV1, Environment: "prod", Tier: "infrastructure", Commit: oldCommit}
			changed := func(context.Context) (plan.Result, error) {
				return plan.Result{HasChanges: true, Counts: plan.Counts{Change: 1}, Fingerprint: "sha256:app"}, nil
			}
			for _, env := range []string{"staging", "prod"} {
				w.release("project/"+env, "app", &fakeHelm{plan: changed, apply: changed, drift: changed})
			}
			out := tt.run(t, w, st)

			for _, env := range []string{"staging", "prod"} {
				spec := w.helmSpec("project/"+env, "app")
				assert.Equal(t, []config.SetEntry{
					{Path: "image.tag", Value: tt.commit, Template: "{commit}"},
					{Path: "podAnnotations.environment", Value: env, Template: "{environment}"},
					{Path: "region", Value: "eu-west-1", Template: "{env.REGION}"},
					{Path: "replicas", Value: int64(2), Template: "2"},
					{Path: "sentry.dsn", Value: "https://" + dsn + "@sentry.example/1", Template: "https://{env.SENTRY_DSN}@sentry.example/1",
						Secret: true, SecretValues: []string{dsn}},
				}, spec.Set, env)
			}
			// One mask per secret and run, before any release's stage.
			w.mu.Lock()
			events := append([]string(nil), w.events...)
			w.mu.Unlock()
			require.NotEmpty(t, events)
			assert.Equal(t, "mask "+dsn, events[0])
			assert.Equal(t, 1, strings.Count(strings.Join(events, "\n"), "mask "), events)
			for _, s := range out.Stacks {
				require.False(t, s.Failed(), "%v", s.Failure())
				for _, r := range s.Results {
					if r.Kind == plan.Helm {
						assert.Contains(t, r.Secrets, dsn, "%s %s", s.Stack.Key(), r.Name)
					}
				}
			}
			assert.Contains(t, out.Secrets(), dsn)
		})
	}
}

// TestUnsetVariableFailsTheRelease: a variable the job does not set fails
// the release with a *config.SetError naming it (bad input), before its
// stage is built; the other environment's release is unaffected.
func TestUnsetVariableFailsTheRelease(t *testing.T) {
	w := newReleaseWorld(t)
	delete(w.env, "REGION")
	st := newFakeStore()
	st.docs["staging"] = clusterInventory(t, selfSignedCA(t))
	p := &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:all"), Commit: headCommit, WorkDir: t.TempDir()}
	out, err := p.Run(t.Context())
	require.NoError(t, err)
	require.Len(t, out.Stacks, 1)
	res := out.Stacks[0].Results
	require.Len(t, res, 1)
	var se *config.SetError
	require.ErrorAs(t, res[0].Err, &se)
	assert.True(t, errors.Is(res[0].Err, config.ErrUnset))
	assert.Equal(t, "helm release app: set region: {env.REGION}: environment variable REGION is not set: set it in the job's environment: placeholder has no value",
		res[0].Err.Error())
	assert.NotContains(t, res[0].Err.Error(), dsn)
	assert.Empty(t, w.helmSpec("project/staging", "app").Release.Release, "no stage is built")

	// Without a commit, {commit} has no value either.
	w = newReleaseWorld(t)
	p = &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:all"), WorkDir: t.TempDir()}
	out, err = p.Run(t.Context())
	require.NoError(t, err)
	assert.ErrorIs(t, out.Stacks[0].Results[0].Err, config.ErrUnset)
}

// TestClusterFromTheInventory: a stack with a cluster: block gets the
// cluster resolved from the inventory it reads, and no kubeconfig context;
// one without gets --kube-context, else its environment's kube_context.
// While the infrastructure plan creates the cluster, the cluster is
// pending; a missing key fails the releases with the key named.
func TestClusterFromTheInventory(t *testing.T) {
	ca := selfSignedCA(t)
	t.Run("published", func(t *testing.T) {
		w := newReleaseWorld(t)
		st := newFakeStore()
		st.docs["staging"] = clusterInventory(t, ca)
		p := &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:all", "project/prod:all"), Commit: headCommit, WorkDir: t.TempDir()}
		_, err := p.Run(t.Context())
		require.NoError(t, err)
		spec := w.helmSpec("project/staging", "app")
		require.NotNil(t, spec.Cluster)
		assert.Equal(t, cluster.Target{Endpoint: "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com", CAData: ca, ClusterName: "meltano-staging",
			RoleARN: "arn:aws:iam::111122223333:role/staging-deployer", Region: "eu-west-1"}, *spec.Cluster)
		assert.Empty(t, spec.KubeContext)
		prod := w.helmSpec("project/prod", "app")
		assert.Nil(t, prod.Cluster)
		assert.Equal(t, "prod-cluster", prod.KubeContext)
	})
	t.Run("kube-context flag", func(t *testing.T) {
		w := newReleaseWorld(t)
		w.deps.KubeContext = "platform/agents:meltano"
		st := newFakeStore()
		st.docs["staging"] = clusterInventory(t, ca)
		p := &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:all", "project/prod:all"), Commit: headCommit, WorkDir: t.TempDir()}
		_, err := p.Run(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "platform/agents:meltano", w.helmSpec("project/prod", "app").KubeContext)
		staging := w.helmSpec("project/staging", "app")
		assert.NotNil(t, staging.Cluster)
		assert.Empty(t, staging.KubeContext, "cluster: wins over the flag")
	})
	t.Run("created by the plan", func(t *testing.T) {
		w := newReleaseWorld(t)
		st := newFakeStore()
		w.terraform("infrastructure/staging", &fakeTF{plan: changes(1, plan.OutputChange{Name: "cluster", Action: plan.Create, AfterUnknown: true})})
		p := &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("infrastructure/staging:all", "project/staging:inventory"), Commit: headCommit, WorkDir: t.TempDir()}
		out, err := p.Run(t.Context())
		require.NoError(t, err)
		require.Equal(t, []string{"infrastructure/staging changes", "project/staging clean"}, outcomeLines(out))
		spec := w.helmSpec("project/staging", "app")
		require.NotNil(t, spec.Cluster)
		assert.Equal(t, []string{"cluster.endpoint", "cluster.ca_data", "cluster.name"}, spec.Cluster.Pending)
		assert.Equal(t, "the new EKS cluster", spec.Cluster.Name())
	})
	t.Run("key missing", func(t *testing.T) {
		w := newReleaseWorld(t)
		st := newFakeStore()
		doc := clusterInventory(t, ca)
		doc.Values = map[string]json.RawMessage{"cluster": json.RawMessage(`{"endpoint":"https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com"}`)}
		st.docs["staging"] = doc
		p := &Plan{Deps: w.deps, Inventory: st, Stacks: stacks("project/staging:all"), Commit: headCommit, WorkDir: t.TempDir()}
		out, err := p.Run(t.Context())
		require.NoError(t, err)
		res := out.Stacks[0].Results
		require.Len(t, res, 1)
		var ke *cluster.KeyError
		require.ErrorAs(t, res[0].Err, &ke)
		assert.Equal(t, "environments[0].cluster.ca_data", ke.Field)
		assert.Empty(t, w.helmSpec("project/staging", "app").Release.Release, "no stage is built")
	})
}
