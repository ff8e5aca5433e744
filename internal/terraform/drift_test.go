package terraform

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStripKeys(t *testing.T) {
	tests := map[string]string{
		"":                                  "",
		"module.a":                          "module.a",
		"module.a[0]":                       "module.a",
		`module.a["x"].module.b[2]`:         "module.a.module.b",
		`module.a["we]ird.\"key"].module.b`: "module.a.module.b",
	}
	for in, want := range tests {
		assert.Equal(t, want, stripKeys(in), in)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		same bool
	}{
		{"null and empty list", nil, []any{}, true},
		{"null and empty string", nil, "", true},
		{"null and empty map", nil, map[string]any{}, true},
		{"nested empties", map[string]any{"a": []any{}, "b": nil}, nil, true},
		{"false is a value", nil, false, false},
		{"zero is a value", nil, json.Number("0"), false},
		{"strings", "a", "b", false},
		{"list order", []any{"a", "b"}, []any{"b", "a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.same, sameValue(tt.a, tt.b, nil))
		})
	}
}

// refreshPlan is the JSON of a refresh-only plan of one module call
// (module.platform["eu"]) whose resources the provider read back with
// changes of every kind.
const refreshPlan = `{
  "format_version": "1.2",
  "resource_drift": [
    {"address": "module.platform[\"eu\"].aws_db_instance.main", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_db_instance", "name": "main",
     "change": {"actions": ["update"],
       "before": {"instance_class": "db.t4g.small", "latest_restorable_time": "10:00", "domain_dns_ips": null},
       "after":  {"instance_class": "db.t4g.small", "latest_restorable_time": "10:05", "domain_dns_ips": []}}},
    {"address": "module.platform[\"eu\"].aws_db_instance.replica", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_db_instance", "name": "replica",
     "change": {"actions": ["update"],
       "before": {"instance_class": "db.t4g.small"},
       "after":  {"instance_class": "db.t4g.large"}}},
    {"address": "module.platform[\"eu\"].aws_ecr_repository.main[\"app\"]", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_ecr_repository", "name": "main", "index": "app",
     "change": {"actions": ["update"],
       "before": {"tags": {"app": "x"}, "tags_all": {"app": "x", "team": "y"}},
       "after":  {"tags": {"app": "x", "owner": "someone"}, "tags_all": {"app": "x", "owner": "someone", "team": "y"}}}},
    {"address": "module.platform[\"eu\"].aws_efs_access_point.logs", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_efs_access_point", "name": "logs",
     "change": {"actions": ["update"],
       "before": {"posix_user": [{"uid": 50000, "gid": 0, "secondary_gids": null}], "arn": "a"},
       "after":  {"posix_user": [{"uid": 50000, "gid": 0, "secondary_gids": []}], "arn": "a"}}},
    {"address": "module.platform[\"eu\"].aws_efs_access_point.data", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_efs_access_point", "name": "data",
     "change": {"actions": ["update"],
       "before": {"posix_user": [{"uid": 50000, "gid": 0}]},
       "after":  {"posix_user": [{"uid": 0, "gid": 0}]}}},
    {"address": "module.platform[\"eu\"].aws_iam_role.node", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_iam_role", "name": "node",
     "change": {"actions": ["update"],
       "before": {"name": "node", "managed_policy_arns": []},
       "after":  {"name": "node", "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]}}},
    {"address": "module.platform[\"eu\"].aws_kms_key.main", "module_address": "module.platform[\"eu\"]",
     "mode": "managed", "type": "aws_kms_key", "name": "main",
     "change": {"actions": ["delete"], "before": {"description": "k"}, "after": null}},
    {"address": "aws_s3_bucket.gone", "mode": "managed", "type": "aws_s3_bucket", "name": "gone",
     "change": {"actions": ["update"], "before": {"x": 1}, "after": {"x": 2}}}
  ],
  "configuration": {"root_module": {"module_calls": {"platform": {"module": {"resources": [
    {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
     "expressions": {"instance_class": {"references": ["var.class"]}}},
    {"address": "aws_db_instance.replica", "mode": "managed", "type": "aws_db_instance", "name": "replica",
     "expressions": {"instance_class": {"constant_value": "db.t4g.small"}}},
    {"address": "aws_ecr_repository.main", "mode": "managed", "type": "aws_ecr_repository", "name": "main",
     "expressions": {"tags": {"references": ["local.tags"]}}},
    {"address": "aws_efs_access_point.logs", "mode": "managed", "type": "aws_efs_access_point", "name": "logs",
     "expressions": {"posix_user": [{"uid": {"constant_value": 50000}, "gid": {"constant_value": 0}}]}},
    {"address": "aws_efs_access_point.data", "mode": "managed", "type": "aws_efs_access_point", "name": "data",
     "expressions": {"posix_user": [{"uid": {"constant_value": 50000}, "gid": {"constant_value": 0}}]}},
    {"address": "aws_iam_role.node", "mode": "managed", "type": "aws_iam_role", "name": "node",
     "expressions": {"name": {"constant_value": "node"}}},
    {"address": "aws_kms_key.main", "mode": "managed", "type": "aws_kms_key", "name": "main",
     "expressions": {"description": {"constant_value": "k"}}}
  ]}}}}}
}`

// TestRefreshOnlyDrift checks which refreshed differences are drift: the
// arguments the configuration sets (down into nested blocks), deletions,
// and anything of a resource the configuration no longer has; not values
// the service computes, attachments made by other resources, or a null
// read back as an empty list.
func TestRefreshOnlyDrift(t *testing.T) {
	f, err := readPlan([]byte(refreshPlan), true)
	require.NoError(t, err)
	var got []string
	for _, r := range f.resources {
		got = append(got, r.Address)
	}
	assert.Equal(t, []string{
		"aws_s3_bucket.gone",
		`module.platform["eu"].aws_db_instance.replica`,
		`module.platform["eu"].aws_ecr_repository.main["app"]`,
		`module.platform["eu"].aws_efs_access_point.data`,
		`module.platform["eu"].aws_kms_key.main`,
	}, got)
	assert.Equal(t, 5, f.drifted)
	assert.Equal(t, 3, f.unmanaged)
	assert.Equal(t, []string{"refresh-only: 5 drifted",
		"refresh-only: 3 more changed only in values their configuration does not set (not drift)"}, f.driftNotes())

	// The same changes in a normal plan are all changes.
	f, err = readPlan([]byte(refreshPlan), false)
	require.NoError(t, err)
	assert.Empty(t, f.resources, "a normal plan's changes are resource_changes")
}

// TestRefreshOnlyNoiseIsNotDrift: a plan whose refresh found only noise
// has no drift and a note that says what was left out.
func TestRefreshOnlyNoiseIsNotDrift(t *testing.T) {
	var p map[string]any
	require.NoError(t, json.Unmarshal([]byte(refreshPlan), &p))
	var noise []any
	for _, rd := range p["resource_drift"].([]any) {
		name := rd.(map[string]any)["name"]
		if name == "main" && rd.(map[string]any)["type"] == "aws_db_instance" || name == "logs" || name == "node" {
			noise = append(noise, rd)
		}
	}
	p["resource_drift"] = noise
	b, err := json.Marshal(p)
	require.NoError(t, err)
	f, err := readPlan(b, true)
	require.NoError(t, err)
	assert.Empty(t, f.resources)
	assert.Equal(t, 0, f.drifted)
	assert.Equal(t, []string{"refresh-only: 0 drifted",
		"refresh-only: 3 more changed only in values their configuration does not set (not drift)"}, f.driftNotes())
}
