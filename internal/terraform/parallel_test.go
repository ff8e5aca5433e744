package terraform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// TestEnvironmentsInParallel plans and applies two environments at once,
// sharing a plugin cache: once in two directories, once in one directory
// with a backend configuration per environment.
func TestEnvironmentsInParallel(t *testing.T) { forEachProduct(t, testEnvironmentsInParallel) }

func testEnvironmentsInParallel(t *testing.T, bin string) {
	cache := t.TempDir()
	shared := copyConfig(t, "backend")
	states := t.TempDir()
	tests := []struct {
		name string
		dir  func(env string) string
	}{
		{name: "own directories", dir: func(string) string { return copyConfig(t, "backend") }},
		{name: "one directory", dir: func(string) string { return shared }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			envs := []string{"staging", "prod"}
			stages := map[string]*Stage{}
			for _, env := range envs {
				vars := filepath.Join(t.TempDir(), env+".tfvars")
				require.NoError(t, os.WriteFile(vars, fmt.Appendf(nil, "environment = %q\n", env), 0o644))
				state := filepath.Join(states, tt.name+"-"+env+".tfstate")
				stages[env], _ = newStage(t, bin, tt.dir(env), func(o *Options) {
					o.Stack = plan.Stack{Tier: "infrastructure", Environment: env}
					o.PluginCacheDir = cache
					o.VarFiles = []string{vars}
					o.BackendConfig = []string{"path=" + state}
				})
			}
			results := map[string]plan.Result{}
			outputs := map[string]map[string]Output{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for env, s := range stages {
				wg.Go(func() {
					r, err := s.Plan(t.Context(), PlanOptions{})
					if assert.NoError(t, err) {
						assert.NoError(t, s.Apply(t.Context(), s.PlanFile()))
					}
					outs, err := s.Outputs(t.Context())
					assert.NoError(t, err)
					mu.Lock()
					defer mu.Unlock()
					results[env], outputs[env] = r, outs
				})
			}
			wg.Wait()
			for _, env := range envs {
				r := results[env]
				assert.Equal(t, env, r.Stack.Environment)
				assert.Equal(t, plan.Counts{Add: 1}, r.Counts)
				want, _ := json.Marshal(env)
				assert.JSONEq(t, string(want), string(outputs[env]["environment"].Value))
				assert.FileExists(t, filepath.Join(states, tt.name+"-"+env+".tfstate"))
			}
			assert.NotEqual(t, results["staging"].Fingerprint, results["prod"].Fingerprint)
		})
	}
}

func TestWorkspace(t *testing.T) { forEachProduct(t, testWorkspace) }

func testWorkspace(t *testing.T, bin string) {
	dir := copyConfig(t, "backend")
	states := t.TempDir()
	backend := []string{"path=" + filepath.Join(states, "default.tfstate"), "workspace_dir=" + states}
	env := tofuEnv(t, "TF_VAR_environment=qa")
	args := []string{"init", "-input=false", "-no-color"}
	for _, b := range backend {
		args = append(args, "-backend-config="+b)
	}
	tofuRaw(t, bin, dir, env, args...)
	tofuRaw(t, bin, dir, env, "workspace", "new", "qa")
	tofuRaw(t, bin, dir, env, "workspace", "select", "default")
	before := fileContents(t, filepath.Join(dir, ".terraform"))

	env = append(env, "TF_WORKSPACE=ignored")
	s, _ := newStage(t, bin, dir, func(o *Options) { o.Env = env; o.Workspace = "qa"; o.BackendConfig = backend })
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	require.NoError(t, s.Apply(t.Context(), s.PlanFile()))
	assert.Equal(t, plan.Counts{Add: 1}, r.Counts)
	assert.FileExists(t, filepath.Join(states, "qa", "terraform.tfstate"))
	assert.NoFileExists(t, filepath.Join(states, "default.tfstate"))
	assert.Equal(t, before, fileContents(t, filepath.Join(dir, ".terraform")),
		"the stage changed the .terraform directory of the checkout")

	missing, _ := newStage(t, bin, dir, func(o *Options) { o.Env = env; o.Workspace = "nope"; o.BackendConfig = backend })
	_, err = missing.Plan(t.Context(), PlanOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "workspace select: exit status 1")
	assert.Contains(t, err.Error(), "nope")
}
