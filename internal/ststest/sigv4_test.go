package ststest

import (
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The examples of AWS's Signature Version 4 test suite (credentials
// AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service") and of
// the Amazon S3 presigned URL documentation, with their published
// signatures. They check the verifier against AWS, not against the SDK.
const (
	suiteKey    = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	suiteDate   = "20150830T123600Z"
)

func TestSigV4TestSuite(t *testing.T) {
	tests := []struct {
		name, method, url string
		canonicalHash     string // empty: not published
		signature         string
	}{
		{name: "get-vanilla", method: "GET", url: "https://example.amazonaws.com/",
			canonicalHash: "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
			signature:     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{name: "get-vanilla-query-order-key-case", method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1",
			signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{name: "post-vanilla", method: "POST", url: "https://example.amazonaws.com/",
			signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{name: "get-utf8", method: "GET", url: "https://example.amazonaws.com/\u1234",
			signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(tt.method, tt.url, nil)
			require.NoError(t, err)
			r.Header.Set("X-Amz-Date", suiteDate)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+suiteKey+"/20150830/us-east-1/service/aws4_request, "+
				"SignedHeaders=host;x-amz-date, Signature="+tt.signature)
			sig, e := parseSigned(r)
			require.Nil(t, e)
			canonical, e := canonicalRequest(r, sig, emptySHA256)
			require.Nil(t, e)
			if tt.canonicalHash != "" {
				assert.Equal(t, tt.canonicalHash, hexSHA256([]byte(canonical)), canonical)
			}
			got := signature(signingKey(suiteSecret, sig.date, sig.region, sig.service), stringToSign(sig.amzDate, sig.scope(), canonical))
			assert.Equal(t, tt.signature, got, canonical)
			assert.True(t, signatureMatches(got, sig.signature))

			// One changed byte anywhere makes another signature.
			r.Header.Set("X-Amz-Date", "20150830T123601Z")
			canonical, e = canonicalRequest(r, sig, emptySHA256)
			require.Nil(t, e)
			other := signature(signingKey(suiteSecret, sig.date, sig.region, sig.service), stringToSign(sig.amzDate, sig.scope(), canonical))
			assert.NotEqual(t, tt.signature, other)
		})
	}
}

func TestSigV4PresignedS3Example(t *testing.T) {
	const u = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z" +
		"&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	r, err := http.NewRequest("GET", u, nil)
	require.NoError(t, err)
	sig, e := parseSigned(r)
	require.Nil(t, e)
	require.True(t, sig.presigned)
	assert.Equal(t, "86400", sig.expires)
	canonical, e := canonicalRequest(r, sig, unsignedPayload)
	require.Nil(t, e)
	assert.NotContains(t, canonical, "X-Amz-Signature", "a presigned URL does not sign its own signature")
	assert.Equal(t, "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04", hexSHA256([]byte(canonical)), canonical)
	key := signingKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sig.date, sig.region, sig.service)
	assert.Equal(t, sig.signature, signature(key, stringToSign(sig.amzDate, sig.scope(), canonical)))
}

func TestSigV4Parsing(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		header map[string]string
		code   string
	}{
		{name: "no signature", url: "https://sts.example/?Action=GetCallerIdentity", code: "MissingAuthenticationToken"},
		{name: "other algorithm", url: "https://sts.example/", header: map[string]string{"Authorization": "AWS4-HMAC-SHA1 Credential=a/b/c/d/aws4_request"}, code: "IncompleteSignature"},
		{name: "short credential", url: "https://sts.example/", header: map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1, SignedHeaders=host, Signature=00", "X-Amz-Date": suiteDate}, code: "IncompleteSignature"},
		{name: "host not signed", url: "https://sts.example/", header: map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date, Signature=00", "X-Amz-Date": suiteDate}, code: "SignatureDoesNotMatch"},
		{name: "unsorted signed headers", url: "https://sts.example/", header: map[string]string{
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date;host, Signature=00", "X-Amz-Date": suiteDate}, code: "SignatureDoesNotMatch"},
		{name: "presigned with two signatures", url: "https://sts.example/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%2Faws4_request" +
			"&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Signature=11", code: "IncompleteSignature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest("GET", tt.url, nil)
			require.NoError(t, err)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			_, e := parseSigned(r)
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code, e.Message)
		})
	}
}

func TestCanonicalHeadersNeedTheSignedHeaders(t *testing.T) {
	r, err := http.NewRequest("GET", "https://sts.example/", nil)
	require.NoError(t, err)
	r.Header.Add("X-K8s-Aws-Id", "  a   b ")
	r.Header.Add("X-K8s-Aws-Id", "c")
	got, e := canonicalHeaders(r, []string{"host", "x-k8s-aws-id"})
	require.Nil(t, e)
	assert.Equal(t, "host:sts.example\nx-k8s-aws-id:a b,c\n", got)
	_, e = canonicalHeaders(r, []string{"host", "x-missing"})
	require.NotNil(t, e)
	assert.Equal(t, "SignatureDoesNotMatch", e.Code)
}

func TestURIEncode(t *testing.T) {
	assert.Equal(t, "A-z_0.9~%20%2B%2F%3D%E1%88%B4", uriEncode("A-z_0.9~ +/=\u1234"))
	assert.False(t, signatureMatches(strings.Repeat("0", 64), "not hex"))
	assert.False(t, signatureMatches(strings.Repeat("0", 64), hex.EncodeToString([]byte("short"))))
}
