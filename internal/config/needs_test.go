package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAllNeeds(t *testing.T) {
	c := &Config{Tiers: []Tier{
		{Name: "network"},
		{Name: "infra", Needs: []string{"network"}, PublishesInventory: true},
		{Name: "project", Needs: []string{"infra", "missing"}},
		{Name: "jobs", Needs: []string{"project", "network"}},
		// Not validated yet: a cycle ends the walk.
		{Name: "a", Needs: []string{"b"}},
		{Name: "b", Needs: []string{"a"}},
	}}
	names := func(ts []*Tier) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return out
	}
	assert.Equal(t, []string{"project", "network", "infra"}, names(c.AllNeeds(c.Tier("jobs"))))
	assert.Equal(t, []string{"infra", "network"}, names(c.AllNeeds(c.Tier("project"))), "undefined names are left out")
	assert.Equal(t, []string{"b"}, names(c.AllNeeds(c.Tier("a"))))
	assert.True(t, c.Needs(c.Tier("jobs"), "infra"))
	assert.False(t, c.Needs(c.Tier("infra"), "jobs"))
	assert.True(t, c.ConsumesInventory(c.Tier("jobs")))
	assert.False(t, c.ConsumesInventory(c.Tier("infra")), "the publisher does not consume its own inventory")
	assert.False(t, c.ConsumesInventory(c.Tier("a")))
}
