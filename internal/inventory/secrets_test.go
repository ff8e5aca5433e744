package inventory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

func TestSensitiveLeaves(t *testing.T) {
	d := doc([]string{"db", "pin", "flag"}, map[string]string{
		"db":     `{"user":"admin","password":"pa'ss\"word","port":5432,"tls":true,"none":null,"hosts":["h1","h2"]}`,
		"pin":    `4821`,
		"flag":   `true`,
		"public": `"not-a-secret"`,
	})
	assert.Equal(t, []string{
		"4821",
		"5432",
		`["h1","h2"]`,
		"admin",
		"h1",
		"h2",
		`pa'ss"word`,
		`{"hosts":["h1","h2"],"none":null,"password":"pa'ss\"word","port":5432,"tls":true,"user":"admin"}`,
	}, inventory.SensitiveLeaves(d))
	assert.Nil(t, inventory.SensitiveLeaves(nil))
}
