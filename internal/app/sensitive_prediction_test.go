package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

const predictionConfig = `version: 1
environments:
  - name: staging
tiers:
  - name: infrastructure
    paths: ["infra/**"]
    terraform:
      dir: infra
    publishes_inventory: true
    sensitive_outputs: [db_password]
  - name: project
    needs: [infrastructure]
    paths: ["project/**"]
    terraform:
      dir: project
`

// predictingTerraform plans the infrastructure with a sensitive output the
// plan shows only as "(sensitive value)", and records the inventory the
// project's stage is given.
type predictingTerraform struct {
	spec deploy.TerraformSpec
	seen *projectInputs
}

// projectInputs is what the project's Terraform stage was given.
type projectInputs struct {
	mu        sync.Mutex
	inventory map[string]json.RawMessage
	secrets   []string
}

func (p predictingTerraform) Plan(context.Context, bool) (plan.Result, error) {
	r := plan.Result{Stack: p.spec.Stack, Kind: plan.Terraform, Name: p.spec.Name, HasChanges: true, Fingerprint: "sha256:0"}
	if p.spec.Stack.Tier == "infrastructure" {
		// Marked sensitive by the change; the value itself does not change.
		r.Outputs = []plan.OutputChange{{Name: "db_password", Action: plan.Update, Sensitive: true,
			Before: json.RawMessage(`"(sensitive value)"`), After: json.RawMessage(`"(sensitive value)"`)}}
		return r, nil
	}
	var vars struct {
		Inventory map[string]json.RawMessage `json:"inventory"`
	}
	for _, f := range p.spec.VarFiles {
		if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &vars) == nil && vars.Inventory != nil {
			break
		}
	}
	p.seen.mu.Lock()
	defer p.seen.mu.Unlock()
	p.seen.inventory = vars.Inventory
	p.seen.secrets = p.spec.Secrets
	return r, nil
}

func (predictingTerraform) Apply(context.Context) error { return nil }

func (predictingTerraform) Outputs(context.Context) (map[string]inventory.Output, error) {
	return nil, nil
}

// A sensitive output is shown in a plan as "(sensitive value)". Taking
// that for its value planned the project with "(sensitive value)" as the
// database password: a plan that is never the one applied. The project is
// planned with the current secret, and its stage is told it is one.
func TestDependentIsNotPlannedWithTheSensitiveStandIn(t *testing.T) {
	const secret = "current-Secret-4821"
	r := gittest.New(t)
	r.Write(map[string]string{"tierdeploy.yaml": predictionConfig, "infra/main.tf": "\n", "project/main.tf": "\n"})
	r.Commit("base")
	store, err := filestore.New(filestore.Options{Dir: filepath.Join(r.Dir, ".tierdeploy", "inventory")})
	require.NoError(t, err)
	claim, err := store.Acquire(t.Context(), "staging", "test", time.Minute)
	require.NoError(t, err)
	_, err = store.Put(t.Context(), claim, &inventory.Document{Schema: inventory.SchemaV1, Environment: "staging",
		Tier: "infrastructure", Commit: "c0", Created: time.Unix(0, 0), Sensitive: []string{"db_password"},
		Values: map[string]json.RawMessage{"db_password": json.RawMessage(`"` + secret + `"`)}})
	require.NoError(t, err)
	require.NoError(t, claim.Release(t.Context()))

	seen := &projectInputs{}
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), Deps{
		Args:   []string{"--chdir", r.Dir, "plan", "--all"},
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(string) string { return "" },
		Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools: fakeTools{bin: deploy.Binary{Path: "/opt/bin/tofu", Version: "OpenTofu v1.10.10"},
			newTerraform: func(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
				return predictingTerraform{spec: spec, seen: seen}, nil
			}},
		NewStore: func(context.Context, *config.Config) (InventoryStore, error) { return store, nil },
	})
	require.Equal(t, 0, code, stderr.String())
	seen.mu.Lock()
	defer seen.mu.Unlock()
	require.NotNil(t, seen.inventory, "the project was planned with the inventory")
	assert.JSONEq(t, `"`+secret+`"`, string(seen.inventory["db_password"]), "planned with the current secret, not the stand-in")
	assert.Contains(t, seen.secrets, secret, "the stage masks the inventory's secrets")
	assert.NotContains(t, stdout.String(), secret)
	assert.Contains(t, stdout.String(), "db_password", "the report shows the predicted change")
}
