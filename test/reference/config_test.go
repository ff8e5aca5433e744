package reference

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

func TestReferenceConfigLoads(t *testing.T) {
	cfg := loadConfig(t)
	require.Equal(t, config.StoreSSM, cfg.StoreKind())
	require.Contains(t, cfg.Inventory.SSM.Name, config.Placeholder, "each environment needs its own inventory")
	require.Equal(t, []string{"staging", "prod"}, cfg.EnvironmentNames())
	for _, e := range cfg.Environments {
		require.Empty(t, e.KubeContext, "environment %s needs a kubeconfig", e.Name)
		cl, _ := cfg.ClusterFor("project", e.Name)
		require.NotNil(t, cl, "the project tier of %s does not reach its cluster from the inventory", e.Name)
		require.NotNil(t, cl.EKS)
	}

	infra := cfg.Tier("infrastructure")
	require.NotNil(t, infra)
	require.True(t, infra.PublishesInventory)
	require.Empty(t, infra.SensitiveOutputs, "no output of the reference is sensitive")

	project := cfg.Tier("project")
	require.NotNil(t, project)
	require.Equal(t, []string{"infrastructure"}, project.Needs)

	meltano := findRelease(t, cfg, meltanoRelease)
	require.True(t, meltano.IsLocalChart())
	require.Equal(t, chartDir, meltano.Chart)

	airflow := findRelease(t, cfg, airflowRelease)
	require.False(t, airflow.IsLocalChart())
	require.Equal(t, "https://airflow.apache.org", airflow.Repo)
	require.Regexp(t, `^1\.[0-9]+\.[0-9]+$`, airflow.Version, "pin an exact chart version")
	require.Equal(t, []string{meltanoRelease}, airflow.Needs, "Airflow mounts the claim and pod template the Meltano release creates")
}

// TestInventoryValuesTargetDeclaredValues checks that every chart value path
// an inventory value is mapped to is declared: in the Meltano chart's own
// values.yaml, and, for the Airflow chart, which cannot be downloaded here,
// as a placeholder in the reference values file.
func TestInventoryValuesTargetDeclaredValues(t *testing.T) {
	cfg := loadConfig(t)
	root := repoRoot(t)
	declared := map[string]map[string]any{
		meltanoRelease: readValues(t, filepath.Join(root, chartDir, "values.yaml")),
		airflowRelease: readValues(t, filepath.Join(root, findRelease(t, cfg, airflowRelease).Values[0])),
	}
	for name, values := range declared {
		for path := range findRelease(t, cfg, name).InventoryValues {
			t.Run(name+"/"+path, func(t *testing.T) {
				_, ok := lookup(values, path)
				require.True(t, ok, "release %s maps the inventory to %s, which its values do not declare", name, path)
			})
		}
	}
}

func TestReferenceValuesFilesAreValid(t *testing.T) {
	cfg := loadConfig(t)
	root := repoRoot(t)
	for _, name := range []string{meltanoRelease, airflowRelease} {
		rel := findRelease(t, cfg, name)
		for _, env := range cfg.EnvironmentNames() {
			for _, f := range rel.Values {
				path := config.Expand(f, env)
				t.Run(name+"/"+path, func(t *testing.T) {
					require.NotEmpty(t, readValues(t, filepath.Join(root, path)))
				})
			}
		}
	}
}

// TestReleasesAgreeOnSharedNames checks the names the two releases share:
// Airflow mounts the log claim and the job pod template of the Meltano
// release.
func TestReleasesAgreeOnSharedNames(t *testing.T) {
	cfg := loadConfig(t)
	inventory := exampleInventory(t)
	for _, env := range cfg.EnvironmentNames() {
		t.Run(env, func(t *testing.T) {
			meltano := releaseValues(t, findRelease(t, cfg, meltanoRelease), env, inventory)
			airflow := releaseValues(t, findRelease(t, cfg, airflowRelease), env, inventory)

			claim, _ := lookup(meltano, "logs.claimName")
			airflowClaim, _ := lookup(airflow, "logs.persistence.existingClaim")
			require.Equal(t, claim, airflowClaim, "Airflow's log claim")

			template, _ := lookup(meltano, "jobs.podTemplateConfigMap")
			require.NotEmpty(t, template)
			volumes, _ := lookup(airflow, "volumes")
			var mounted bool
			for _, v := range volumes.([]any) {
				if name, ok := lookup(v.(map[string]any), "configMap.name"); ok && name == template {
					mounted = true
				}
			}
			require.True(t, mounted, "Airflow does not mount ConfigMap %v, the Meltano job pod template", template)

			executor, _ := lookup(airflow, "executor")
			require.Equal(t, "KubernetesExecutor", executor)
			for _, key := range []string{"data.metadataSecretName", "fernetKeySecretName", "apiSecretKeySecretName", "jwtSecretName"} {
				v, ok := lookup(airflow, key)
				require.True(t, ok && v != "", "Airflow %s must name an existing Secret", key)
			}
		})
	}
}
