package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

var (
	nameRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	releaseRE  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)
)

func yamlErrorPos(err error) Pos {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Pos{Line: line}
	}
	return Pos{}
}

func yamlErrorText(err error) string {
	return strings.TrimPrefix(yamlLineRE.ReplaceAllString(err.Error(), ""), "yaml: ")
}

// placeholderHint explains the most common YAML mistake with the
// placeholder: an unquoted {environment} inside a flow list starts a mapping.
func placeholderHint(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line - 1, line, line - 2} { // 0-based: the line, the next, the previous
		if l < 0 || l >= len(lines) || !strings.Contains(lines[l], Placeholder) || !strings.Contains(lines[l], "[") {
			continue
		}
		example := "a/{environment}.tfvars"
		if m := flowItemRE.FindString(lines[l]); m != "" {
			example = m
		}
		return fmt.Sprintf(` (quote values holding {environment} inside [ ] lists, e.g. ["%s"])`, example)
	}
	return ""
}

var flowItemRE = regexp.MustCompile(`[^\s\[,"']*\{environment\}[^\s\],"']*`)

// problem records a problem at the position of key.
func (c *Config) problem(errs *Errors, key, format string, args ...any) {
	errs.add(c.pos[key], key, fmt.Sprintf(format, args...))
}

// validate checks everything that does not need the file system.
func (c *Config) validate(errs *Errors) {
	switch c.Version {
	case 1:
	case 0:
		errs.add(Pos{Line: 1}, "version", "is missing: add version: 1 at the top")
	default:
		c.problem(errs, "version", "is %d, but this tierdeploy reads version 1 only", c.Version)
	}
	switch c.Terraform.Binary {
	case "", "tofu", "terraform":
	default:
		if !strings.Contains(c.Terraform.Binary, "/") {
			c.problem(errs, "terraform.binary", "must be tofu, terraform or a path to one of them, not %q", c.Terraform.Binary)
		}
	}
	c.validateInstall(errs)
	c.validateInventory(errs)
	c.validateEnvironments(errs)
	c.validateTiers(errs)
	c.validateClusters(errs)
}

func (c *Config) validateInventory(errs *Errors) {
	inv := c.Inventory
	switch inv.Store {
	case "", StoreFile:
	case StoreSSM:
		if inv.SSM.Name == "" {
			c.problem(errs, "inventory.store", "is ssm, but inventory.ssm.name is not set: name the parameter, e.g. /myapp/{environment}/inventory")
		}
	default:
		c.problem(errs, "inventory.store", "must be ssm or file, not %q", inv.Store)
	}
	if n := inv.SSM.Name; n != "" {
		check := Expand(n, "env")
		switch {
		case strings.Contains(n, "/") && !strings.HasPrefix(n, "/"):
			c.problem(errs, "inventory.ssm.name", "must begin with / when it is a path (SSM requires fully qualified names), not %q", n)
		case strings.Contains(check, "//"), !ssmNameOK(check):
			c.problem(errs, "inventory.ssm.name", "%q is not a valid SSM parameter name: use letters, digits, and . - _ / only", n)
		case len(c.Environments) > 1 && !strings.Contains(n, Placeholder):
			c.problem(errs, "inventory.ssm.name", "is shared by %d environments: add the {environment} placeholder so each has its own inventory", len(c.Environments))
		}
	}
	if d := inv.File.Dir; d != "" && !cleanRelative(d) {
		c.problem(errs, "inventory.file.dir", "must be a relative path inside the repository, not %q", d)
	}
}

func ssmNameOK(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r)) {
			return false
		}
	}
	return len(s) <= 1011
}

func (c *Config) validateEnvironments(errs *Errors) {
	seen := map[string]int{}
	for i, e := range c.Environments {
		key := fmt.Sprintf("environments[%d].name", i)
		if _, ok := c.pos[key]; !ok {
			c.problem(errs, fmt.Sprintf("environments[%d]", i), "has no name")
			continue
		}
		if !nameRE.MatchString(e.Name) {
			c.problem(errs, key, "%q is not a valid environment name: use letters, digits, . _ and -", e.Name)
		}
		if j, dup := seen[e.Name]; dup {
			c.problem(errs, key, "environment %q is already defined at environments[%d]", e.Name, j)
		}
		seen[e.Name] = i
	}
}

func (c *Config) validateTiers(errs *Errors) {
	if len(c.Tiers) == 0 {
		key := "tiers"
		if _, ok := c.pos[key]; !ok {
			errs.add(Pos{Line: 1}, key, "is missing: define at least one tier")
			return
		}
		c.problem(errs, key, "is empty: define at least one tier")
		return
	}
	index := map[string]int{}
	publisher := -1
	for i, t := range c.Tiers {
		at := fmt.Sprintf("tiers[%d]", i)
		switch {
		case t.Name == "":
			c.problem(errs, at, "has no name")
		case !nameRE.MatchString(t.Name):
			c.problem(errs, at+".name", "%q is not a valid tier name: use letters, digits, . _ and -", t.Name)
		default:
			if j, dup := index[t.Name]; dup {
				c.problem(errs, at+".name", "tier %q is already defined at tiers[%d]", t.Name, j)
			} else {
				index[t.Name] = i
			}
		}
		if t.Terraform == nil && len(t.Helm) == 0 {
			c.problem(errs, at, "has no stage: add terraform: or helm:")
		}
		for j, g := range t.Paths {
			key := fmt.Sprintf("%s.paths[%d]", at, j)
			if !doublestar.ValidatePattern(Expand(g, "env")) {
				c.problem(errs, key, "%q is not a valid glob", g)
			} else if strings.HasPrefix(g, "/") || strings.HasPrefix(g, "../") {
				c.problem(errs, key, "%q must be relative to the repository root", g)
			}
		}
		if t.Terraform != nil {
			c.validateTerraform(errs, at+".terraform", t.Terraform)
		}
		c.validateReleases(errs, at, t)
		if t.PublishesInventory {
			if t.Terraform == nil {
				c.problem(errs, at+".publishes_inventory", "needs a terraform stage: the inventory is made of its outputs")
			}
			if publisher >= 0 {
				c.problem(errs, at+".publishes_inventory", "tier %q already publishes the inventory; only one tier may", c.Tiers[publisher].Name)
			} else {
				publisher = i
			}
		}
		c.validateChecks(errs, at, t)
		if len(t.SensitiveOutputs) > 0 && !t.PublishesInventory {
			c.problem(errs, at+".sensitive_outputs", "is set, but the tier does not publish the inventory (publishes_inventory: true)")
		}
	}
	c.validateNeeds(errs, index)
}

func (c *Config) validateTerraform(errs *Errors, at string, tf *TerraformStage) {
	if tf.Dir == "" {
		c.problem(errs, at+".dir", "is required: the directory of the Terraform root module")
	} else if !cleanRelative(Expand(tf.Dir, "env")) {
		c.problem(errs, at+".dir", "must be a relative path inside the repository, not %q", tf.Dir)
	}
	c.validateVersion(errs, at, tf)
	for j, f := range tf.VarFiles {
		if !cleanRelative(Expand(f, "env")) {
			c.problem(errs, fmt.Sprintf("%s.var_files[%d]", at, j), "must be a relative path inside the repository, not %q", f)
		}
	}
}

func (c *Config) validateReleases(errs *Errors, at string, t Tier) {
	names := map[string]int{}
	for j, r := range t.Helm {
		rat := fmt.Sprintf("%s.helm[%d]", at, j)
		switch k, dup := names[r.Release]; {
		case r.Release == "":
			c.problem(errs, rat, "has no release name")
		case dup:
			c.problem(errs, rat+".release", "release %q is already defined at %s.helm[%d]", r.Release, at, k)
		default:
			if !releaseRE.MatchString(r.Release) || len(r.Release) > 53 {
				c.problem(errs, rat+".release", "%q is not a valid release name: lowercase letters, digits and -, at most 53 characters", r.Release)
			}
			names[r.Release] = j // even when invalid, so that needs do not report it again
		}
		if r.Namespace != "" && !releaseRE.MatchString(r.Namespace) {
			c.problem(errs, rat+".namespace", "%q is not a valid namespace name", r.Namespace)
		}
		switch {
		case r.Chart == "":
			c.problem(errs, rat, "has no chart: give a local path, an oci:// reference, or a name with repo:")
		case r.Repo != "" && !strings.HasPrefix(r.Repo, "https://") && !strings.HasPrefix(r.Repo, "http://"):
			c.problem(errs, rat+".repo", "must be an https:// chart repository URL, not %q", r.Repo)
		case r.Repo != "" && r.Version == "":
			c.problem(errs, rat+".version", "is required for a chart from a repository: pin the chart version")
		case strings.HasPrefix(r.Chart, "oci://") && r.Version == "" && !strings.Contains(r.Chart[6:], ":"):
			c.problem(errs, rat+".version", "is required for an oci:// chart: pin the chart version")
		case r.IsLocalChart() && !cleanRelative(Expand(r.Chart, "env")):
			c.problem(errs, rat+".chart", "must be a relative path inside the repository, not %q", r.Chart)
		}
		for k, v := range r.Values {
			if !cleanRelative(Expand(v, "env")) {
				c.problem(errs, fmt.Sprintf("%s.values[%d]", rat, k), "must be a relative path inside the repository, not %q", v)
			}
		}
		for value, key := range r.InventoryValues {
			if value == "" || strings.HasPrefix(value, ".") || strings.HasSuffix(value, ".") || strings.Contains(value, "..") {
				c.problem(errs, rat+".inventory_values."+value, "%q is not a chart value path such as database.host", value)
			}
			if key == "" {
				c.problem(errs, rat+".inventory_values."+value, "names no inventory key")
			}
		}
		if len(r.InventoryValues) > 0 && c.needsResolve(t) && !c.ConsumesInventory(&t) {
			c.problem(errs, rat+".inventory_values", "maps inventory values, but tier %q does not need the tier that publishes the inventory", t.Name)
		}
		c.validateDeployOptions(errs, rat, r)
		for k, n := range r.Needs {
			if n == r.Release {
				c.problem(errs, fmt.Sprintf("%s.needs[%d]", rat, k), "release %q cannot need itself", n)
			}
		}
	}
	for j, r := range t.Helm {
		for k, n := range r.Needs {
			if _, ok := names[n]; !ok {
				c.problem(errs, fmt.Sprintf("%s.helm[%d].needs[%d]", at, j, k), "release %q is not defined in tier %q", n, t.Name)
			}
		}
	}
	if cycle := findCycle(len(t.Helm), func(i int) []int {
		var out []int
		for _, n := range t.Helm[i].Needs {
			if k, ok := names[n]; ok && k != i {
				out = append(out, k)
			}
		}
		return out
	}); cycle != nil {
		c.problem(errs, fmt.Sprintf("%s.helm[%d].needs", at, cycle[0]), "releases need each other in a cycle: %s", cyclePath(cycle, func(i int) string { return t.Helm[i].Release }))
	}
}

// needsResolve reports whether every tier t needs is defined (otherwise
// that is the problem to report, not its consequences).
func (c *Config) needsResolve(t Tier) bool {
	for _, n := range t.Needs {
		if c.Tier(n) == nil {
			return false
		}
	}
	return true
}

func (c *Config) validateNeeds(errs *Errors, index map[string]int) {
	for i, t := range c.Tiers {
		for j, n := range t.Needs {
			key := fmt.Sprintf("tiers[%d].needs[%d]", i, j)
			switch k, ok := index[n]; {
			case !ok:
				c.problem(errs, key, "tier %q is not defined%s", n, didYouMean(n, c.tierNames()))
			case k == i:
				c.problem(errs, key, "tier %q cannot need itself", n)
			}
		}
	}
	if cycle := findCycle(len(c.Tiers), func(i int) []int {
		var out []int
		for _, n := range c.Tiers[i].Needs {
			if k, ok := index[n]; ok && k != i {
				out = append(out, k)
			}
		}
		return out
	}); cycle != nil {
		c.problem(errs, fmt.Sprintf("tiers[%d].needs", cycle[0]), "tiers need each other in a cycle: %s", cyclePath(cycle, func(i int) string { return c.Tiers[i].Name }))
	}
}

func (c *Config) tierNames() []string {
	out := make([]string, len(c.Tiers))
	for i, t := range c.Tiers {
		out[i] = t.Name
	}
	return out
}

func didYouMean(s string, candidates []string) string {
	if m := suggest(s, candidates); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	return ""
}

// findCycle returns the nodes of a dependency cycle, or nil.
func findCycle(n int, edges func(int) []int) []int {
	const (
		unvisited = iota
		active
		done
	)
	state := make([]int, n)
	var stack []int
	var visit func(int) []int
	visit = func(i int) []int {
		state[i] = active
		stack = append(stack, i)
		for _, j := range edges(i) {
			switch state[j] {
			case active:
				for k, s := range stack {
					if s == j {
						return append([]int(nil), stack[k:]...)
					}
				}
			case unvisited:
				if c := visit(j); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		return nil
	}
	for i := range n {
		if state[i] == unvisited {
			if c := visit(i); c != nil {
				return c
			}
		}
	}
	return nil
}

func cyclePath(cycle []int, name func(int) string) string {
	parts := make([]string, 0, len(cycle)+1)
	for _, i := range cycle {
		parts = append(parts, name(i))
	}
	parts = append(parts, name(cycle[0]))
	return strings.Join(parts, " -> ")
}

// cleanRelative reports whether p is a relative slash path that stays inside
// the repository.
func cleanRelative(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) {
		return false
	}
	c := path.Clean(p)
	return c != ".." && !strings.HasPrefix(c, "../")
}

// checkFiles checks that every file and directory the configuration names
// exists, for every environment.
func (c *Config) checkFiles(fsys fs.FS) error {
	errs := &Errors{File: c.File}
	for i, t := range c.Tiers {
		at := fmt.Sprintf("tiers[%d]", i)
		if tf := t.Terraform; tf != nil {
			c.checkEach(errs, fsys, at+".terraform.dir", tf.Dir, true)
			for j, f := range tf.VarFiles {
				c.checkEach(errs, fsys, fmt.Sprintf("%s.terraform.var_files[%d]", at, j), f, false)
			}
		}
		for j, p := range t.Policies {
			c.checkEach(errs, fsys, fmt.Sprintf("%s.policies[%d]", at, j), p, true)
		}
		for j, r := range t.Helm {
			rat := fmt.Sprintf("%s.helm[%d]", at, j)
			if r.IsLocalChart() {
				c.checkEach(errs, fsys, rat+".chart", r.Chart, true)
			}
			for k, v := range r.Values {
				c.checkEach(errs, fsys, fmt.Sprintf("%s.values[%d]", rat, k), v, false)
			}
		}
	}
	return errs.err()
}

// checkEach checks that the path template names an existing directory (dir)
// or file in every environment, reporting once per template.
func (c *Config) checkEach(errs *Errors, fsys fs.FS, key, tmpl string, dir bool) {
	var missing []string
	envs := c.environmentsOrDefault()
	if !strings.Contains(tmpl, Placeholder) {
		envs = envs[:1]
	}
	for _, env := range envs {
		p := path.Clean(Expand(tmpl, env))
		info, err := fs.Stat(fsys, p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, p)
		case err != nil:
			c.problem(errs, key, "cannot read %s: %v", p, err)
			return
		case dir && !info.IsDir():
			c.problem(errs, key, "%s is a file, not a directory", p)
			return
		case !dir && info.IsDir():
			c.problem(errs, key, "%s is a directory, not a file", p)
			return
		}
	}
	if len(missing) == 0 {
		return
	}
	what := "file"
	if dir {
		what = "directory"
	}
	if len(missing) == 1 {
		c.problem(errs, key, "%s %s does not exist", what, missing[0])
		return
	}
	c.problem(errs, key, "%s does not exist for %d environments: %s", what, len(missing), strings.Join(missing, ", "))
}

func (c *Config) environmentsOrDefault() []string {
	if len(c.Environments) == 0 {
		return []string{DefaultEnvironment}
	}
	return c.EnvironmentNames()
}
