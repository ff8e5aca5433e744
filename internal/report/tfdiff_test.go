package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlanDiff(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "legend dropped",
			in: "\nOpenTofu used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n  + create\n\n" +
				"OpenTofu will perform the following actions:\n\n  # terraform_data.x will be created\n  + resource \"terraform_data\" \"x\" {\n      + id = (known after apply)\n    }\n",
			want: "  # terraform_data.x will be created\n+   resource \"terraform_data\" \"x\" {\n+       id = (known after apply)\n    }\n",
		},
		{
			name: "terraform's wording too",
			in:   "Terraform will perform the following actions:\n  - resource \"a\" \"b\" {\n",
			want: "-   resource \"a\" \"b\" {\n",
		},
		{
			name: "update becomes !, nesting keeps its columns",
			in:   "  ~ resource \"terraform_data\" \"c\" {\n      ~ input  = {\n          ~ replicas = 2 -> 3\n            # (1 unchanged attribute hidden)\n        }\n",
			want: "!   resource \"terraform_data\" \"c\" {\n!       input  = {\n!           replicas = 2 -> 3\n            # (1 unchanged attribute hidden)\n        }\n",
		},
		{
			name: "replace stays in column 0",
			in:   "-/+ resource \"terraform_data\" \"db\" {\n+/- resource \"terraform_data\" \"cbd\" {\n",
			want: "-/+ resource \"terraform_data\" \"db\" {\n+/- resource \"terraform_data\" \"cbd\" {\n",
		},
		{
			name: "no changes text unchanged",
			in:   "\nNo changes. Your infrastructure matches the configuration.\n",
			want: "No changes. Your infrastructure matches the configuration.\n",
		},
		{
			name: "heredoc: changed lines marked, content alone",
			in:   "-/+ resource \"local_file\" \"values\" {\n      ~ content = <<-EOT # forces replacement\n            database:\n              - item\n          - replicas: 2\n          + replicas: 3\n        EOT\n      ~ id = \"5a\" -> (known after apply)\n",
			want: "-/+ resource \"local_file\" \"values\" {\n!       content = <<-EOT # forces replacement\n            database:\n              - item\n-           replicas: 2\n+           replicas: 3\n        EOT\n!       id = \"5a\" -> (known after apply)\n",
		},
		{
			name: "heredoc being destroyed, content that looks like a marker",
			in:   "  - resource \"local_file\" \"a\" {\n      - content = <<-EOT\n            x: 1\n            - EOT\n        EOT -> null\n      - id = \"82\" -> null\n",
			want: "-   resource \"local_file\" \"a\" {\n-       content = <<-EOT\n            x: 1\n            - EOT\n        EOT -> null\n-       id = \"82\" -> null\n",
		},
		{
			name: "a dash without a space is not a marker",
			in:   "    -1\n  ~~~\n",
			want: "    -1\n  ~~~\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, planDiff(tt.in))
		})
	}
}

func TestPlanDiffOfRealPlans(t *testing.T) {
	// Every line of the real plans keeps its text; only markers move.
	for _, name := range []string{"infra-changes.plan.txt", "project-jsonencode.plan.txt", "no-changes.plan.txt"} {
		t.Run(name, func(t *testing.T) {
			in := dropLegend(input(t, name))
			out := planDiff(in)
			inLines, outLines := strings.Split(in, "\n"), strings.Split(out, "\n")
			assert.Len(t, outLines, len(inLines))
			for i := range min(len(inLines), len(outLines)) {
				assert.Len(t, outLines[i], len(inLines[i]), "line %d", i+1)
				strip := func(s string) string { return strings.TrimLeft(s, " +-~!/") }
				assert.Equal(t, strip(inLines[i]), strip(outLines[i]), "line %d", i+1)
			}
		})
	}
}
