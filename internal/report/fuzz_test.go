package report

import (
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// FuzzRender renders random plan and error texts into random budgets and
// checks the body: within budget, code fences and <details> blocks closed,
// marker first, no secret shown.
func FuzzRender(f *testing.F) {
	f.Add("  + resource \"a\" \"b\" {\n      ~ x = 1 -> 2\n    }\n", "Error: boom", uint32(65536), uint16(2), []byte("s3cr"), true)
	f.Add("```\n````\n<details>\n</details>\n", "```", uint32(3000), uint16(40), []byte{0xff, 0x00}, false)
	f.Add("\x1b[31m-  password: zq00ff\r\n", "zq00ff\n\n```", uint32(1500), uint16(1), []byte{0x00, 0xff}, true)
	f.Add("é😀\n", "", uint32(0), uint16(300), []byte("abcd"), false)
	f.Fuzz(func(t *testing.T, diff, errText string, budget uint32, stages uint16, seed []byte, helm bool) {
		// The secret is "zq" and hex digits: it cannot be formed by the text
		// the report adds around outside text, so finding it means a leak.
		secret := "zq" + hex.EncodeToString(seed)
		in := Input{
			Environment: "prod", Commit: commit, Budget: int(budget % 200_000),
			Secrets: []string{secret},
			Inventory: &InventoryChange{Lines: []InventoryLine{
				{Key: "k", Kind: Changed, Before: diff, After: `"` + secret + `"`},
			}},
		}
		kind := plan.Terraform
		if helm {
			kind = plan.Helm
		}
		var results []plan.Result
		for i := range int(stages%200) + 1 {
			r := plan.Result{Stack: infra, Kind: kind, Name: fmt.Sprintf("s%d", i), HasChanges: i%3 != 2,
				Counts: plan.Counts{Add: i}, Diff: diff + secret,
				Resources: []plan.ResourceChange{{Address: "x." + secret, Action: plan.Update}},
				Outputs:   []plan.OutputChange{{Name: "o", Action: plan.Create, After: raw(`"` + secret + diff + `"`)}},
				Notes:     []string{diff}}
			if i%4 == 1 {
				r.Err = errors.New(errText + secret)
			}
			results = append(results, r)
		}
		in.Stacks = []StackReport{
			{Stack: infra, Reasons: []string{diff}, Results: results, Tool: errText + secret},
			{Stack: project, Skipped: errText},
		}
		r, err := Render(in)
		var be *BudgetError
		if errors.As(err, &be) && in.Budget < 2000 {
			return
		}
		if err != nil {
			t.Fatalf("budget %d: %v", in.Budget, err)
		}
		if msg := wellFormed(r.Body, in, true); msg != "" {
			t.Fatalf("%s:\n%s", msg, r.Body)
		}
	})
}
