package terraform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// edit returns the plan JSON data changed by f.
func edit(t *testing.T, data []byte, f func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	require.NoError(t, json.Unmarshal(data, &p))
	f(p)
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return out
}

// changeOf returns the change object of the resource change of address.
func changeOf(p map[string]any, address string) map[string]any {
	for _, rc := range p["resource_changes"].([]any) {
		if rc := rc.(map[string]any); rc["address"] == address {
			return rc["change"].(map[string]any)
		}
	}
	panic("no change of " + address)
}

func fingerprintOf(t *testing.T, data []byte) string {
	t.Helper()
	f, err := readPlan(data, false)
	require.NoError(t, err)
	return plan.Fingerprint(plan.Terraform, f.lines)
}

func TestFingerprint(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		edit    func(p map[string]any)
		same    bool
	}{
		{
			name: "resources in another order", fixture: "update", same: true,
			edit: func(p map[string]any) { slices.Reverse(p["resource_changes"].([]any)) },
		},
		{
			name: "refresh changed an attribute the plan leaves alone", fixture: "update", same: true,
			edit: func(p map[string]any) {
				c := changeOf(p, "terraform_data.app")
				c["before"].(map[string]any)["id"] = "refreshed"
				c["after"].(map[string]any)["id"] = "refreshed"
			},
		},
		{
			name: "refresh changed a resource that does not change", fixture: "update", same: true,
			edit: func(p map[string]any) {
				c := changeOf(p, "random_pet.server")
				c["before"].(map[string]any)["id"] = "other-pet"
				c["after"].(map[string]any)["id"] = "other-pet"
			},
		},
		{
			name: "drift reported", fixture: "update", same: true,
			edit: func(p map[string]any) {
				p["resource_drift"] = []any{map[string]any{
					"address": "terraform_data.extra[0]", "mode": "managed", "type": "terraform_data", "name": "extra",
					"change": map[string]any{"actions": []any{"update"}, "before": map[string]any{"input": "a"}, "after": map[string]any{"input": "b"}},
				}}
			},
		},
		{
			name: "unknown value rendered as null", fixture: "create", same: true,
			edit: func(p map[string]any) { changeOf(p, "random_pet.server")["after"].(map[string]any)["id"] = nil },
		},
		{
			name: "data source read", fixture: "create", same: true,
			edit: func(p map[string]any) {
				p["resource_changes"] = append(p["resource_changes"].([]any), map[string]any{
					"address": "data.local_file.x", "mode": "data", "type": "local_file", "name": "x",
					"change": map[string]any{"actions": []any{"read"}, "before": nil, "after": map[string]any{"filename": "x"}},
				})
			},
		},
		{
			name: "another value", fixture: "update",
			edit: func(p map[string]any) {
				changeOf(p, "terraform_data.app")["after"].(map[string]any)["input"] = map[string]any{"name": "gamma"}
			},
		},
		{
			name: "another action", fixture: "update",
			edit: func(p map[string]any) { changeOf(p, "terraform_data.app")["actions"] = []any{"delete", "create"} },
		},
		{
			// Without a fingerprint key a secret contributes only its
			// presence (fingerprint_bruteforce_test.go has the keyed case).
			name: "another sensitive value", fixture: "create", same: true,
			edit: func(p map[string]any) {
				changeOf(p, "terraform_data.credentials")["after"].(map[string]any)["input"].(map[string]any)["password"] = "other"
			},
		},
		{
			name: "another sensitive output value", fixture: "create", same: true,
			edit: func(p map[string]any) {
				p["output_changes"].(map[string]any)["db_password"].(map[string]any)["after"] = "other"
			},
		},
		{
			name: "moved from elsewhere", fixture: "moved-import",
			edit: func(p map[string]any) {
				for _, rc := range p["resource_changes"].([]any) {
					if rc := rc.(map[string]any); rc["previous_address"] != nil {
						rc["previous_address"] = "terraform_data.older_name"
					}
				}
			},
		},
		{
			name: "another import ID", fixture: "moved-import",
			edit: func(p map[string]any) {
				changeOf(p, "random_string.imported")["importing"] = map[string]any{"id": "zyxwvuts"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := fixture(t, tt.fixture)
			want := fingerprintOf(t, data)
			require.Equal(t, want, fingerprintOf(t, data), "not deterministic")
			got := fingerprintOf(t, edit(t, data, tt.edit))
			if tt.same {
				assert.Equal(t, want, got)
			} else {
				assert.NotEqual(t, want, got)
			}
		})
	}
}

// TestFingerprintLines pins the normalized lines of one update, so that a
// change of their format, which changes every fingerprint, is deliberate.
func TestFingerprintLines(t *testing.T) {
	f, err := readPlan(fixture(t, "update"), false)
	require.NoError(t, err)
	slices.Sort(f.lines)
	assert.Equal(t, []string{
		`output app_name update = "\u0000unknown"`,
		`resource local_file.motd .content = "welcome to beta\n"`,
		`resource local_file.motd .content_base64sha256 = "\u0000unknown"`,
		`resource local_file.motd .content_base64sha512 = "\u0000unknown"`,
		`resource local_file.motd .content_md5 = "\u0000unknown"`,
		`resource local_file.motd .content_sha1 = "\u0000unknown"`,
		`resource local_file.motd .content_sha256 = "\u0000unknown"`,
		`resource local_file.motd .content_sha512 = "\u0000unknown"`,
		`resource local_file.motd .id = "\u0000unknown"`,
		`resource local_file.motd replace`,
		`resource terraform_data.app .input.name = "beta"`,
		`resource terraform_data.app .output = "\u0000unknown"`,
		`resource terraform_data.app update`,
	}, f.lines)
}

func TestFingerprintHidesSecrets(t *testing.T) {
	for _, name := range []string{"create", "update", "replace", "delete", "drift", "moved-import"} {
		f, err := readPlan(fixture(t, name), name == "drift")
		require.NoError(t, err)
		text := strings.Join(f.lines, "\n")
		assert.NotContains(t, text, testPassword, name)
		if name == "create" {
			assert.Contains(t, text, `resource terraform_data.credentials .input.password = "\u0000sensitive:`)
		}
	}
}

func TestChangedLeaves(t *testing.T) {
	tests := []struct {
		name          string
		before, after any
		want          []string
	}{
		{name: "create", before: nil, after: map[string]any{"a": "x", "b": nil, "n": []any{"1", "2"}},
			want: []string{`.a = "x"`, `.n = ["1","2"]`}},
		{name: "unchanged", before: map[string]any{"a": "x"}, after: map[string]any{"a": "x"}},
		{name: "list element", before: map[string]any{"l": []any{"a", "b"}}, after: map[string]any{"l": []any{"a", "c"}},
			want: []string{`.l[1] = "c"`}},
		{name: "list grows", before: map[string]any{"l": []any{"a"}}, after: map[string]any{"l": []any{"a", "c"}},
			want: []string{`.l = ["a","c"]`}},
		{name: "map key removed", before: map[string]any{"tags": map[string]any{"a": "1", "b c": "2"}},
			after: map[string]any{"tags": map[string]any{"a": "1"}}, want: []string{`.tags["b c"] = null`}},
		{name: "scalar becomes object", before: map[string]any{"v": "s"}, after: map[string]any{"v": map[string]any{"k": "s"}},
			want: []string{`.v.k = "s"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			changedLeaves("", tt.before, tt.after, func(path string, v any) { got = append(got, path+" = "+canonical(v)) })
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMasked(t *testing.T) {
	v := map[string]any{"a": "x", "list": []any{"p", "q"}, "obj": map[string]any{"s": "secret"}}
	var fp fingerprinter
	got := fp.masked(v, map[string]any{"id": true, "list": []any{false, true}}, map[string]any{"obj": map[string]any{"s": true}})
	assert.Equal(t, map[string]any{
		"a": "x", "id": unknownToken, "list": []any{"p", unknownToken},
		"obj": map[string]any{"s": sensitiveToken + "(sensitive)"},
	}, got)
	assert.Equal(t, "x", v["a"], "masked changed its input")
	assert.Equal(t, unknownToken, fp.masked(nil, true, nil))
}
