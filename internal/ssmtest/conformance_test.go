package ssmtest_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// The conformance tests check the Parameter Store behaviour that the
// inventory store relies on, as the API reference documents it, against
// both implementations the project tests with: this package's server and
// moto (an AWS API emulator). Each checks the other: a behaviour either
// gets wrong shows up as a difference from the documented one. Where an
// implementation is known to differ, the difference is written down here
// with what the API reference says; the documented behaviour is what the
// store is built for, and the test fails when a known difference goes away
// (so that the note is removed) or a new one appears.

// backend is one implementation under test.
type backend struct {
	name string
	// start returns a function that gives a client of a server ready for
	// the tests of t (a server per test, or one shared by them).
	start func(t *testing.T) func(t *testing.T) *ssm.Client
}

var backends = []backend{
	{name: "ssmtest", start: func(*testing.T) func(*testing.T) *ssm.Client {
		return func(t *testing.T) *ssm.Client { return ssmtest.NewServer(t).Client() }
	}},
	{name: "moto", start: func(t *testing.T) func(*testing.T) *ssm.Client {
		m := testtools.Moto(t, testtools.MotoOptions{})
		return func(*testing.T) *ssm.Client {
			return ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL),
				Credentials: credentials.NewStaticCredentialsProvider("AKIDSSMTEST", "secret", "")})
		}
	}},
}

// deviation is a known difference of one implementation from the
// documented API.
type deviation struct {
	backend string
	// got is what that implementation returns instead.
	got any
	why string
}

// conformance is the state of one conformance test on one backend.
type conformance struct {
	t       *testing.T
	backend string
	c       *ssm.Client
	// name is a parameter name of the test's own.
	name string
}

// expect checks one behaviour: got must be the documented value, or the
// recorded deviation of this backend.
func (x *conformance) expect(what string, documented, got any, known ...deviation) {
	x.t.Helper()
	for _, d := range known {
		if d.backend != x.backend {
			continue
		}
		if reflect.DeepEqual(got, d.got) {
			x.t.Logf("%s differs from the documented API, which wins: %s: documented %v, %s returns %v (%s)",
				x.backend, what, documented, x.backend, got, d.why)
			return
		}
		if reflect.DeepEqual(got, documented) {
			x.t.Errorf("%s: %s now follows the documented API (%v): remove the recorded difference", what, x.backend, documented)
			return
		}
	}
	if !reflect.DeepEqual(got, documented) {
		x.t.Errorf("%s: documented %#v, %s returns %#v", what, documented, x.backend, got)
	}
}

// errCode is the service error code of err, "" without one.
func errCode(err error) string {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func (x *conformance) put(name, value string, overwrite bool, mods ...func(*ssm.PutParameterInput)) (*ssm.PutParameterOutput, error) {
	in := &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value),
		Type: types.ParameterTypeSecureString, Overwrite: aws.Bool(overwrite)}
	for _, m := range mods {
		m(in)
	}
	return x.c.PutParameter(x.t.Context(), in)
}

func (x *conformance) mustPut(name, value string, overwrite bool) int64 {
	x.t.Helper()
	out, err := x.put(name, value, overwrite)
	require.NoError(x.t, err)
	return out.Version
}

func (x *conformance) label(version int64, labels ...string) (*ssm.LabelParameterVersionOutput, error) {
	in := &ssm.LabelParameterVersionInput{Name: aws.String(x.name), Labels: labels}
	if version > 0 {
		in.ParameterVersion = aws.Int64(version)
	}
	return x.c.LabelParameterVersion(x.t.Context(), in)
}

func (x *conformance) history() []types.ParameterHistory {
	x.t.Helper()
	var out []types.ParameterHistory
	p := ssm.NewGetParameterHistoryPaginator(x.c, &ssm.GetParameterHistoryInput{Name: aws.String(x.name), WithDecryption: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(x.t.Context())
		require.NoError(x.t, err)
		out = append(out, page.Parameters...)
	}
	return out
}

var conformanceTests = []struct {
	name string
	run  func(x *conformance)
}{
	{"versions count from one and a create happens once", func(x *conformance) {
		x.expect("first version", int64(1), x.mustPut(x.name, "one", false))
		_, err := x.put(x.name, "again", false)
		x.expect("put without Overwrite on an existing parameter", "ParameterAlreadyExists", errCode(err))
		x.expect("second version", int64(2), x.mustPut(x.name, "two", true))
		x.expect("third version", int64(3), x.mustPut(x.name, "three", true))
	}},
	{"selectors read a version or a label", func(x *conformance) {
		x.mustPut(x.name, "one", false)
		x.mustPut(x.name, "two", true)
		x.mustPut(x.name, "three", true)
		_, err := x.label(2, "release")
		require.NoError(x.t, err)
		get := func(sel string, decrypt bool) (*types.Parameter, string) {
			out, err := x.c.GetParameter(x.t.Context(), &ssm.GetParameterInput{Name: aws.String(x.name + sel), WithDecryption: aws.Bool(decrypt)})
			if err != nil {
				return nil, errCode(err)
			}
			return out.Parameter, ""
		}
		p, _ := get("", true)
		x.expect("latest value", "three", aws.ToString(p.Value))
		x.expect("latest version", int64(3), p.Version)
		x.expect("type", types.ParameterTypeSecureString, p.Type)
		x.expect("name without selector", x.name, aws.ToString(p.Name))
		p, _ = get(":1", true)
		x.expect("value of :1", "one", aws.ToString(p.Value))
		x.expect("selector echoed", ":1", aws.ToString(p.Selector),
			deviation{backend: "moto", got: "", why: "moto leaves Parameter.Selector empty"})
		p, _ = get(":release", true)
		x.expect("value of :release", "two", aws.ToString(p.Value))
		x.expect("version of :release", int64(2), p.Version)
		p, _ = get("", false)
		x.expect("a SecureString is not shown in clear without WithDecryption", false, aws.ToString(p.Value) == "three")
		_, code := get(":9", true)
		x.expect("missing version", "ParameterVersionNotFound", code)
		// The API reference names no error for a label that no version
		// has; either not-found error is what the store handles.
		_, code = get(":nope", true)
		x.expect("a missing label is not found", true, code == "ParameterVersionNotFound" || code == "ParameterNotFound")
		_, err = x.c.GetParameter(x.t.Context(), &ssm.GetParameterInput{Name: aws.String(x.name + "-none")})
		x.expect("missing parameter", "ParameterNotFound", errCode(err))
	}},
	{"labels move, and invalid ones are returned, not refused", func(x *conformance) {
		x.mustPut(x.name, "one", false)
		x.mustPut(x.name, "two", true)
		out, err := x.label(0, "commit-abc", "1abc", "aws-x", "ssm-x", "has space", "ok.Label-1_x")
		require.NoError(x.t, err)
		x.expect("label without a version labels the latest", int64(2), out.ParameterVersion)
		x.expect("invalid labels", []string{"1abc", "aws-x", "ssm-x", "has space"}, out.InvalidLabels)
		// Labels members have a length of 1 to 100: a longer one fails the
		// request's validation, like any other constraint of the API model.
		_, err = x.label(0, strings.Repeat("a", 101))
		x.expect("a label of 101 characters", "ValidationException", errCode(err))
		_, err = x.label(1, "commit-abc")
		require.NoError(x.t, err)
		h := x.history()
		x.expect("the label moved to version 1", []string{"commit-abc"}, h[0].Labels)
		x.expect("and left version 2", []string{"ok.Label-1_x"}, h[1].Labels)
		_, err = x.label(1, "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9")
		require.NoError(x.t, err)
		_, err = x.label(1, "l10")
		x.expect("an 11th label on a version", "ParameterVersionLabelLimitExceeded", errCode(err))
		_, err = x.label(7, "x")
		x.expect("label of a missing version", "ParameterVersionNotFound", errCode(err))
		un, err := x.c.UnlabelParameterVersion(x.t.Context(), &ssm.UnlabelParameterVersionInput{Name: aws.String(x.name),
			ParameterVersion: aws.Int64(1), Labels: []string{"l1", "absent"}})
		require.NoError(x.t, err)
		x.expect("removed labels", []string{"l1"}, un.RemovedLabels)
		x.expect("labels that were not there", []string{"absent"}, un.InvalidLabels)
	}},
	{"history pages in version order with labels", func(x *conformance) {
		for i := range 7 {
			x.mustPut(x.name, fmt.Sprintf("v%d", i+1), i > 0)
		}
		_, err := x.label(4, "commit-4")
		require.NoError(x.t, err)
		out, err := x.c.GetParameterHistory(x.t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(x.name),
			MaxResults: aws.Int32(3), WithDecryption: aws.Bool(true)})
		require.NoError(x.t, err)
		x.expect("a page holds MaxResults versions", 3, len(out.Parameters))
		x.expect("and says there is more", true, aws.ToString(out.NextToken) != "")
		var versions []int64
		h := x.history()
		for _, p := range h {
			versions = append(versions, p.Version)
		}
		x.expect("every version, oldest first", []int64{1, 2, 3, 4, 5, 6, 7}, versions)
		x.expect("labels in the history", []string{"commit-4"}, h[3].Labels)
		x.expect("decrypted values", "v4", aws.ToString(h[3].Value))
		x.expect("the writer is an ARN", true, strings.HasPrefix(aws.ToString(h[0].LastModifiedUser), "arn:"),
			deviation{backend: "moto", got: false, why: `moto records LastModifiedUser as "N/A"`})
		_, err = x.c.GetParameterHistory(x.t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(x.name), MaxResults: aws.Int32(51)})
		x.expect("MaxResults over 50", "ValidationException", errCode(err))
	}},
	{"tiers bound the value's size and never go down", func(x *conformance) {
		str := func(tier types.ParameterTier, size int, overwrite bool) (types.ParameterTier, string) {
			out, err := x.put(x.name, strings.Repeat("é", size), overwrite, func(in *ssm.PutParameterInput) {
				in.Type, in.Tier = types.ParameterTypeString, tier
			})
			if err != nil {
				return "", errCode(err)
			}
			return out.Tier, ""
		}
		tier, code := str(types.ParameterTierStandard, 4096, false)
		x.expect("standard at 4096 characters", types.ParameterTierStandard, tier)
		_, code = str(types.ParameterTierStandard, 4097, true)
		x.expect("standard over 4096 characters", "ValidationException", code,
			deviation{backend: "moto", got: "", why: "moto stores a Standard value of any size"})
		tier, _ = str(types.ParameterTierAdvanced, 8192, true)
		x.expect("advanced at 8192 characters", types.ParameterTierAdvanced, tier)
		_, code = str(types.ParameterTierAdvanced, 8193, true)
		x.expect("advanced over 8192 characters", "ValidationException", code,
			deviation{backend: "moto", got: "", why: "moto stores an Advanced value of any size"})
		_, code = str(types.ParameterTierStandard, 10, true)
		x.expect("an advanced parameter cannot go back to standard", "ValidationException", code,
			deviation{backend: "moto", got: "", why: "moto lets an Advanced parameter go back to Standard"})
	}},
	{"a deleted parameter starts again at version one", func(x *conformance) {
		x.mustPut(x.name, "a", false)
		x.mustPut(x.name, "b", true)
		_, err := x.c.DeleteParameter(x.t.Context(), &ssm.DeleteParameterInput{Name: aws.String(x.name)})
		require.NoError(x.t, err)
		_, err = x.c.DeleteParameter(x.t.Context(), &ssm.DeleteParameterInput{Name: aws.String(x.name)})
		x.expect("delete of a missing parameter", "ParameterNotFound", errCode(err))
		x.expect("version after re-creation", int64(1), x.mustPut(x.name, "c", false))
	}},
	{"a hundred versions are kept, and a labelled oldest one blocks the next", func(x *conformance) {
		for i := range 101 {
			x.mustPut(x.name, fmt.Sprint(i+1), i > 0)
		}
		h := x.history()
		x.expect("versions kept", 100, len(h))
		x.expect("the oldest went", int64(2), h[0].Version)
		_, err := x.label(2, "keep")
		require.NoError(x.t, err)
		_, err = x.put(x.name, "x", true)
		x.expect("a write that would drop a labelled version", "ParameterMaxVersionLimitExceeded", errCode(err))
	}},
	{"names and values are validated", func(x *conformance) {
		for _, tt := range []struct {
			what, name, value string
			mods              []func(*ssm.PutParameterInput)
			code              string
			known             []deviation
		}{
			{what: "aws prefix", name: "awsx", value: "v", code: "ValidationException"},
			{what: "ssm prefix", name: "ssm-x", value: "v", code: "ValidationException"},
			{what: "a name with a slash must start with one", name: "a" + x.name, value: "v", code: "ValidationException",
				known: []deviation{{backend: "moto", got: "", why: "moto stores a name with a slash that does not start with one"}}},
			{what: "more than 15 levels", name: x.name + strings.Repeat("/a", 15), value: "v", code: "HierarchyLevelLimitExceededException",
				known: []deviation{{backend: "moto", got: "", why: "moto has no hierarchy depth limit"}}},
			{what: "an empty value", name: x.name, value: "", code: "ValidationException"},
			{what: "tags with Overwrite", name: x.name, value: "v",
				mods: []func(*ssm.PutParameterInput){func(in *ssm.PutParameterInput) {
					in.Overwrite = aws.Bool(true)
					in.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
				}}, code: "ValidationException"},
		} {
			_, err := x.put(tt.name, tt.value, false, tt.mods...)
			x.expect(tt.what, tt.code, errCode(err), tt.known...)
		}
	}},
}

// TestConformance runs every conformance test on both implementations.
func TestConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "moto" && testing.Short() {
				t.Skip("moto is an integration test")
			}
			client := b.start(t)
			var mu sync.Mutex
			n := 0
			for _, tt := range conformanceTests {
				t.Run(tt.name, func(t *testing.T) {
					mu.Lock()
					n++
					name := fmt.Sprintf("/conformance/%d/inventory", n)
					mu.Unlock()
					tt.run(&conformance{t: t, backend: b.name, c: client(t), name: name})
				})
			}
		})
	}
}
