package ststest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The parts of Signature Version 4 this file implements, from the
// specification ("Create a signed AWS API request", and "Authenticating
// requests: using query parameters" for presigned URLs), written without
// the SDK's signer so that it can check the SDK's output:
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n
//	                   CanonicalHeaders \n SignedHeaders \n HashedPayload
//	StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(SHA256(CanonicalRequest))
//	SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")
//	Signature        = hex(HMAC(SigningKey, StringToSign))

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
	// amzDateFormat is the layout of X-Amz-Date.
	amzDateFormat = "20060102T150405Z"
	// emptySHA256 is the hash of an empty payload.
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// unsignedPayload is what Amazon S3's presigned URLs sign instead of a
	// payload hash.
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// signed is what a request says about its own signature: from the
// Authorization header, or from the query of a presigned URL.
type signed struct {
	presigned bool
	// accessKeyID, date, region and service come from the credential
	// scope: AKID/20150830/us-east-1/sts/aws4_request.
	accessKeyID, date, region, service string
	// amzDate is X-Amz-Date, the signing time.
	amzDate string
	// signedHeaders are the lowercase names of the signed headers, in the
	// order given.
	signedHeaders []string
	signature     string
	// expires is X-Amz-Expires of a presigned URL, "" otherwise.
	expires string
	// securityToken is X-Amz-Security-Token, from the query or a header.
	securityToken string
}

// scope returns the credential scope.
func (s signed) scope() string {
	return s.date + "/" + s.region + "/" + s.service + "/" + terminator
}

// time returns the signing time, or false when X-Amz-Date is malformed.
func (s signed) time() (time.Time, bool) {
	t, err := time.Parse(amzDateFormat, s.amzDate)
	return t, err == nil
}

// parseSigned reads the signature of r. The errors are the service's.
func parseSigned(r *http.Request) (signed, *Error) {
	q := r.URL.Query()
	if q.Has("X-Amz-Signature") || q.Has("X-Amz-Algorithm") {
		return parsePresigned(q)
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return signed{}, errMissingAuth()
	}
	alg, rest, _ := strings.Cut(auth, " ")
	if alg != algorithm {
		return signed{}, errIncompleteSignature("Authorization header uses algorithm %q, not %s", alg, algorithm)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return signed{}, errIncompleteSignature("Authorization header has a malformed part %q", part)
		}
		fields[k] = v
	}
	s := signed{
		amzDate:       r.Header.Get("X-Amz-Date"),
		signature:     fields["Signature"],
		securityToken: r.Header.Get("X-Amz-Security-Token"),
	}
	if err := s.setCredential(fields["Credential"]); err != nil {
		return signed{}, err
	}
	if err := s.setSignedHeaders(fields["SignedHeaders"]); err != nil {
		return signed{}, err
	}
	if s.signature == "" || s.amzDate == "" {
		return signed{}, errIncompleteSignature("Authorization header needs Signature, and the request X-Amz-Date")
	}
	return s, nil
}

func parsePresigned(q url.Values) (signed, *Error) {
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"} {
		if len(q[k]) != 1 || q.Get(k) == "" {
			return signed{}, errIncompleteSignature("presigned URL needs exactly one %s", k)
		}
	}
	if a := q.Get("X-Amz-Algorithm"); a != algorithm {
		return signed{}, errIncompleteSignature("X-Amz-Algorithm is %q, not %s", a, algorithm)
	}
	s := signed{
		presigned:     true,
		amzDate:       q.Get("X-Amz-Date"),
		signature:     q.Get("X-Amz-Signature"),
		expires:       q.Get("X-Amz-Expires"),
		securityToken: q.Get("X-Amz-Security-Token"),
	}
	if err := s.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return signed{}, err
	}
	if err := s.setSignedHeaders(q.Get("X-Amz-SignedHeaders")); err != nil {
		return signed{}, err
	}
	return s, nil
}

func (s *signed) setCredential(c string) *Error {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[4] != terminator || parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return errIncompleteSignature("credential %q is not AKID/date/region/service/aws4_request", c)
	}
	s.accessKeyID, s.date, s.region, s.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

// setSignedHeaders reads the header list, which the specification wants
// lowercase, sorted and with host among them.
func (s *signed) setSignedHeaders(list string) *Error {
	if list == "" {
		return errIncompleteSignature("no signed headers")
	}
	names := strings.Split(list, ";")
	if !sort.StringsAreSorted(names) {
		return errSignatureMismatch("signed headers %q are not sorted", list)
	}
	host := false
	for _, n := range names {
		if n == "" || n != strings.ToLower(n) {
			return errSignatureMismatch("signed header %q is not a lowercase name", n)
		}
		host = host || n == "host"
	}
	if !host {
		return errSignatureMismatch("the host header is not signed")
	}
	s.signedHeaders = names
	return nil
}

// canonicalRequest builds the canonical request of r as s signed it;
// payloadHash is the hex SHA-256 of the body (or UNSIGNED-PAYLOAD). A
// signed header missing from r is an error.
func canonicalRequest(r *http.Request, s signed, payloadHash string) (string, *Error) {
	headers, err := canonicalHeaders(r, s.signedHeaders)
	if err != nil {
		return "", err
	}
	return strings.Join([]string{
		r.Method,
		canonicalURI(r.URL),
		canonicalQuery(r.URL.RawQuery, s.presigned),
		headers,
		strings.Join(s.signedHeaders, ";"),
		payloadHash,
	}, "\n"), nil
}

// canonicalURI encodes each segment of the decoded path once.
func canonicalURI(u *url.URL) string {
	p := u.Path
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = uriEncode(seg)
	}
	return strings.Join(segs, "/")
}

// canonicalQuery sorts the decoded parameters by encoded name, then value,
// and encodes them; a presigned URL's own signature is left out.
func canonicalQuery(raw string, presigned bool) string {
	type pair struct{ k, v string }
	var pairs []pair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v // compared as sent: the signature will not match
		}
		if presigned && dk == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, pair{uriEncode(dk), uriEncode(dv)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// canonicalHeaders writes "name:value\n" for each signed header: values
// trimmed, inner runs of spaces collapsed, repeated headers joined by
// commas.
func canonicalHeaders(r *http.Request, names []string) (string, *Error) {
	var b strings.Builder
	for _, n := range names {
		var values []string
		if n == "host" {
			values = []string{r.Host}
		} else {
			values = r.Header.Values(n)
		}
		if len(values) == 0 || (n == "host" && r.Host == "") {
			return "", errSignatureMismatch("signed header %q is not in the request", n)
		}
		for i, v := range values {
			values[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(values, ","))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// uriEncode percent-encodes every byte but the unreserved characters
// A-Z a-z 0-9 - _ . ~, with uppercase hex digits.
func uriEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// stringToSign hashes the canonical request into the string to sign.
func stringToSign(amzDate, scope, canonical string) string {
	return algorithm + "\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(canonical))
}

// signingKey derives the key of one day, region and service.
func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, terminator)
}

// signature is the hex signature of the string to sign.
func signature(key []byte, toSign string) string {
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

// signatureMatches compares hex signatures in constant time.
func signatureMatches(want, got string) bool {
	w, err1 := hex.DecodeString(want)
	g, err2 := hex.DecodeString(got)
	return err1 == nil && err2 == nil && len(g) == sha256.Size && hmac.Equal(w, g)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
