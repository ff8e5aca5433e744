package ssmtest_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	smithy "github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
)

// code returns the service error code of err, or "" when it has none.
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func put(t *testing.T, c *ssm.Client, name, value string, overwrite bool) int64 {
	t.Helper()
	out, err := c.PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value),
		Type: types.ParameterTypeSecureString, Overwrite: aws.Bool(overwrite)})
	require.NoError(t, err)
	return out.Version
}

func TestVersionsAndSelectors(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	ctx := t.Context()
	const name = "/meltano/prod/inventory"

	_, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	var nf *types.ParameterNotFound
	require.ErrorAs(t, err, &nf)

	assert.Equal(t, int64(1), put(t, c, name, "one", false))
	_, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("x"),
		Type: types.ParameterTypeSecureString})
	var exists *types.ParameterAlreadyExists
	require.ErrorAs(t, err, &exists)
	assert.Equal(t, int64(2), put(t, c, name, "two", true))
	assert.Equal(t, int64(3), put(t, c, name, "three", true))
	_, err = c.LabelParameterVersion(ctx, &ssm.LabelParameterVersionInput{Name: aws.String(name),
		ParameterVersion: aws.Int64(2), Labels: []string{"release"}})
	require.NoError(t, err)

	tests := []struct {
		name      string
		selector  string
		decrypt   bool
		wantValue string
		wantVer   int64
		wantCode  string
	}{
		{name: "latest", decrypt: true, wantValue: "three", wantVer: 3},
		{name: "by version", selector: ":1", decrypt: true, wantValue: "one", wantVer: 1},
		{name: "by label", selector: ":release", decrypt: true, wantValue: "two", wantVer: 2},
		{name: "encrypted", wantVer: 3},
		{name: "missing version", selector: ":9", wantCode: "ParameterVersionNotFound"},
		{name: "missing label", selector: ":nope", wantCode: "ParameterVersionNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(name + tt.selector),
				WithDecryption: aws.Bool(tt.decrypt)})
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, code(err), "error %v", err)
				return
			}
			require.NoError(t, err)
			p := out.Parameter
			assert.Equal(t, name, aws.ToString(p.Name))
			assert.Equal(t, tt.wantVer, p.Version)
			assert.Equal(t, types.ParameterTypeSecureString, p.Type)
			assert.Equal(t, "arn:aws:ssm:us-east-1:123456789012:parameter"+name, aws.ToString(p.ARN))
			assert.WithinDuration(t, time.Now(), aws.ToTime(p.LastModifiedDate), time.Minute)
			if tt.selector != "" {
				assert.Equal(t, tt.selector, aws.ToString(p.Selector))
			}
			if tt.decrypt {
				assert.Equal(t, tt.wantValue, aws.ToString(p.Value))
			} else {
				assert.NotContains(t, aws.ToString(p.Value), "three")
			}
		})
	}
	assert.Equal(t, 6+1, s.Calls("GetParameter"))
}

func TestTiers(t *testing.T) {
	tests := []struct {
		name     string
		prior    types.ParameterTier
		tier     types.ParameterTier
		size     int
		wantTier types.ParameterTier
		wantCode string
		wantMsg  string
	}{
		{name: "standard at its limit", tier: types.ParameterTierStandard, size: 4096, wantTier: types.ParameterTierStandard},
		{name: "standard over its limit", tier: types.ParameterTierStandard, size: 4097,
			wantCode: "ValidationException", wantMsg: "Standard tier parameters support a maximum parameter value of 4096"},
		{name: "default tier is standard", size: 4097, wantCode: "ValidationException"},
		{name: "advanced", tier: types.ParameterTierAdvanced, size: 4097, wantTier: types.ParameterTierAdvanced},
		{name: "advanced at its limit", tier: types.ParameterTierAdvanced, size: 8192, wantTier: types.ParameterTierAdvanced},
		{name: "advanced over its limit", tier: types.ParameterTierAdvanced, size: 8193,
			wantCode: "ValidationException", wantMsg: "less than or equal to 8192"},
		{name: "intelligent small", tier: types.ParameterTierIntelligentTiering, size: 10, wantTier: types.ParameterTierStandard},
		{name: "intelligent large", tier: types.ParameterTierIntelligentTiering, size: 5000, wantTier: types.ParameterTierAdvanced},
		{name: "no downgrade", prior: types.ParameterTierAdvanced, tier: types.ParameterTierStandard, size: 10,
			wantCode: "ValidationException", wantMsg: "can't downgrade"},
		{name: "advanced stays advanced", prior: types.ParameterTierAdvanced, size: 10, wantTier: types.ParameterTierAdvanced},
		{name: "upgrade", prior: types.ParameterTierStandard, tier: types.ParameterTierAdvanced, size: 10,
			wantTier: types.ParameterTierAdvanced},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ssmtest.NewServer(t)
			c := s.Client()
			name := aws.String("/tiers")
			if tt.prior != "" {
				_, err := c.PutParameter(t.Context(), &ssm.PutParameterInput{Name: name, Value: aws.String("p"),
					Type: types.ParameterTypeString, Tier: tt.prior})
				require.NoError(t, err)
			}
			out, err := c.PutParameter(t.Context(), &ssm.PutParameterInput{Name: name,
				Value: aws.String(strings.Repeat("é", tt.size)), Type: types.ParameterTypeString,
				Tier: tt.tier, Overwrite: aws.Bool(tt.prior != "")})
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, code(err), "error %v", err)
				assert.ErrorContains(t, err, tt.wantMsg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantTier, out.Tier)
			vs := s.Versions("/tiers")
			assert.Equal(t, string(tt.wantTier), vs[len(vs)-1].Tier)
		})
	}
}

func TestPutParameterValidation(t *testing.T) {
	tests := []struct {
		name     string
		in       ssm.PutParameterInput
		wantCode string
	}{
		{name: "reserved prefix", in: ssm.PutParameterInput{Name: aws.String("/AWS/x"), Value: aws.String("v"),
			Type: types.ParameterTypeString}, wantCode: "ValidationException"},
		{name: "ssm prefix", in: ssm.PutParameterInput{Name: aws.String("ssm-x"), Value: aws.String("v"),
			Type: types.ParameterTypeString}, wantCode: "ValidationException"},
		{name: "not fully qualified", in: ssm.PutParameterInput{Name: aws.String("a/b"), Value: aws.String("v"),
			Type: types.ParameterTypeString}, wantCode: "ValidationException"},
		{name: "bad character", in: ssm.PutParameterInput{Name: aws.String("/a b"), Value: aws.String("v"),
			Type: types.ParameterTypeString}, wantCode: "ValidationException"},
		{name: "too deep", in: ssm.PutParameterInput{Name: aws.String(strings.Repeat("/a", 16)), Value: aws.String("v"),
			Type: types.ParameterTypeString}, wantCode: "HierarchyLevelLimitExceededException"},
		{name: "empty value", in: ssm.PutParameterInput{Name: aws.String("/a"), Value: aws.String(""),
			Type: types.ParameterTypeString}, wantCode: "ValidationException"},
		{name: "no type", in: ssm.PutParameterInput{Name: aws.String("/a"), Value: aws.String("v")},
			wantCode: "ValidationException"},
		{name: "tags with overwrite", in: ssm.PutParameterInput{Name: aws.String("/a"), Value: aws.String("v"),
			Type: types.ParameterTypeString, Overwrite: aws.Bool(true),
			Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}, wantCode: "ValidationException"},
		{name: "pattern mismatch", in: ssm.PutParameterInput{Name: aws.String("/a"), Value: aws.String("v"),
			Type: types.ParameterTypeString, AllowedPattern: aws.String(`^\d+$`)},
			wantCode: "ParameterPatternMismatchException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ssmtest.NewServer(t)
			_, err := s.Client().PutParameter(t.Context(), &tt.in)
			assert.Equal(t, tt.wantCode, code(err), "error %v", err)
		})
	}
}

func TestLabels(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	ctx := t.Context()
	const name = "/labels"
	put(t, c, name, "one", false)
	put(t, c, name, "two", true)

	label := func(version int64, labels ...string) (*ssm.LabelParameterVersionOutput, error) {
		in := &ssm.LabelParameterVersionInput{Name: aws.String(name), Labels: labels}
		if version > 0 {
			in.ParameterVersion = aws.Int64(version)
		}
		return c.LabelParameterVersion(ctx, in)
	}

	out, err := label(0, "commit-abc", "1abc", "aws-x", "SSMx", "has space", "ok.Label-1_x")
	require.NoError(t, err)
	assert.Equal(t, int64(2), out.ParameterVersion, "latest by default")
	assert.Equal(t, []string{"1abc", "aws-x", "SSMx", "has space"}, out.InvalidLabels)
	_, err = label(0, strings.Repeat("a", 101))
	assert.Equal(t, "ValidationException", code(err), "a label's length is a request constraint")
	assert.Equal(t, []string{"commit-abc", "ok.Label-1_x"}, s.Versions(name)[1].Labels)

	_, err = label(1, "commit-abc")
	require.NoError(t, err)
	vs := s.Versions(name)
	assert.Equal(t, []string{"commit-abc"}, vs[0].Labels, "the label moved")
	assert.Equal(t, []string{"ok.Label-1_x"}, vs[1].Labels)

	_, err = label(1, "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9")
	require.NoError(t, err)
	_, err = label(1, "l10")
	var limit *types.ParameterVersionLabelLimitExceeded
	require.ErrorAs(t, err, &limit)
	assert.Len(t, s.Versions(name)[0].Labels, 10, "unchanged")

	_, err = label(7, "x")
	assert.Equal(t, "ParameterVersionNotFound", code(err))
	_, err = c.LabelParameterVersion(ctx, &ssm.LabelParameterVersionInput{Name: aws.String("/none"), Labels: []string{"x"}})
	assert.Equal(t, "ParameterNotFound", code(err))

	un, err := c.UnlabelParameterVersion(ctx, &ssm.UnlabelParameterVersionInput{Name: aws.String(name),
		ParameterVersion: aws.Int64(1), Labels: []string{"l1", "absent"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"l1"}, un.RemovedLabels)
	assert.Equal(t, []string{"absent"}, un.InvalidLabels)
}

func TestHistoryPagination(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	const name = "/history"
	for i := range 7 {
		put(t, c, name, fmt.Sprintf("v%d", i+1), i > 0)
	}
	_, err := c.LabelParameterVersion(t.Context(), &ssm.LabelParameterVersionInput{Name: aws.String(name),
		ParameterVersion: aws.Int64(4), Labels: []string{"commit-4"}})
	require.NoError(t, err)

	tests := []struct {
		name      string
		max       int32
		wantPages int
	}{
		{"pages of 3", 3, 3},
		{"one page", 50, 1},
		{"pages of 1", 1, 7},
		{"default size", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &ssm.GetParameterHistoryInput{Name: aws.String(name), WithDecryption: aws.Bool(true)}
			if tt.max > 0 {
				in.MaxResults = aws.Int32(tt.max)
			}
			p := ssm.NewGetParameterHistoryPaginator(c, in)
			var (
				pages    int
				versions []int64
			)
			for p.HasMorePages() {
				out, err := p.NextPage(t.Context())
				require.NoError(t, err)
				pages++
				for _, h := range out.Parameters {
					versions = append(versions, h.Version)
					assert.Equal(t, fmt.Sprintf("v%d", h.Version), aws.ToString(h.Value))
					assert.Equal(t, "alias/aws/ssm", aws.ToString(h.KeyId))
					assert.Equal(t, types.ParameterTierStandard, h.Tier)
					assert.Equal(t, "arn:aws:iam::123456789012:user/AKIDSSMTEST", aws.ToString(h.LastModifiedUser))
					if h.Version == 4 {
						assert.Equal(t, []string{"commit-4"}, h.Labels)
					} else {
						assert.Empty(t, h.Labels)
					}
				}
			}
			assert.Equal(t, tt.wantPages, pages)
			assert.Equal(t, []int64{1, 2, 3, 4, 5, 6, 7}, versions)
		})
	}

	_, err = c.GetParameterHistory(t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(name),
		NextToken: aws.String("bogus")})
	assert.Equal(t, "InvalidNextToken", code(err))
	_, err = c.GetParameterHistory(t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(name),
		MaxResults: aws.Int32(51)})
	assert.Equal(t, "ValidationException", code(err))
	out, err := c.GetParameterHistory(t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(name)})
	require.NoError(t, err)
	assert.NotEqual(t, "v1", aws.ToString(out.Parameters[0].Value), "encrypted without WithDecryption")
}

func TestVersionLimit(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	const name = "/limit"
	for i := range 101 {
		put(t, c, name, fmt.Sprint(i+1), i > 0)
	}
	vs := s.Versions(name)
	require.Len(t, vs, 100)
	assert.Equal(t, int64(2), vs[0].Number, "the oldest version went")

	_, err := c.LabelParameterVersion(t.Context(), &ssm.LabelParameterVersionInput{Name: aws.String(name),
		ParameterVersion: aws.Int64(2), Labels: []string{"keep"}})
	require.NoError(t, err)
	_, err = c.PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("x"),
		Overwrite: aws.Bool(true)})
	var max *types.ParameterMaxVersionLimitExceeded
	require.ErrorAs(t, err, &max)
}

func TestDelete(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	const name = "/gone"
	put(t, c, name, "a", false)
	put(t, c, name, "b", true)
	_, err := c.DeleteParameter(t.Context(), &ssm.DeleteParameterInput{Name: aws.String(name)})
	require.NoError(t, err)
	_, ok := s.Value(name)
	assert.False(t, ok)
	_, err = c.DeleteParameter(t.Context(), &ssm.DeleteParameterInput{Name: aws.String(name)})
	var nf *types.ParameterNotFound
	assert.ErrorAs(t, err, &nf)
	assert.Equal(t, int64(1), put(t, c, name, "c", false), "versions start again")
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name        string
		fault       ssmtest.Fault
		failures    int
		maxAttempts int
		wantCode    string
	}{
		{name: "throttling retried", fault: ssmtest.Throttling, failures: 2},
		{name: "throttling exhausts retries", fault: ssmtest.Throttling, failures: 3, wantCode: "ThrottlingException"},
		{name: "500 retried", fault: ssmtest.InternalError, failures: 2},
		{name: "500 exhausts retries", fault: ssmtest.InternalError, failures: 3, wantCode: "InternalServerError"},
		{name: "more attempts", fault: ssmtest.InternalError, failures: 4, maxAttempts: 5},
		{name: "503 retried", fault: ssmtest.Unavailable, failures: 1},
		{name: "no retries", fault: ssmtest.Unavailable, failures: 1, maxAttempts: 1, wantCode: "ServiceUnavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ssmtest.NewServer(t)
			c := s.Client(func(o *ssm.Options) { o.RetryMaxAttempts = tt.maxAttempts })
			put(t, c, "/f", "v", false)
			s.FailNext("GetParameter", tt.failures, tt.fault)
			out, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/f"),
				WithDecryption: aws.Bool(true)})
			attempts := tt.maxAttempts
			if attempts == 0 {
				attempts = 3
			}
			if tt.wantCode != "" {
				assert.Equal(t, tt.wantCode, code(err), "error %v", err)
				assert.Equal(t, attempts, s.Calls("GetParameter"))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "v", aws.ToString(out.Parameter.Value))
			assert.Equal(t, tt.failures+1, s.Calls("GetParameter"))
			assert.Equal(t, 1, s.Calls("PutParameter"), "faults hit only the named operation")
		})
	}
}

func TestFaultsOnOneParameter(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	put(t, c, "/a", "1", false)
	put(t, c, "/b", "2", false)
	s.FailNextOn("GetParameter", "/b", 2, ssmtest.Throttling)
	for _, name := range []string{"/a", "/b", "/b:1"} {
		_, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(name)})
		require.NoError(t, err, "retried through")
	}
	assert.Equal(t, 1, s.CallsOn("GetParameter", "/a"), "other parameters are not hit")
	assert.Equal(t, 4, s.CallsOn("GetParameter", "/b"), "two failures, then two calls, one with a selector")
	assert.Equal(t, 5, s.Calls("GetParameter"))
	assert.Equal(t, 1, s.CallsOn("PutParameter", "/b"))
}

// TestBeforeAndAfter lands another client's write before a request, and
// right after a request took effect but before its client sees the answer.
func TestBeforeAndAfter(t *testing.T) {
	s := ssmtest.NewServer(t)
	c, other := s.Client(), s.Client()
	put(t, c, "/lock", "mine", false)
	var seen []string
	s.Before(func(op, name string) {
		seen = append(seen, "before "+op+" "+name)
		if op == "DeleteParameter" {
			put(t, other, "/lock", "theirs", true) // lands first
			s.Before(nil)
		}
	})
	_, err := c.DeleteParameter(t.Context(), &ssm.DeleteParameterInput{Name: aws.String("/lock")})
	require.NoError(t, err)
	assert.Equal(t, []string{"before DeleteParameter /lock", "before PutParameter /lock"}, seen)
	_, ok := s.Value("/lock")
	assert.False(t, ok, "the delete hit the other client's write: there is no conditional delete")

	put(t, c, "/lock", "mine", false)
	s.After(func(op, name string) {
		if op == "GetParameter" {
			s.After(nil)
			put(t, other, "/lock", "theirs", true)
		}
	})
	out, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/lock"), WithDecryption: aws.Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, "mine", aws.ToString(out.Parameter.Value), "the answer is from before the other write")
	v, _ := s.Value("/lock")
	assert.Equal(t, "theirs", v)
	assert.Equal(t, int64(2), s.Versions("/lock")[1].Number)
}

func TestTamper(t *testing.T) {
	s := ssmtest.NewServer(t)
	c := s.Client()
	put(t, c, "/t", "real", false)
	s.Tamper(func(name string, version int64, value string) string {
		return fmt.Sprintf("%s@%d:%s!", name, version, value)
	})
	out, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/t"), WithDecryption: aws.Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, "/t@1:real!", aws.ToString(out.Parameter.Value))
	v, _ := s.Value("/t")
	assert.Equal(t, "real", v, "storage untouched")
}

func TestClock(t *testing.T) {
	s := ssmtest.NewServer(t)
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	s.SetClock(func() time.Time { return at })
	c := s.Client()
	put(t, c, "/c", "v", false)
	out, err := c.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/c")})
	require.NoError(t, err)
	assert.True(t, at.Equal(aws.ToTime(out.Parameter.LastModifiedDate)))
}

func TestProtocol(t *testing.T) {
	s := ssmtest.NewServer(t)
	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		wantStatus int
		wantType   string
	}{
		{name: "not POST", method: http.MethodGet, path: "/", wantStatus: 404, wantType: "UnknownOperationException"},
		{name: "wrong content type", method: http.MethodPost, path: "/",
			header: map[string]string{"Content-Type": "application/json"}, wantStatus: 400, wantType: "SerializationException"},
		{name: "no signature", method: http.MethodPost, path: "/",
			header:     map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter"},
			wantStatus: 400, wantType: "MissingAuthenticationTokenException"},
		{name: "other service", method: http.MethodPost, path: "/",
			header: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter",
				"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x"},
			wantStatus: 400, wantType: "InvalidSignatureException"},
		{name: "unknown operation", method: http.MethodPost, path: "/",
			header: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.SendCommand",
				"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=x"},
			wantStatus: 400, wantType: "UnknownOperationException"},
		{name: "bad body", method: http.MethodPost, path: "/",
			header: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter",
				"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=x"},
			wantStatus: 400, wantType: "SerializationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, s.URL+tt.path, strings.NewReader("{"))
			require.NoError(t, err)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Equal(t, "application/x-amz-json-1.1", resp.Header.Get("Content-Type"))
			assert.Contains(t, string(body), `"__type":"`+tt.wantType+`"`)
		})
	}
}
