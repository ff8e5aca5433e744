package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

func TestBinaryRequestSaysWhereTheSettingsAre(t *testing.T) {
	cfg, err := config.Parse("tierdeploy.yaml", []byte(`version: 1
terraform:
  binary: tofu
tiers:
  - name: infrastructure
    terraform:
      dir: infra/{environment}
  - name: project
    terraform:
      dir: project
      version: "~> 1.10.0"
`))
	require.NoError(t, err)
	cfg.Root = "/repo"
	s := tier.Stack{Tier: "project", Environment: "prod"}
	assert.Equal(t, BinaryRequest{Configured: "tofu", ConfiguredLine: 3, Version: "~> 1.10.0", VersionLine: 11,
		Root: "/repo", ConfigFile: "tierdeploy.yaml", Dir: "project"}, binaryRequest(cfg, s, cfg.Tier("project")))
	s = tier.Stack{Tier: "infrastructure", Environment: "prod"}
	assert.Equal(t, BinaryRequest{Configured: "tofu", ConfiguredLine: 3, Root: "/repo", ConfigFile: "tierdeploy.yaml", Dir: "infra/prod"},
		binaryRequest(cfg, s, cfg.Tier("infrastructure")))
}

// notPublished is what a toolchain returns for a version that is not
// published.
func notPublished(req BinaryRequest) error {
	return &RequestError{Err: fmt.Errorf("OpenTofu 1.99.0 (asked for at %s/.opentofu-version:1) is not published", req.Dir)}
}

// TestBadVersionStopsTheRunBeforeAnyStack: a stack asking for a version
// that cannot be had stops plan, apply and drift before any stack starts,
// with one sentence per request naming the stacks.
func TestBadVersionStopsTheRunBeforeAnyStack(t *testing.T) {
	selected := stacks("infrastructure/staging:all", "infrastructure/prod:all", "project/prod:all")
	runs := map[string]func(t *testing.T, w *world) error{
		"plan": func(t *testing.T, w *world) error {
			_, err := (&Plan{Deps: testDeps(t, w), Stacks: selected, Parallelism: 2, WorkDir: t.TempDir()}).Run(t.Context())
			return err
		},
		"apply": func(t *testing.T, w *world) error {
			st := newFakeStore()
			st.docs["prod"] = publishedInventory("prod")
			a := newApply(t, w, st, selected)
			a.All = true
			_, err := a.Run(t.Context())
			assert.Empty(t, st.writes, "no apply record was written")
			return err
		},
		"drift": func(t *testing.T, w *world) error {
			_, err := (&Drift{Deps: testDeps(t, w), Stacks: selected, Parallelism: 2, WorkDir: t.TempDir()}).Run(t.Context())
			return err
		},
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			var built, found atomic.Int32
			w.tools.choose = func(_ context.Context, req BinaryRequest) (Binary, error) {
				if req.Dir == "infra/prod" || req.Dir == "project/terraform" {
					return Binary{}, notPublished(req)
				}
				return Binary{Version: "OpenTofu 1.10.7"}, nil
			}
			w.tools.find = func(context.Context, BinaryRequest) (Binary, error) {
				found.Add(1)
				return Binary{Path: "/opt/tofu"}, nil
			}
			newTF := w.tools.newTerraform
			w.tools.newTerraform = func(spec TerraformSpec) (TerraformStage, error) {
				built.Add(1)
				return newTF(spec)
			}
			err := run(t, w)
			var ve *VersionError
			require.ErrorAs(t, err, &ve)
			var re *RequestError
			require.ErrorAs(t, err, &re, "bad input for the exit code")
			assert.Equal(t, "infrastructure/prod: OpenTofu 1.99.0 (asked for at infra/prod/.opentofu-version:1) is not published\n"+
				"project/prod: OpenTofu 1.99.0 (asked for at project/terraform/.opentofu-version:1) is not published", err.Error())
			assert.Zero(t, built.Load(), "no stage was built")
			assert.Zero(t, found.Load(), "nothing was installed")
		})
	}
}

// TestOtherSelectFailuresFailTheStack: a release that cannot be chosen
// for another reason (the listing is down, offline mode) does not stop the
// run: that stack fails when it runs, the others run.
func TestOtherSelectFailuresFailTheStack(t *testing.T) {
	w := newWorld(t)
	w.tools.choose = func(_ context.Context, req BinaryRequest) (Binary, error) {
		if req.Dir == "infra/prod" {
			return Binary{}, errors.New("offline mode: OpenTofu 1.11.0 is neither in the tool cache nor on PATH")
		}
		return Binary{Version: "OpenTofu 1.10.7"}, nil
	}
	w.tools.find = func(_ context.Context, req BinaryRequest) (Binary, error) {
		if req.Dir == "infra/prod" {
			return Binary{}, errors.New("offline mode: OpenTofu 1.11.0 is neither in the tool cache nor on PATH")
		}
		return Binary{Path: "/opt/tofu"}, nil
	}
	out := runPlan(t, w, nil, stacks("infrastructure/staging:all", "infrastructure/prod:all"))
	assert.Equal(t, []string{
		"infrastructure/prod failed: offline mode: OpenTofu 1.11.0 is neither in the tool cache nor on PATH",
		"infrastructure/staging clean",
	}, outcomeLines(out))
}

// TestStacksRunTheirOwnRelease: each stack's Terraform stage gets the
// binary of its own request, the choice is on its outcome and in the
// report's footer, and a stack without Terraform names none.
func TestStacksRunTheirOwnRelease(t *testing.T) {
	w := newWorld(t)
	choice := func(req BinaryRequest) Binary {
		if req.Dir == "project/terraform" {
			return Binary{Path: "/cache/terraform/1.5.7/terraform", Version: "Terraform 1.5.7",
				Choice: "Terraform 1.5.7 (from project/terraform/.terraform-version:1)", Location: "cached"}
		}
		return Binary{Path: "/cache/tofu/1.10.7/tofu", Version: "OpenTofu 1.10.7",
			Choice: "OpenTofu 1.10.7 (~> 1.10.0 from " + req.Dir + "/versions.tf:2 (required_version))", Location: "downloaded and verified"}
	}
	var chosen []string
	var mu sync.Mutex
	var installed atomic.Bool
	w.tools.choose = func(_ context.Context, req BinaryRequest) (Binary, error) {
		mu.Lock()
		chosen = append(chosen, req.Dir)
		mu.Unlock()
		assert.False(t, installed.Load(), "every choice is made before any stack installs")
		b := choice(req)
		b.Path, b.Location = "", "to download"
		return b, nil
	}
	w.tools.find = func(_ context.Context, req BinaryRequest) (Binary, error) {
		installed.Store(true)
		return choice(req), nil
	}
	w.release("monitoring/prod", "grafana", &fakeHelm{})
	out := runPlan(t, w, nil, stacks("infrastructure/prod:all", "project/prod:all", "monitoring/prod:all"))
	assert.Equal(t, []string{"infra/prod", "project/terraform"}, chosen, "chosen once per stack with Terraform")
	assert.Equal(t, "/cache/tofu/1.10.7/tofu", w.spec("infrastructure/prod").Binary)
	assert.Equal(t, "/cache/terraform/1.5.7/terraform", w.spec("project/prod").Binary)
	tools := map[string]string{}
	for _, s := range out.Stacks {
		tools[s.Stack.Key().String()] = s.Tool
	}
	assert.Equal(t, map[string]string{
		"infrastructure/prod": "OpenTofu 1.10.7 (~> 1.10.0 from infra/prod/versions.tf:2 (required_version))",
		"project/prod":        "Terraform 1.5.7 (from project/terraform/.terraform-version:1)",
		"monitoring/prod":     "",
	}, tools)
	pub, _ := renderPlan(t, out, PlanComments{})
	assert.Contains(t, pub.Report, "Terraform: <code>infrastructure/prod</code> <code>OpenTofu 1.10.7 (~&gt; 1.10.0 from infra/prod/versions.tf:2 (required_version))</code>, "+
		"<code>project/prod</code> <code>Terraform 1.5.7 (from project/terraform/.terraform-version:1)</code>")
	assert.NotContains(t, pub.Report, "/cache/", "no path that varies by run")
}

func TestChooseAndInstallBinaries(t *testing.T) {
	cfg := testCfg(t)
	selected := stacks("infrastructure/staging:all", "infrastructure/prod:all", "project/staging:all", "project/prod:all", "monitoring/prod:all")
	var (
		calls         = map[string]int{}
		mu            sync.Mutex
		running, peak atomic.Int32
	)
	tools := &fakeTools{
		find: func(_ context.Context, req BinaryRequest) (Binary, error) {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			calls["install "+req.Dir]++
			mu.Unlock()
			if req.Dir == "infra/prod" {
				return Binary{}, &RequestError{Err: errors.New("OpenTofu 1.99.0 is not published")}
			}
			return Binary{Path: "/cache/" + req.Dir, Choice: "OpenTofu 1.10.7"}, nil
		},
		choose: func(_ context.Context, req BinaryRequest) (Binary, error) {
			mu.Lock()
			calls["choose "+req.Dir]++
			mu.Unlock()
			return Binary{Choice: "OpenTofu 1.10.7", Location: "to download"}, nil
		},
	}

	chosen := ChooseBinaries(t.Context(), tools, cfg, selected)
	var names []string
	for _, b := range chosen {
		require.NoError(t, b.Err)
		names = append(names, b.Stack.String())
	}
	assert.Equal(t, []string{"infrastructure/staging", "infrastructure/prod", "project/staging", "project/prod"}, names,
		"in stack order, without the stack that has no Terraform")
	assert.Equal(t, map[string]int{"choose infra/staging": 1, "choose infra/prod": 1, "choose project/terraform": 1}, calls,
		"once per distinct request: both project stacks share one directory")

	clear(calls)
	installed := InstallBinaries(t.Context(), tools, cfg, selected, 2)
	assert.Equal(t, map[string]int{"install infra/staging": 1, "install infra/prod": 1, "install project/terraform": 1}, calls)
	assert.Equal(t, int32(2), peak.Load(), "in parallel, at most parallelism at once")
	assert.Equal(t, "/cache/project/terraform", installed[2].Binary.Path)
	assert.Equal(t, installed[2].Binary, installed[3].Binary)
	err := BadRequests(installed)
	assert.EqualError(t, err, "infrastructure/prod: OpenTofu 1.99.0 is not published")
}

func TestBadRequestsGroupsStacksBySentence(t *testing.T) {
	bad := func(msg string) error { return &RequestError{Err: errors.New(msg)} }
	bins := []StackBinary{
		{Stack: key("infrastructure/staging"), Err: bad("OpenTofu 1.99.0 (asked for at .opentofu-version:1) is not published")},
		{Stack: key("infrastructure/prod"), Err: bad("OpenTofu 1.99.0 (asked for at .opentofu-version:1) is not published")},
		{Stack: key("project/prod"), Err: errors.New("download failed")},
		{Stack: key("monitoring/prod"), Err: bad("a.tf:1: required_version must be a literal string")},
		{Stack: key("monitoring/staging")},
	}
	err := BadRequests(bins)
	var ve *VersionError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 2)
	assert.Equal(t, []plan.Stack{key("infrastructure/staging"), key("infrastructure/prod")}, ve.Problems[0].Stacks)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, []string{
		"infrastructure/staging, infrastructure/prod: OpenTofu 1.99.0 (asked for at .opentofu-version:1) is not published",
		"monitoring/prod: a.tf:1: required_version must be a literal string",
	}, lines)
	assert.False(t, slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "download failed") }))
	assert.NoError(t, BadRequests(bins[2:3]))
}
