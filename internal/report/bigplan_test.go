package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// bigPlan returns a Terraform plan of n resource changes, its text shaped as
// `tofu show` prints it: mostly created S3 objects (for_each), updated SSM
// parameters, replaced instances and a few deletes. About 300 bytes of plan
// text per resource.
func bigPlan(t testing.TB, n int) plan.Result {
	var b strings.Builder
	b.WriteString("\nOpenTofu used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n  + create\n  ~ update in-place\n  - destroy\n-/+ destroy and then create replacement\n\nOpenTofu will perform the following actions:\n\n")
	r := plan.Result{Stack: infra, Kind: plan.Terraform, Name: "terraform/environments/prod", HasChanges: true}
	var lines []string
	for i := range n {
		etag := sha256.Sum256([]byte(fmt.Sprint(i)))
		tag := hex.EncodeToString(etag[:16])
		switch {
		case i%20 < 12:
			addr := fmt.Sprintf(`aws_s3_object.dag["dags/pipeline_%05d.py"]`, i)
			fmt.Fprintf(&b, "  # %s will be created\n  + resource \"aws_s3_object\" \"dag\" {\n      + bucket       = \"meltano-prod-airflow\"\n      + etag         = %q\n      + id           = (known after apply)\n      + key          = \"dags/pipeline_%05d.py\"\n      + source       = \"dags/pipeline_%05d.py\"\n      + version_id   = (known after apply)\n    }\n\n", addr, tag, i, i)
			r.Resources = append(r.Resources, plan.ResourceChange{Address: addr, Action: plan.Create})
			r.Counts.Add++
		case i%20 < 17:
			addr := fmt.Sprintf(`aws_ssm_parameter.setting["/meltano/prod/setting_%05d"]`, i)
			fmt.Fprintf(&b, "  # %s will be updated in-place\n  ~ resource \"aws_ssm_parameter\" \"setting\" {\n        id    = \"/meltano/prod/setting_%05d\"\n      ~ value = (sensitive value)\n        # (9 unchanged attributes hidden)\n    }\n\n", addr, i)
			r.Resources = append(r.Resources, plan.ResourceChange{Address: addr, Action: plan.Update})
			r.Counts.Change++
		case i%20 < 19:
			addr := fmt.Sprintf("aws_instance.worker[%d]", i)
			fmt.Fprintf(&b, "  # %s must be replaced\n-/+ resource \"aws_instance\" \"worker\" {\n      ~ ami = \"ami-0a1b2c3d\" -> \"ami-0e4f5a6b\" # forces replacement\n      ~ id  = \"i-%s\" -> (known after apply)\n        # (30 unchanged attributes hidden)\n    }\n\n", addr, tag[:17])
			r.Resources = append(r.Resources, plan.ResourceChange{Address: addr, Action: plan.Replace, Reason: "replace because cannot update"})
			r.Counts.Replace++
		default:
			addr := fmt.Sprintf("aws_cloudwatch_log_group.legacy[%d]", i)
			fmt.Fprintf(&b, "  # %s will be destroyed\n  # (because index [%d] is out of range for count)\n  - resource \"aws_cloudwatch_log_group\" \"legacy\" {\n      - id   = \"/meltano/legacy/%d\" -> null\n      - name = \"/meltano/legacy/%d\" -> null\n    }\n\n", addr, i, i, i)
			r.Resources = append(r.Resources, plan.ResourceChange{Address: addr, Action: plan.Delete, Reason: "delete because count index"})
			r.Counts.Destroy++
		}
		lines = append(lines, r.Resources[len(r.Resources)-1].Address)
	}
	fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to destroy.\n", r.Counts.Add+r.Counts.Replace, r.Counts.Change, r.Counts.Destroy+r.Counts.Replace)
	r.Diff = b.String()
	r.Fingerprint = plan.Fingerprint(plan.Terraform, lines)
	return r
}
