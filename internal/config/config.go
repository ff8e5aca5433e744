package config

import (
	"strings"
	"time"
)

// DefaultFile is the configuration file name looked up at the repository root.
const DefaultFile = "tierdeploy.yaml"

// DefaultEnvironment is the name of the only environment of a configuration
// that lists none.
const DefaultEnvironment = "default"

// Placeholder is replaced by the environment name in stage directories, var
// files, values files, chart paths, globs and the SSM parameter name.
const Placeholder = "{environment}"

// Inventory store kinds.
const (
	StoreFile = "file"
	StoreSSM  = "ssm"
)

// Config is a loaded and validated tierdeploy.yaml (schema version 1).
type Config struct {
	Version      int           `yaml:"version"`
	Terraform    Terraform     `yaml:"terraform"`
	Inventory    Inventory     `yaml:"inventory"`
	Environments []Environment `yaml:"environments"`
	Tiers        []Tier        `yaml:"tiers"`

	// File is the path of the configuration file relative to Root, as used in
	// error messages.
	File string `yaml:"-"`
	// Root is the absolute directory that every path in the file is relative
	// to: the directory of the configuration file.
	Root string `yaml:"-"`
	// Source holds the bytes the configuration was loaded from.
	Source []byte `yaml:"-"`

	pos positions
}

// Terraform holds settings shared by every Terraform stage.
type Terraform struct {
	// Binary is "tofu", "terraform" or a path; empty means the first of tofu
	// and terraform found on PATH.
	Binary string `yaml:"binary"`
	// LockTimeout is passed as -lock-timeout to plan and apply.
	LockTimeout Duration `yaml:"lock_timeout"`
	// Mirror is the base URL of a mirror of the OpenTofu and Terraform
	// releases (see tfinstall.MirrorChannels); empty means the official
	// release channels.
	Mirror string `yaml:"mirror"`
	// Offline installs nothing: the versions asked for must be in the tool
	// cache or on PATH.
	Offline bool `yaml:"offline"`
}

// Inventory says where the inventory document of each environment is kept.
type Inventory struct {
	// Store is "file" or "ssm"; empty means ssm when ssm.name is set, file
	// otherwise.
	Store string    `yaml:"store"`
	SSM   SSM       `yaml:"ssm"`
	File  FileStore `yaml:"file"`
}

// SSM configures the AWS SSM Parameter Store inventory store.
type SSM struct {
	// Name is the parameter name, with the {environment} placeholder.
	Name     string `yaml:"name"`
	Region   string `yaml:"region"`
	KMSKeyID string `yaml:"kms_key_id"`
}

// FileStore configures the file inventory store.
type FileStore struct {
	// Dir holds one <environment>.json per environment; default
	// .tierdeploy/inventory.
	Dir string `yaml:"dir"`
}

// Environment is one deployment target; every tier is deployed to each.
type Environment struct {
	Name string `yaml:"name"`
	// KubeContext selects the kubeconfig context for this environment's Helm
	// releases; empty means the current context.
	KubeContext string `yaml:"kube_context"`
	// Cluster reaches this environment's cluster from its inventory, with
	// no kubeconfig; a tier's own cluster block takes precedence.
	Cluster *Cluster `yaml:"cluster"`
}

// Tier is a group of stages deployed together, such as the infrastructure or
// the project tier.
type Tier struct {
	Name string `yaml:"name"`
	// Paths are doublestar globs, relative to Root, whose changes affect the
	// tier in addition to its stage directories and their local dependencies.
	Paths []string `yaml:"paths"`
	// Needs names the tiers that must be deployed before this one.
	Needs     []string        `yaml:"needs"`
	Terraform *TerraformStage `yaml:"terraform"`
	Helm      []Release       `yaml:"helm"`
	// PublishesInventory makes the tier's Terraform outputs the inventory
	// after apply.
	PublishesInventory bool `yaml:"publishes_inventory"`
	// SensitiveOutputs lists the sensitive Terraform outputs that may go into
	// the inventory; other sensitive outputs are left out.
	SensitiveOutputs []string `yaml:"sensitive_outputs"`
	// Cluster reaches the cluster of the tier's Helm releases from the
	// inventory, in every environment, with no kubeconfig.
	Cluster *Cluster `yaml:"cluster"`
	// Policies are directories of Rego policies checked on every stage of
	// the tier (see checks.go).
	Policies []string `yaml:"policies"`
	// Checks are external checker commands run on every stage of the tier.
	Checks []Check `yaml:"checks"`
}

// TerraformStage is the Terraform root module of a tier.
type TerraformStage struct {
	Dir string `yaml:"dir"`
	// Version is the OpenTofu or Terraform version the tier runs: one
	// release ("1.10.7") or a constraint ("~> 1.10.0"); empty lets the
	// repository's version files or required_version decide.
	Version       string   `yaml:"version"`
	VarFiles      []string `yaml:"var_files"`
	Workspace     string   `yaml:"workspace"`
	BackendConfig []string `yaml:"backend_config"`
}

// Release is one Helm release of a tier.
type Release struct {
	Release   string `yaml:"release"`
	Namespace string `yaml:"namespace"`
	// Chart is a local path, a chart name in Repo, or an oci:// reference.
	Chart   string   `yaml:"chart"`
	Repo    string   `yaml:"repo"`
	Version string   `yaml:"version"`
	Values  []string `yaml:"values"`
	// InventoryValues maps a chart value path (dotted) to an inventory key
	// (dotted).
	InventoryValues map[string]string `yaml:"inventory_values"`
	// Needs names releases of the same tier to deploy first.
	Needs []string `yaml:"needs"`

	// Deploy options (see DeployOptions for the defaults).
	//
	// Timeout bounds the wait for readiness; zero means DefaultTimeout.
	Timeout Duration `yaml:"timeout"`
	// MaxHistory is how many revisions Helm keeps; nil means
	// DefaultMaxHistory, 0 no limit.
	MaxHistory           *int              `yaml:"max_history"`
	Wait                 *bool             `yaml:"wait"`
	WaitForJobs          *bool             `yaml:"wait_for_jobs"`
	Atomic               *bool             `yaml:"atomic"`
	CreateNamespace      *bool             `yaml:"create_namespace"`
	SkipCRDs             bool              `yaml:"skip_crds"`
	SkipSchemaValidation bool              `yaml:"skip_schema_validation"`
	Labels               map[string]string `yaml:"labels"`
	// Set maps chart value paths to values set after the values files and
	// the inventory values, as helm --set does; strings may hold the
	// placeholders {environment}, {commit} and {env.NAME} (see ExpandSet).
	Set map[string]SetValue `yaml:"set"`
	// Env lists the environment variables that Set may read.
	Env []EnvVar `yaml:"env"`
}

// Duration is a time.Duration written as a Go duration string ("5m").
type Duration time.Duration

// IsLocalChart reports whether the release's chart is a path in the repository.
func (r Release) IsLocalChart() bool {
	return r.Repo == "" && !strings.HasPrefix(r.Chart, "oci://")
}

// EnvironmentNames returns the configured environment names in order.
func (c *Config) EnvironmentNames() []string {
	names := make([]string, len(c.Environments))
	for i, e := range c.Environments {
		names[i] = e.Name
	}
	return names
}

// Tier returns the tier called name, or nil.
func (c *Config) Tier(name string) *Tier {
	for i := range c.Tiers {
		if c.Tiers[i].Name == name {
			return &c.Tiers[i]
		}
	}
	return nil
}

// Environment returns the environment called name, or nil.
func (c *Config) Environment(name string) *Environment {
	for i := range c.Environments {
		if c.Environments[i].Name == name {
			return &c.Environments[i]
		}
	}
	return nil
}

// Expand replaces the {environment} placeholder in s.
func Expand(s, environment string) string {
	return strings.ReplaceAll(s, Placeholder, environment)
}

// StoreKind returns the effective inventory store kind.
func (c *Config) StoreKind() string {
	if c.Inventory.Store != "" {
		return c.Inventory.Store
	}
	if c.Inventory.SSM.Name != "" {
		return StoreSSM
	}
	return StoreFile
}

// FileStoreDir returns the file store directory relative to Root.
func (c *Config) FileStoreDir() string {
	if c.Inventory.File.Dir != "" {
		return c.Inventory.File.Dir
	}
	return ".tierdeploy/inventory"
}

// Publisher returns the tier that publishes the inventory, or nil.
func (c *Config) Publisher() *Tier {
	for i := range c.Tiers {
		if c.Tiers[i].PublishesInventory {
			return &c.Tiers[i]
		}
	}
	return nil
}

// Position returns where the value of the key path (such as
// "tiers[1].terraform.dir") was written; ok is false for keys that were not.
func (c *Config) Position(path string) (Pos, bool) {
	p, ok := c.pos[path]
	return p, ok
}

// ReleaseOrder returns the tier's releases in deployment order: a release
// comes after the releases it needs, and otherwise keeps its place in the
// configuration. The configuration is validated, so there is no cycle.
func (t *Tier) ReleaseOrder() []Release {
	done := make(map[string]bool, len(t.Helm))
	out := make([]Release, 0, len(t.Helm))
	for len(out) < len(t.Helm) {
		progressed := false
		for _, r := range t.Helm {
			if done[r.Release] {
				continue
			}
			ready := true
			for _, n := range r.Needs {
				ready = ready && done[n]
			}
			if ready {
				done[r.Release] = true
				out = append(out, r)
				progressed = true
				break
			}
		}
		if !progressed {
			panic("config: release needs cycle in a validated configuration")
		}
	}
	return out
}

// Expanded returns the release with the {environment} placeholder replaced
// in its chart, values files and namespace.
func (r Release) Expanded(environment string) Release {
	r.Chart = Expand(r.Chart, environment)
	r.Namespace = Expand(r.Namespace, environment)
	values := make([]string, len(r.Values))
	for i, v := range r.Values {
		values[i] = Expand(v, environment)
	}
	r.Values = values
	return r
}
