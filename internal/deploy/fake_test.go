package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Hand-written fakes with function fields; a nil field answers with a
// harmless default.

type fakeTF struct {
	plan    func(ctx context.Context, refreshOnly bool) (plan.Result, error)
	apply   func(ctx context.Context) error
	outputs func(ctx context.Context) (map[string]inventory.Output, error)
}

func (f *fakeTF) Plan(ctx context.Context, refreshOnly bool) (plan.Result, error) {
	if f.plan == nil {
		return plan.Result{}, nil
	}
	return f.plan(ctx, refreshOnly)
}

func (f *fakeTF) Apply(ctx context.Context) error {
	if f.apply == nil {
		return nil
	}
	return f.apply(ctx)
}

func (f *fakeTF) Outputs(ctx context.Context) (map[string]inventory.Output, error) {
	if f.outputs == nil {
		return map[string]inventory.Output{}, nil
	}
	return f.outputs(ctx)
}

type fakeHelm struct {
	plan, apply, drift func(ctx context.Context) (plan.Result, error)
}

func call(fn func(context.Context) (plan.Result, error), ctx context.Context) (plan.Result, error) {
	if fn == nil {
		return plan.Result{}, nil
	}
	return fn(ctx)
}

func (f *fakeHelm) Plan(ctx context.Context) (plan.Result, error)  { return call(f.plan, ctx) }
func (f *fakeHelm) Apply(ctx context.Context) (plan.Result, error) { return call(f.apply, ctx) }
func (f *fakeHelm) Drift(ctx context.Context) (plan.Result, error) { return call(f.drift, ctx) }

type fakeTools struct {
	find         func(ctx context.Context, req BinaryRequest) (Binary, error)
	choose       func(ctx context.Context, req BinaryRequest) (Binary, error)
	newTerraform func(spec TerraformSpec) (TerraformStage, error)
	newHelm      func(spec HelmSpec) (HelmStage, error)
}

func (f *fakeTools) FindTerraform(ctx context.Context, req BinaryRequest) (Binary, error) {
	if f.find == nil {
		return Binary{Path: "/bin/tofu", Version: "OpenTofu v1.10.10"}, nil
	}
	return f.find(ctx, req)
}

func (f *fakeTools) SelectTerraform(ctx context.Context, req BinaryRequest) (Binary, error) {
	if f.choose == nil {
		return Binary{Version: "OpenTofu 1.10.10", Location: "on PATH"}, nil
	}
	return f.choose(ctx, req)
}

func (f *fakeTools) NewTerraform(spec TerraformSpec) (TerraformStage, error) {
	return f.newTerraform(spec)
}

func (f *fakeTools) NewHelm(_ context.Context, spec HelmSpec) (HelmStage, error) {
	if f.newHelm == nil {
		return nil, ErrNoHelm
	}
	return f.newHelm(spec)
}

// fakeStore keeps inventories and apply records in memory; the function
// fields replace a method.
type fakeStore struct {
	mu      sync.Mutex
	docs    map[string]*inventory.Document
	version map[string]int64
	applied map[string]*inventory.Applied
	// writes records every record written, encoded.
	writes []string

	get        func(ctx context.Context, env string) (*inventory.Document, inventory.Version, error)
	put        func(ctx context.Context, env string, doc *inventory.Document) (inventory.PutResult, error)
	getApplied func(ctx context.Context, env string) (*inventory.Applied, error)
	putApplied func(ctx context.Context, env string, rec *inventory.Applied) error
}

func newFakeStore() *fakeStore {
	return &fakeStore{docs: map[string]*inventory.Document{}, version: map[string]int64{}, applied: map[string]*inventory.Applied{}}
}

func (s *fakeStore) Get(ctx context.Context, env string) (*inventory.Document, inventory.Version, error) {
	if s.get != nil {
		return s.get(ctx, env)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[env]
	if !ok {
		return nil, inventory.Version{}, inventory.ErrNotFound
	}
	return d, inventory.Version{Number: s.version[env]}, nil
}

// claimed refuses a write without a claim, as the stores do.
func claimed(c *inventory.Claim) (string, error) {
	if c == nil {
		return "", errors.New("no lease held")
	}
	return c.Environment(), nil
}

func (s *fakeStore) Put(ctx context.Context, c *inventory.Claim, doc *inventory.Document) (res inventory.PutResult, err error) {
	env, err := claimed(c)
	if err != nil {
		return res, err
	}
	err = c.Write(ctx, func(ctx context.Context) error {
		res, err = s.write(ctx, env, doc)
		return err
	})
	return res, err
}

func (s *fakeStore) write(ctx context.Context, env string, doc *inventory.Document) (inventory.PutResult, error) {
	if s.put != nil {
		return s.put(ctx, env, doc)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.docs[env]; ok && cur.SameContent(doc) {
		return inventory.PutResult{Version: inventory.Version{Number: s.version[env]}}, nil
	}
	s.docs[env] = doc
	s.version[env]++
	return inventory.PutResult{Written: true, Version: inventory.Version{Number: s.version[env]}}, nil
}

func (s *fakeStore) GetApplied(ctx context.Context, env string) (*inventory.Applied, error) {
	if s.getApplied != nil {
		return s.getApplied(ctx, env)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.applied[env]; ok {
		b, _ := rec.Marshal()
		return inventory.ParseApplied(b)
	}
	return inventory.NewApplied(env), nil
}

func (s *fakeStore) PutApplied(ctx context.Context, c *inventory.Claim, rec *inventory.Applied) error {
	env, err := claimed(c)
	if err != nil {
		return err
	}
	return c.Write(ctx, func(ctx context.Context) error { return s.writeApplied(ctx, env, rec) })
}

func (s *fakeStore) writeApplied(ctx context.Context, env string, rec *inventory.Applied) error {
	if s.putApplied != nil {
		return s.putApplied(ctx, env, rec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := rec.Marshal()
	if err != nil {
		return err
	}
	s.writes = append(s.writes, string(b))
	s.applied[env], _ = inventory.ParseApplied(b)
	return nil
}

// record returns the environment's apply record as stored.
func (s *fakeStore) record(env string) *inventory.Applied {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.applied[env]; ok {
		return rec
	}
	return inventory.NewApplied(env)
}

// fakeLock is a store's lock that this run holds until another run takes
// it over.
type fakeLock struct {
	mu    sync.Mutex
	other string
}

func (f *fakeLock) takeOver(holder string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.other = holder
}

func (f *fakeLock) lost() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.other != "" {
		return &inventory.LostError{Lock: "prod.lock", Holder: f.other, Since: fixedNow()}
	}
	return nil
}

func (f *fakeLock) Check(context.Context, inventory.Lease) error                  { return f.lost() }
func (f *fakeLock) Renew(context.Context, inventory.Lease, inventory.Lease) error { return f.lost() }
func (f *fakeLock) Release(context.Context, inventory.Lease) error                { return f.lost() }
func (f *fakeLock) Fence(ctx context.Context, _ inventory.Lease, write func(context.Context) error) error {
	if err := f.lost(); err != nil {
		return err
	}
	return write(ctx)
}

// fakeClaims holds a claim on every environment.
type fakeClaims struct {
	claims map[string]*inventory.Claim
	locks  map[string]*fakeLock
}

func newFakeClaims(t *testing.T, envs ...string) *fakeClaims {
	c := &fakeClaims{claims: map[string]*inventory.Claim{}, locks: map[string]*fakeLock{}}
	for _, e := range envs {
		l, err := inventory.NewLease("this run", time.Now(), time.Hour)
		require.NoError(t, err)
		c.locks[e] = &fakeLock{}
		c.claims[e] = inventory.NewClaim(e, e+".lock", l, c.locks[e], nil)
	}
	return c
}

func (c *fakeClaims) Of(env string) *inventory.Claim { return c.claims[env] }

// fakeHost is the platform's API; calls are recorded.
type fakeHost struct {
	mu            sync.Mutex
	calls         []string
	mergedChange  func(ctx context.Context, sha string) (int, bool, error)
	findComment   func(ctx context.Context, number int, marker string) (scm.Comment, bool, error)
	upsertComment func(ctx context.Context, number int, marker, body string) (scm.Result, error)
	syncIssues    func(ctx context.Context, s scm.IssueSync) ([]scm.Result, error)
}

func (h *fakeHost) record(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, fmt.Sprintf(format, args...))
}

func (h *fakeHost) MergedChange(ctx context.Context, sha string) (int, bool, error) {
	h.record("MergedChange %s", sha)
	if h.mergedChange == nil {
		return 0, false, nil
	}
	return h.mergedChange(ctx, sha)
}

func (h *fakeHost) FindComment(ctx context.Context, number int, marker string) (scm.Comment, bool, error) {
	h.record("FindComment #%d %s", number, marker)
	if h.findComment == nil {
		return scm.Comment{}, false, nil
	}
	return h.findComment(ctx, number, marker)
}

func (h *fakeHost) UpsertComment(ctx context.Context, number int, marker, body string) (scm.Result, error) {
	h.record("UpsertComment #%d %s", number, marker)
	if h.upsertComment == nil {
		return scm.Result{Outcome: scm.Created}, nil
	}
	return h.upsertComment(ctx, number, marker, body)
}

func (h *fakeHost) SyncIssues(ctx context.Context, s scm.IssueSync) ([]scm.Result, error) {
	h.record("SyncIssues open=%d resolved=%d", len(s.Open), len(s.Resolved))
	if h.syncIssues == nil {
		return nil, nil
	}
	return h.syncIssues(ctx, s)
}

// fakeDetector selects stacks between two commits.
type fakeDetector struct {
	detect func(ctx context.Context, base, head string) ([]tier.Stack, error)
}

func (d fakeDetector) Detect(ctx context.Context, base, head string) ([]tier.Stack, error) {
	if d.detect == nil {
		return nil, nil
	}
	return d.detect(ctx, base, head)
}

// fakeConsole records what the flow shows.
type fakeConsole struct {
	mu     sync.Mutex
	events []string
}

func (c *fakeConsole) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, s)
}

func (c *fakeConsole) Begin(stacks []plan.Stack) {
	c.add(fmt.Sprintf("begin %v", stacks))
}
func (c *fakeConsole) Logger(plan.Stack) *slog.Logger { return slog.New(slog.DiscardHandler) }
func (c *fakeConsole) Started(s plan.Stack)           { c.add("started " + s.String()) }
func (c *fakeConsole) Finished(s plan.Stack, o *StackOutcome) {
	state := "done"
	switch {
	case o.Failed():
		state = "failed"
	case o.Skip != nil:
		state = "skipped " + string(o.Skip.Reason)
	}
	c.add("finished " + s.String() + " " + state)
}

// world scripts what each stack's stages answer.
type world struct {
	t     *testing.T
	mu    sync.Mutex
	tf    map[plan.Stack]*fakeTF
	helm  map[string]*fakeHelm // by stack and release: "project/prod app"
	specs map[plan.Stack]TerraformSpec
	helms map[string]HelmSpec
	tools *fakeTools
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, tf: map[plan.Stack]*fakeTF{}, helm: map[string]*fakeHelm{}, specs: map[plan.Stack]TerraformSpec{}, helms: map[string]HelmSpec{}}
	w.tools = &fakeTools{
		newTerraform: func(spec TerraformSpec) (TerraformStage, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.specs[spec.Stack] = spec
			if f, ok := w.tf[spec.Stack]; ok {
				return f, nil
			}
			return &fakeTF{}, nil
		},
		newHelm: func(spec HelmSpec) (HelmStage, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			key := spec.Stack.String() + " " + spec.Release.Release
			w.helms[key] = spec
			if f, ok := w.helm[key]; ok {
				return f, nil
			}
			return &fakeHelm{}, nil
		},
	}
	return w
}

func key(s string) plan.Stack {
	for i := range s {
		if s[i] == '/' {
			return plan.Stack{Tier: s[:i], Environment: s[i+1:]}
		}
	}
	return plan.Stack{Tier: s}
}

// terraform scripts a stack's Terraform stage.
func (w *world) terraform(stack string, f *fakeTF) { w.tf[key(stack)] = f }

// release scripts a stack's Helm release.
func (w *world) release(stack, name string, f *fakeHelm) { w.helm[stack+" "+name] = f }

// spec returns the Terraform spec a stack's stage was built with.
func (w *world) spec(stack string) TerraformSpec {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.specs[key(stack)]
}

func (w *world) helmSpec(stack, release string) HelmSpec {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.helms[stack+" "+release]
}

// changes returns a Terraform plan of n creations.
func changes(n int, outputs ...plan.OutputChange) func(context.Context, bool) (plan.Result, error) {
	return func(_ context.Context, refreshOnly bool) (plan.Result, error) {
		if refreshOnly {
			return plan.Result{}, nil
		}
		res := plan.Result{HasChanges: true, Counts: plan.Counts{Add: n}, Outputs: outputs,
			Diff: fmt.Sprintf("  # %d resources will be created\n", n), Fingerprint: fmt.Sprintf("sha256:%032d", n)}
		for i := range n {
			res.Resources = append(res.Resources, plan.ResourceChange{Address: fmt.Sprintf("terraform_data.r%d", i), Action: plan.Create})
		}
		return res, nil
	}
}

// clean is a Terraform plan with nothing to change.
func clean(context.Context, bool) (plan.Result, error) { return plan.Result{}, nil }

// failing is a Terraform plan that fails.
func failing(msg string) func(context.Context, bool) (plan.Result, error) {
	return func(context.Context, bool) (plan.Result, error) {
		err := errors.New(msg)
		return plan.Result{Err: err}, err
	}
}

const testConfig = `version: 1
environments:
  - name: staging
  - name: prod
    kube_context: prod-cluster
terraform:
  lock_timeout: 1m
tiers:
  - name: infrastructure
    terraform:
      dir: infra/{environment}
      var_files: ["infra/{environment}.tfvars"]
      backend_config: ["key={environment}.tfstate"]
      workspace: "{environment}"
    publishes_inventory: true
    sensitive_outputs: [db_password]
  - name: project
    needs: [infrastructure]
    terraform:
      dir: project/terraform
    helm:
      - release: app
        chart: charts/app
        values: ["values/{environment}.yaml"]
        inventory_values:
          database.host: db_host
      - release: worker
        chart: charts/worker
        needs: [app]
  - name: monitoring
    helm:
      - release: grafana
        chart: charts/grafana
`

func testCfg(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("tierdeploy.yaml", []byte(testConfig))
	require.NoError(t, err)
	cfg.Root = "/repo"
	return cfg
}

// stacks builds selected stacks: "infrastructure/prod:path/a.tf,inventory".
func stacks(specs ...string) []tier.Stack {
	var out []tier.Stack
	for _, sp := range specs {
		name, reasons, _ := cut(sp, ":")
		k := key(name)
		s := tier.Stack{Tier: k.Tier, Environment: k.Environment}
		for _, r := range splitList(reasons) {
			switch r {
			case "inventory":
				s.Reasons = append(s.Reasons, tier.Reason{Kind: tier.InventoryMayChange, Tier: "infrastructure"})
			case "all":
				s.Reasons = append(s.Reasons, tier.Reason{Kind: tier.SelectedAll})
			default:
				s.Reasons = append(s.Reasons, tier.Reason{Kind: tier.ChangedPath, Path: r})
			}
		}
		out = append(out, s)
	}
	return out
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func splitList(s string) []string {
	var out []string
	for s != "" {
		var part string
		part, s, _ = cut(s, ",")
		out = append(out, part)
	}
	return out
}

// fixedNow is the clock of the tests.
func fixedNow() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }

func testDeps(t *testing.T, w *world) Deps {
	return Deps{Config: testCfg(t), Tools: w.tools, Now: fixedNow, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// outcomeLines summarizes an outcome, one line per stack.
func outcomeLines(o *Outcome) []string {
	var out []string
	for _, s := range o.Stacks {
		line := s.Stack.Key().String()
		switch {
		case s.Failed():
			line += " failed: " + s.Failure().Error()
		case s.Skip != nil:
			line += " skipped: " + string(s.Skip.Reason)
		case s.HasChanges():
			line += " changes"
		default:
			line += " clean"
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}
