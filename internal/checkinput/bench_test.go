package checkinput

import "testing"

func BenchmarkTerraformSmallPlan(b *testing.B) {
	raw := realPlan(b, "update")
	for b.Loop() {
		if _, err := Terraform(raw, Stage{}); err != nil {
			b.Fatal(err)
		}
	}
}
