package terraform

import (
	"encoding/json"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCollectSecrets(t *testing.T) {
	tests := []struct {
		name string
		plan string
		want []string
	}{
		{
			name: "resource attributes by mark",
			plan: `{"format_version":"1.2","resource_changes":[{"address":"x.y","mode":"managed","change":{
				"actions":["update"],
				"before":{"password":"old-secret","name":"public","nested":{"token":"tok-1","other":"plain"},"list":["a1","b2"]},
				"after":{"password":"new-secret","name":"public","nested":{"token":"tok-2","other":"plain"},"list":["a1","b3"]},
				"before_sensitive":{"password":true,"nested":{"token":true},"list":[false,true]},
				"after_sensitive":{"password":true,"nested":{"token":true},"list":[false,true]}}}]}`,
			want: []string{"b2", "b3", "new-secret", "old-secret", "tok-1", "tok-2"},
		},
		{
			name: "whole sensitive object, without booleans and nulls",
			plan: `{"format_version":"1.2","resource_drift":[{"address":"x.y","mode":"managed","change":{
				"actions":["update"],"before":{"cfg":{"user":"admin","port":5432,"tls":true,"ca":null}},"after":null,
				"before_sensitive":{"cfg":true},"after_sensitive":false}}]}`,
			want: []string{"5432", "admin"},
		},
		{
			name: "outputs",
			plan: `{"format_version":"1.2",
				"output_changes":{"a":{"actions":["create"],"before":null,"after":"out-secret","after_sensitive":true},
				                  "b":{"actions":["create"],"after":"visible","after_sensitive":false}},
				"planned_values":{"outputs":{"c":{"sensitive":true,"value":"planned-secret"},"d":{"sensitive":false,"value":"seen"}}},
				"prior_state":{"format_version":"1.0","values":{"outputs":{"e":{"sensitive":true,"value":"prior-secret"}}}}}`,
			want: []string{"out-secret", "planned-secret", "prior-secret"},
		},
		{
			name: "state resources by sensitive_values",
			plan: `{"format_version":"1.2","prior_state":{"format_version":"1.0","values":{"root_module":{
				"resources":[{"address":"a.b","values":{"key":"state-secret","id":"1"},"sensitive_values":{"key":true}}],
				"child_modules":[{"address":"module.m","resources":[{"address":"module.m.a.b","values":{"k":"child-secret"},"sensitive_values":{"k":true}}]}]}}}}`,
			want: []string{"child-secret", "state-secret"},
		},
		{
			name: "sensitive variables",
			plan: `{"format_version":"1.2",
				"variables":{"password":{"value":"var-secret"},"region":{"value":"eu-west-1"},"keys":{"value":{"a":"k-one","b":"k-two"}}},
				"configuration":{"root_module":{"variables":{
					"password":{"sensitive":true},"region":{},"keys":{"sensitive":true,"default":{"a":"default-key"}}}}}}`,
			want: []string{"default-key", "k-one", "k-two", "var-secret"},
		},
		{
			name: "empty strings left out",
			plan: `{"format_version":"1.2","variables":{"p":{"value":""}},"configuration":{"root_module":{"variables":{"p":{"sensitive":true}}}}}`,
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &tfjson.Plan{}
			p.UseJSONNumber(true)
			require.NoError(t, json.Unmarshal([]byte(tt.plan), p))
			assert.Equal(t, tt.want, collectSecrets(p))
		})
	}
}

func TestHideSensitive(t *testing.T) {
	v := map[string]any{"user": "admin", "password": "pw", "hosts": []any{"a", "b"}}
	got := hideSensitive(v, map[string]any{"password": true, "hosts": []any{false, true}})
	assert.Equal(t, map[string]any{"user": "admin", "password": SensitiveValue, "hosts": []any{"a", SensitiveValue}}, got)
	assert.Nil(t, hideSensitive(nil, true))
}
