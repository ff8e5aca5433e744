package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/golden"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const (
	oldCommit  = "1111111111111111111111111111111111111111"
	headCommit = "2222222222222222222222222222222222222222"
)

func newApply(t *testing.T, w *world, st *fakeStore, detected []tier.Stack) *Apply {
	return &Apply{
		Deps: testDeps(t, w), Store: st, Claims: newFakeClaims(t, "staging", "prod"), Host: &fakeHost{}, Detector: fakeDetector{},
		Environments: []string{"staging", "prod"}, Detected: detected, Commit: headCommit,
		RunURL: "https://ci.example/run/2", Parallelism: 2, WorkDir: t.TempDir(),
	}
}

// applied records that every stack of env was applied at commit.
func applied(st *fakeStore, env, commit string, tiers ...string) {
	rec := inventory.NewApplied(env)
	for _, t := range tiers {
		rec.Finish(t, inventory.ApplyMark{Commit: commit, At: fixedNow()})
	}
	st.applied[env] = rec
}

// renderApply renders an apply's publication as the golden files hold it.
func renderApply(t *testing.T, o *Outcome) string {
	t.Helper()
	pub, err := ApplyPublication(o, View{Environments: []string{"staging", "prod"}, Commit: headCommit, CI: true,
		Budget: 65536, Hint: "https://ci.example/run/2", ExitCode: 0}, headCommit)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("=== report\n" + pub.Report)
	for _, c := range pub.Comments {
		b.WriteString("=== comment on the change merged as " + tier.Short(c.MergedAs) + " " + c.Environment + "\n" + c.Body)
	}
	return b.String()
}

func outputs(n int) func(context.Context) (map[string]inventory.Output, error) {
	return func(context.Context) (map[string]inventory.Output, error) {
		return map[string]inventory.Output{
			"db_host":     {Value: json.RawMessage(`"db.` + strings.Repeat("x", n) + `"`)},
			"db_password": {Value: json.RawMessage(`"s3cr3t-new-pass"`), Sensitive: true},
		}, nil
	}
}

func TestApplyFirstApply(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	var applies []string
	w.terraform("infrastructure/prod", &fakeTF{plan: changes(2), outputs: outputs(1), apply: func(context.Context) error {
		applies = append(applies, "infrastructure/prod")
		return nil
	}})
	w.release("project/prod", "app", &fakeHelm{
		plan: func(context.Context) (plan.Result, error) {
			return plan.Result{HasChanges: true, Counts: plan.Counts{Add: 3}, Fingerprint: "sha256:app"}, nil
		},
		apply: func(context.Context) (plan.Result, error) {
			applies = append(applies, "project/prod app")
			return plan.Result{HasChanges: true, Counts: plan.Counts{Add: 3}, Notes: []string{"revision 1 deployed"}}, nil
		},
	})
	a := newApply(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"))
	a.Environments = []string{"prod"}
	out, err := a.Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"infrastructure/prod changes", "project/prod changes"}, outcomeLines(out))
	assert.Equal(t, []string{"infrastructure/prod", "project/prod app"}, applies)

	rec := st.record("prod")
	require.NotNil(t, rec.Stacks["infrastructure"].Last)
	assert.Equal(t, headCommit, rec.Stacks["infrastructure"].Last.Commit)
	assert.Equal(t, int64(1), rec.Stacks["infrastructure"].Last.InventoryVersion)
	assert.Nil(t, rec.Stacks["infrastructure"].Started)
	assert.Equal(t, headCommit, rec.Stacks["project"].Last.Commit)
	// The record said the stack started before anything was applied.
	assert.Contains(t, st.writes[0], `"started":{"commit":"`+headCommit)

	// The published inventory is what the project was applied with.
	doc := st.docs["prod"]
	assert.Equal(t, headCommit, doc.Commit)
	assert.Equal(t, doc, w.helmSpec("project/prod", "app").Inventory)
	golden.Assert(t, "apply-first", renderApply(t, out))
}

func TestApplySelection(t *testing.T) {
	tests := []struct {
		name     string
		records  func(st *fakeStore)
		detected []tier.Stack
		tiers    []string
		all      bool
		since    map[string][]tier.Stack // by base commit
		want     []string
		never    []string
		report   string // golden, when set
	}{
		{
			name:     "never applied, not detected",
			detected: nil,
			want:     nil,
			never:    []string{"infrastructure/staging", "infrastructure/prod", "project/staging", "project/prod", "monitoring/staging", "monitoring/prod"},
			report:   "apply-nothing-never-applied",
		},
		{
			name: "all applied at this commit",
			records: func(st *fakeStore) {
				applied(st, "prod", headCommit, "infrastructure", "project", "monitoring")
				applied(st, "staging", headCommit, "infrastructure", "project", "monitoring")
			},
			want:   nil,
			report: "apply-nothing-changed",
		},
		{
			name:  "never applied, named by --tier",
			tiers: []string{"monitoring"},
			want:  []string{"monitoring/staging never applied (no last apply to compare with)", "monitoring/prod never applied (no last apply to compare with)"},
		},
		{
			name:     "never applied, detected",
			detected: stacks("infrastructure/prod:infra/prod/main.tf"),
			records:  func(st *fakeStore) { applied(st, "staging", headCommit, "infrastructure", "project", "monitoring") },
			want:     []string{"infrastructure/prod infra/prod/main.tf"},
			never:    []string{"project/prod", "monitoring/prod"},
		},
		{
			name: "changed since the last apply",
			records: func(st *fakeStore) {
				applied(st, "prod", oldCommit, "infrastructure", "project", "monitoring")
				applied(st, "staging", headCommit, "infrastructure", "project", "monitoring")
			},
			since: map[string][]tier.Stack{oldCommit: stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory", "infrastructure/staging:infra/staging/main.tf")},
			want: []string{
				"infrastructure/prod infra/prod/main.tf (since the last apply at 111111111111)",
				"project/prod needs infrastructure (inventory may change) (since the last apply at 111111111111)",
			},
		},
		{
			name: "interrupted",
			records: func(st *fakeStore) {
				applied(st, "prod", headCommit, "infrastructure", "project", "monitoring")
				applied(st, "staging", headCommit, "infrastructure", "project", "monitoring")
				st.applied["prod"].Start("project", inventory.ApplyMark{Commit: oldCommit, At: fixedNow()})
			},
			want: []string{"project/prod the apply of 111111111111 started 2026-11-25T12:00:00Z was interrupted"},
		},
		{
			name:     "all",
			all:      true,
			detected: stacks("monitoring/prod:all"),
			records:  func(st *fakeStore) { applied(st, "prod", headCommit, "monitoring") },
			want:     []string{"monitoring/prod selected with --all"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := newFakeStore()
			if tt.records != nil {
				tt.records(st)
			}
			a := newApply(t, w, st, tt.detected)
			a.Tiers, a.All = tt.tiers, tt.all
			var asked []string
			a.Detector = fakeDetector{detect: func(_ context.Context, base, head string) ([]tier.Stack, error) {
				asked = append(asked, base+".."+head)
				return tt.since[base], nil
			}}
			out, err := a.Run(t.Context())
			require.NoError(t, err)
			var got []string
			for _, s := range out.Stacks {
				got = append(got, s.Stack.Key().String()+" "+strings.Join(tier.Strings(s.Stack.Reasons), "; "))
			}
			assert.Equal(t, tt.want, got)
			var never []string
			for _, s := range out.NeverApplied {
				never = append(never, s.String())
			}
			assert.Equal(t, tt.never, never)
			if tt.since != nil {
				assert.Equal(t, []string{oldCommit + ".." + headCommit}, asked, "one detection per last-applied commit")
			}
			if tt.report != "" {
				golden.Assert(t, tt.report, renderApply(t, out))
			}
		})
	}
}

func TestApplyDependentSkippedWhenTheInventoryDidNotChange(t *testing.T) {
	for _, since := range []string{"", oldCommit} {
		w := newWorld(t)
		st := newFakeStore()
		w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: outputs(1)})
		// The same inventory is published already: Put writes nothing.
		st.docs["prod"], st.version["prod"] = mustBuild(t, "prod", headCommit), 4
		detected := stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory")
		detected[1].Reasons[0].Since = since // the reason's words change, not its kind
		a := newApply(t, w, st, detected)
		a.Environments = []string{"prod"}
		out, err := a.Run(t.Context())
		require.NoError(t, err)
		assert.Equal(t, []string{"infrastructure/prod changes", "project/prod skipped: inventory-unchanged"}, outcomeLines(out))
		assert.Nil(t, st.record("prod").Stacks["project"].Last, "a skipped stack is not recorded as applied")
		golden.Assert(t, "apply-inventory-unchanged", renderApply(t, out))
	}
}

func mustBuild(t *testing.T, env, commit string) *inventory.Document {
	outs, _ := outputs(1)(t.Context())
	doc, err := inventory.Build(inventory.BuildInput{Environment: env, Tier: "infrastructure", Commit: commit, Created: fixedNow(),
		Outputs: outs, IncludeSensitive: []string{"db_password"}})
	require.NoError(t, err)
	return doc
}

func TestApplyRequireReviewed(t *testing.T) {
	reviewedBody := func(fps map[string]string) string {
		var b strings.Builder
		b.WriteString("<!-- tierdeploy:report environment=prod -->\nreport\n")
		for k, v := range fps {
			b.WriteString("<!-- tierdeploy:fingerprint stack=" + k + " " + v + " -->\n")
		}
		return b.String()
	}
	infraFP := plan.StackFingerprint([]plan.Result{{Kind: plan.Terraform, Name: "infra/prod", HasChanges: true, Fingerprint: "sha256:00000000000000000000000000000001"}})
	tests := []struct {
		name     string
		reviewed map[string]string
		want     []string
	}{
		{name: "match", reviewed: map[string]string{"infrastructure/prod": infraFP, "project/prod": "none"},
			want: []string{"infrastructure/prod changes", "project/prod clean"}},
		{name: "mismatch", reviewed: map[string]string{"infrastructure/prod": "sha256:reviewed", "project/prod": "none"},
			want: []string{"infrastructure/prod skipped: plan-changed", "project/prod skipped: prerequisite-not-applied"}},
		{name: "not reviewed", reviewed: map[string]string{"project/prod": "none"},
			want: []string{"infrastructure/prod skipped: not-reviewed", "project/prod skipped: prerequisite-not-applied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := newFakeStore()
			applied := false
			w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: outputs(1), apply: func(context.Context) error {
				applied = true
				return nil
			}})
			host := &fakeHost{
				mergedChange: func(_ context.Context, sha string) (int, bool, error) { return 7, sha == headCommit, nil },
				findComment: func(_ context.Context, n int, marker string) (scm.Comment, bool, error) {
					if marker != scm.ReportMarker("prod") {
						return scm.Comment{}, false, nil
					}
					return scm.Comment{Body: reviewedBody(tt.reviewed)}, true, nil
				},
			}
			a := newApply(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"))
			a.Environments, a.Host, a.RequireReviewed, a.ReviewedCommit = []string{"prod"}, host, true, headCommit
			out, err := a.Run(t.Context())
			require.NoError(t, err)
			assert.Equal(t, tt.want, outcomeLines(out))
			assert.Equal(t, tt.name == "match", applied, "nothing is applied unless the plan is the reviewed one")
			golden.Assert(t, "apply-reviewed-"+strings.ReplaceAll(tt.name, " ", "-"), renderApply(t, out))
		})
	}
}

func TestApplyRunErrors(t *testing.T) {
	apiDown := errors.New("GET /repos/acme/infra/commits/2222/pulls: 502 Bad Gateway")
	tests := []struct {
		name   string
		change func(a *Apply, st *fakeStore)
		want   string
	}{
		{name: "record unreadable", change: func(a *Apply, st *fakeStore) {
			st.getApplied = func(context.Context, string) (*inventory.Applied, error) { return nil, errors.New("bad record") }
		}, want: "read the apply record of staging: bad record"},
		{name: "detection fails", change: func(a *Apply, st *fakeStore) {
			applied(st, "staging", oldCommit, "infrastructure")
			a.Detector = fakeDetector{detect: func(context.Context, string, string) ([]tier.Stack, error) {
				return nil, errors.New("unknown revision")
			}}
		}, want: "compare with the last apply at 111111111111: unknown revision"},
		{name: "merged change lookup fails", change: func(a *Apply, st *fakeStore) {
			a.RequireReviewed, a.ReviewedCommit = true, headCommit
			a.Host = &fakeHost{mergedChange: func(context.Context, string) (int, bool, error) { return 0, false, apiDown }}
		}, want: "--require-reviewed: find the merged pull or merge request of 222222222222: " + apiDown.Error()},
		{name: "no merged change", change: func(a *Apply, st *fakeStore) {
			a.RequireReviewed, a.ReviewedCommit = true, headCommit
		}, want: "--require-reviewed: no pull or merge request was merged as 222222222222, so there is no reviewed plan to compare with"},
		{name: "report unreadable", change: func(a *Apply, st *fakeStore) {
			a.RequireReviewed, a.ReviewedCommit = true, headCommit
			a.Host = &fakeHost{
				mergedChange: func(context.Context, string) (int, bool, error) { return 7, true, nil },
				findComment:  func(context.Context, int, string) (scm.Comment, bool, error) { return scm.Comment{}, false, apiDown },
			}
		}, want: "--require-reviewed: read the report of staging on #7: " + apiDown.Error()},
		{name: "no host", change: func(a *Apply, st *fakeStore) {
			a.RequireReviewed, a.Host = true, nil
		}, want: "--require-reviewed: it compares with the report on the merged pull or merge request: run it in CI on the merge commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := newFakeStore()
			a := newApply(t, w, st, nil)
			tt.change(a, st)
			_, err := a.Run(t.Context())
			require.EqualError(t, err, tt.want)
		})
	}
	_, err := (&Apply{}).Run(t.Context())
	require.Error(t, err)
}

func TestApplyFailures(t *testing.T) {
	boom := errors.New("Error: creating RDS instance: InvalidParameterCombination")
	tests := []struct {
		name   string
		script func(w *world, st *fakeStore)
		want   []string
		record func(t *testing.T, rec *inventory.Applied)
	}{
		{
			name: "terraform apply fails",
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), apply: func(context.Context) error { return boom }})
			},
			want: []string{"infrastructure/prod failed: " + boom.Error(), "project/prod skipped: prerequisite-failed"},
			record: func(t *testing.T, rec *inventory.Applied) {
				assert.NotContains(t, rec.Stacks, "infrastructure", "the started mark is cleared after a reported failure")
			},
		},
		{
			name: "helm apply fails after terraform",
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: clean, outputs: outputs(1)})
				w.terraform("project/prod", &fakeTF{plan: changes(1)})
				w.release("project/prod", "app", &fakeHelm{
					plan: func(context.Context) (plan.Result, error) {
						return plan.Result{HasChanges: true, Fingerprint: "a"}, nil
					},
					apply: func(context.Context) (plan.Result, error) {
						return plan.Result{Err: errors.New("release app: timed out waiting for the condition")}, nil
					},
				})
				w.release("project/prod", "worker", &fakeHelm{
					plan: func(context.Context) (plan.Result, error) {
						return plan.Result{HasChanges: true, Fingerprint: "w"}, nil
					},
					apply: func(context.Context) (plan.Result, error) {
						panic("the worker is not applied after app failed")
					},
				})
			},
			want: []string{"infrastructure/prod clean", "project/prod failed: release app: timed out waiting for the condition"},
		},
		{
			name: "inventory cannot be published",
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: outputs(1)})
				st.put = func(context.Context, string, *inventory.Document) (inventory.PutResult, error) {
					return inventory.PutResult{}, errors.New("ParameterMaxVersionLimitExceeded")
				}
			},
			want: []string{"infrastructure/prod failed: publish the inventory: ParameterMaxVersionLimitExceeded", "project/prod skipped: prerequisite-failed"},
		},
		{
			name: "outputs unreadable",
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: func(context.Context) (map[string]inventory.Output, error) {
					return nil, errors.New("output: exit status 1")
				}})
			},
			want: []string{"infrastructure/prod failed: read the outputs: output: exit status 1", "project/prod skipped: prerequisite-failed"},
		},
		{
			name: "apply record cannot be written",
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: outputs(1)})
				st.putApplied = func(context.Context, string, *inventory.Applied) error { return errors.New("AccessDenied") }
			},
			want: []string{"infrastructure/prod failed: write the apply record of prod: AccessDenied", "project/prod skipped: prerequisite-failed"},
		},
		{
			name: "inventory unreadable for the dependent",
			script: func(w *world, st *fakeStore) {
				st.get = func(context.Context, string) (*inventory.Document, inventory.Version, error) {
					return nil, inventory.Version{}, errors.New("ThrottlingException")
				}
				w.terraform("infrastructure/prod", &fakeTF{plan: clean})
				w.tools.newTerraform = func(spec TerraformSpec) (TerraformStage, error) {
					if spec.Stack.Tier == "infrastructure" {
						return nil, errors.New("not built")
					}
					return &fakeTF{}, nil
				}
			},
			want: []string{"infrastructure/prod failed: not built", "project/prod skipped: prerequisite-failed"},
		},
		{
			name: "check fails",
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), apply: func(context.Context) error { panic("not applied") }})
			},
			want: []string{"infrastructure/prod failed: 1 check(s) failed: no-public-buckets: aws_s3_bucket.logs is public", "project/prod skipped: prerequisite-failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := newFakeStore()
			tt.script(w, st)
			a := newApply(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory,project/terraform/main.tf"))
			a.Environments = []string{"prod"}
			if tt.name == "check fails" {
				a.Checks = fakeChecker(func(_ context.Context, p StackPlan) ([]Check, error) {
					if p.Stack.Tier != "infrastructure" {
						return nil, nil
					}
					return []Check{{Name: "no-public-buckets", Status: CheckFailed, Message: "aws_s3_bucket.logs is public"}, {Name: "size", Status: CheckWarned}}, nil
				})
			}
			out, err := a.Run(t.Context())
			require.NoError(t, err)
			assert.Equal(t, tt.want, outcomeLines(out))
			if tt.record != nil {
				tt.record(t, st.record("prod"))
			}
			golden.Assert(t, "apply-"+strings.ReplaceAll(tt.name, " ", "-"), renderApply(t, out))
		})
	}
}

// fakeChecker is a Checker from a function.
type fakeChecker func(ctx context.Context, p StackPlan) ([]Check, error)

func (f fakeChecker) Check(ctx context.Context, p StackPlan) ([]Check, error) { return f(ctx, p) }

func TestApplyInterrupted(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	ctx, cancel := context.WithCancel(t.Context())
	w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), apply: func(ctx context.Context) error {
		cancel() // the run gets SIGTERM while Terraform applies
		<-ctx.Done()
		return ctx.Err()
	}})
	a := newApply(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"))
	a.Environments = []string{"prod"}
	out, err := a.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"infrastructure/prod failed: context canceled", "project/prod skipped: prerequisite-failed"}, outcomeLines(out))
	rec := st.record("prod")
	require.NotNil(t, rec.Stacks["infrastructure"].Started, "an interrupted apply keeps its started mark")
	assert.Equal(t, headCommit, rec.Stacks["infrastructure"].Started.Commit)
	assert.Equal(t, "https://ci.example/run/2", rec.Stacks["infrastructure"].Started.Run)
	golden.Assert(t, "apply-interrupted", renderApply(t, out))
}

func TestApplyWritesNothingOnceItsLeaseIsLost(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	a := newApply(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"))
	a.Environments = []string{"prod"}
	claims := newFakeClaims(t, "prod")
	a.Claims = claims
	w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: outputs(1), apply: func(context.Context) error {
		claims.locks["prod"].takeOver("run B") // paused past the lease's expiry
		return nil
	}})
	out, err := a.Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{
		"infrastructure/prod failed: publish the inventory: the inventory lease prod.lock was lost: run B holds it since 2026-11-25T12:00:00Z",
		"project/prod skipped: prerequisite-failed",
	}, outcomeLines(out))
	assert.Nil(t, st.docs["prod"], "no inventory is published")
	assert.Len(t, st.writes, 1, "only the started mark, written before the lease was lost")
	require.ErrorIs(t, out.Stacks[0].Err, inventory.ErrLeaseLost)

	// Without a claim, nothing is written either.
	a.Claims = newFakeClaims(t)
	out, err = a.Run(t.Context())
	require.NoError(t, err)
	assert.Contains(t, outcomeLines(out)[0], "write the apply record of prod: no lease held")
}

func TestApplyStoppedBeforeAnyStack(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	a := newApply(t, w, st, stacks("monitoring/prod:charts/grafana/values.yaml", "monitoring/staging:charts/grafana/values.yaml"))
	out, err := a.Run(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"monitoring/prod skipped: interrupted", "monitoring/staging skipped: interrupted"}, outcomeLines(out))
	assert.Empty(t, st.writes)
}

func TestApplyWithoutChangesRecordsTheCommit(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	applied(st, "staging", oldCommit, "monitoring")
	a := newApply(t, w, st, nil)
	a.Environments = []string{"staging"}
	a.Detector = fakeDetector{detect: func(context.Context, string, string) ([]tier.Stack, error) {
		return stacks("monitoring/staging:charts/grafana/values.yaml"), nil
	}}
	out, err := a.Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"monitoring/staging clean"}, outcomeLines(out))
	assert.Equal(t, headCommit, st.record("staging").Stacks["monitoring"].Last.Commit)
	assert.Len(t, st.writes, 1, "no started mark for a stack with nothing to apply")
}
