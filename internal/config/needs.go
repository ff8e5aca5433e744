package config

// AllNeeds returns the tiers that t needs, directly or not, each once, in
// breadth-first order from t's own needs. Names of tiers that are not
// defined are left out. It also serves configurations that are not
// validated yet: a cycle ends the walk rather than looping.
//
// This is the one walk of the needs graph: prerequisites when scheduling,
// inventory consumers when selecting and planning, and validation all use
// it.
func (c *Config) AllNeeds(t *Tier) []*Tier {
	seen := map[string]bool{t.Name: true}
	var out []*Tier
	queue := append([]string(nil), t.Needs...)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		dep := c.Tier(n)
		if dep == nil {
			continue
		}
		out = append(out, dep)
		queue = append(queue, dep.Needs...)
	}
	return out
}

// Needs reports whether t needs the tier called name, directly or not.
func (c *Config) Needs(t *Tier, name string) bool {
	for _, dep := range c.AllNeeds(t) {
		if dep.Name == name {
			return true
		}
	}
	return false
}

// ConsumesInventory reports whether t reads the inventory: it needs, directly
// or not, a tier that publishes it.
func (c *Config) ConsumesInventory(t *Tier) bool {
	for _, dep := range c.AllNeeds(t) {
		if dep.PublishesInventory {
			return true
		}
	}
	return false
}
