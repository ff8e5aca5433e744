package terraform

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDriftFilterLeaksNoValue reads a refresh-only plan in which values
// outside the configuration changed to a secret, a runner command and a
// terminal escape (a cluster or cloud value anyone with write access to the
// account can set), and checks that the note counting them, the resources
// listed carry no value: only counts and addresses. (The values reach only
// the fingerprint, which is a hash, and the plan text, which is masked and
// fenced elsewhere.)
func TestDriftFilterLeaksNoValue(t *testing.T) {
	hostile := []string{"planted-secret", "::stop-commands::tok", "##[add-mask]x", "\x1b]8;;http://x\x07"}
	var drift []string
	for i, v := range hostile {
		drift = append(drift, fmt.Sprintf(`{"address": "aws_s3_bucket.b%d", "mode": "managed", "type": "aws_s3_bucket", "name": "b%d",
     "change": {"actions": ["update"], "before": {"bucket": "b", "tags_all": {"owner": "x"}}, "after": {"bucket": "b", "tags_all": {"owner": %s}}}}`, i, i, jsonString(v)))
		drift = append(drift, fmt.Sprintf(`{"address": "aws_s3_bucket.c%d", "mode": "managed", "type": "aws_s3_bucket", "name": "c%d",
     "change": {"actions": ["update"], "before": {"bucket": "c"}, "after": {"bucket": %s}}}`, i, i, jsonString(v)))
	}
	var cfg []string
	for i := range hostile {
		cfg = append(cfg, fmt.Sprintf(`{"address": "aws_s3_bucket.b%d", "mode": "managed", "type": "aws_s3_bucket", "name": "b%d",
       "expressions": {"bucket": {"constant_value": "b"}}}`, i, i),
			fmt.Sprintf(`{"address": "aws_s3_bucket.c%d", "mode": "managed", "type": "aws_s3_bucket", "name": "c%d",
       "expressions": {"bucket": {"constant_value": "c"}}}`, i, i))
	}
	js := `{"format_version": "1.2", "resource_drift": [` + strings.Join(drift, ",") +
		`], "configuration": {"root_module": {"resources": [` + strings.Join(cfg, ",") + `]}}}`

	f, err := readPlan([]byte(js), true)
	require.NoError(t, err)
	assert.Equal(t, len(hostile), f.drifted, "a configured argument changed: drift")
	assert.Equal(t, len(hostile), f.unmanaged, "only an unconfigured argument changed: counted, not drift")
	out := strings.Join(f.driftNotes(), "\n") + fmt.Sprint(f.resources)
	for _, v := range hostile {
		assert.NotContains(t, out, v)
	}
	assert.Contains(t, f.driftNotes(), fmt.Sprintf("refresh-only: %d more changed only in values their configuration does not set (not drift)", len(hostile)))
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
