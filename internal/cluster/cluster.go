package cluster

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// Input is what Resolve reads.
type Input struct {
	// Cluster is the block that applies (config.Config.ClusterFor) and
	// Field where it is written ("environments[0].cluster").
	Cluster *config.Cluster
	Field   string
	// Environment replaces the {environment} placeholder of the role.
	Environment string
	// Inventory is the environment's inventory: published, or predicted by
	// the infrastructure plan. Nil means none exists.
	Inventory *inventory.Document
	// KnownAfterApply lists the inventory keys (top-level outputs) whose
	// values the infrastructure plan knows only after apply.
	KnownAfterApply []string
}

// Target is a cluster to connect to.
type Target struct {
	// Endpoint is the API server's https URL.
	Endpoint string
	// CAData holds the PEM certificates that sign the API server's.
	CAData []byte
	// ClusterName is the EKS cluster the tokens are for.
	ClusterName string
	// RoleARN is the role to assume first, with {environment} replaced;
	// empty for none.
	RoleARN string
	// Region signs the tokens: eks.region, else the region in the
	// endpoint's host name (https://<id>.<zone>.<region>.eks.amazonaws.com);
	// empty means the AWS configuration's.
	Region string
	// Pending lists the inventory keys of the block that the
	// infrastructure plan knows only after apply: the cluster is being
	// created or replaced, and the fields they feed are empty. A plan then
	// renders without the cluster; an apply has the published values.
	Pending []string
}

// Name names the cluster in messages: "EKS cluster meltano-prod", or the
// endpoint while the name is pending.
func (t Target) Name() string {
	if t.ClusterName != "" {
		return "EKS cluster " + t.ClusterName
	}
	if t.Endpoint != "" {
		return "cluster " + t.Endpoint
	}
	return "the new EKS cluster"
}

var (
	clusterNameRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$`)
	// eksHostRE matches an EKS API server host name and captures its region.
	eksHostRE = regexp.MustCompile(`^[0-9a-z]+\.[0-9a-z]+\.([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2})\.eks\.amazonaws\.com(?:\.cn)?$`)
)

// maxCA bounds the CA value: a bundle of a few certificates.
const maxCA = 64 << 10

// Resolve reads the block's inventory keys. A missing key is a *KeyError,
// a value of the wrong form a *ValueError; keys known only after apply are
// listed in Target.Pending rather than read.
func Resolve(in Input) (Target, error) {
	if in.Cluster == nil || in.Cluster.EKS == nil {
		return Target{}, fmt.Errorf("%s: no cluster block with eks to resolve", in.Field)
	}
	cl := in.Cluster
	t := Target{RoleARN: config.Expand(cl.EKS.RoleARN, in.Environment), Region: cl.EKS.Region}
	var errs []error
	read := func(field, key string, set func(string) string) {
		f := in.Field + "." + field
		if pendingKey(key, in.KnownAfterApply) {
			t.Pending = append(t.Pending, key)
			return
		}
		v, err := lookup(in, f, key)
		if err != nil {
			errs = append(errs, err)
			return
		}
		if problem := set(v); problem != "" {
			errs = append(errs, &ValueError{Field: f, Key: key, Environment: in.Environment, Problem: problem})
		}
	}
	read("endpoint", cl.Endpoint, func(v string) string {
		u, problem := endpoint(v)
		if problem == "" {
			t.Endpoint = u
		}
		return problem
	})
	read("ca_data", cl.CAData, func(v string) string {
		pemData, problem := caData(v)
		if problem == "" {
			t.CAData = pemData
		}
		return problem
	})
	read("eks.cluster_name", cl.EKS.ClusterName, func(v string) string {
		if !clusterNameRE.MatchString(v) {
			return "is not an EKS cluster name (1 to 100 letters, digits, - and _)"
		}
		t.ClusterName = v
		return ""
	})
	if err := errors.Join(errs...); err != nil {
		return Target{}, err
	}
	if t.Region == "" && t.Endpoint != "" {
		u, _ := url.Parse(t.Endpoint)
		if m := eksHostRE.FindStringSubmatch(strings.ToLower(u.Hostname())); m != nil {
			t.Region = m[1]
		}
	}
	return t, nil
}

// pendingKey reports whether key lies under an output known only after
// apply.
func pendingKey(key string, unknown []string) bool {
	for _, k := range unknown {
		if key == k || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

// lookup reads a string value of the inventory.
func lookup(in Input, field, key string) (string, error) {
	if in.Inventory == nil {
		return "", &KeyError{Field: field, Key: key, Err: fmt.Errorf("inventory key %q not found: environment %q has no inventory yet, apply the infrastructure tier first (%w)",
			key, in.Environment, inventory.ErrNotFound)}
	}
	v, _, err := inventory.Lookup(in.Inventory, key)
	if err != nil {
		var ke *inventory.KeyError
		if errors.As(err, &ke) {
			return "", &KeyError{Field: field, Key: key, Err: err}
		}
		return "", fmt.Errorf("%s: %w", field, err)
	}
	s, ok := v.(string)
	if !ok {
		return "", &ValueError{Field: field, Key: key, Environment: in.Environment, Problem: fmt.Sprintf("is %s, not a string", kind(v))}
	}
	return s, nil
}

// endpoint checks an API server URL; problem is empty when it is fine.
func endpoint(v string) (string, string) {
	u, err := url.Parse(strings.TrimSpace(v))
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return "", "is not a URL such as https://ABC.gr7.eu-west-1.eks.amazonaws.com"
	case u.Scheme != "https":
		return "", "is not an https URL: the API server's token must not travel in clear text"
	case u.User != nil:
		return "", "holds credentials: the URL must name only the host"
	case u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/"):
		return "", "must name only the host (and port), without a path or query"
	}
	if _, port, err := net.SplitHostPort(u.Host); err == nil && port == "" {
		return "", "has an empty port"
	}
	return "https://" + u.Host, ""
}

// caData returns the PEM certificates of a CA value: PEM, or base64 of
// PEM as EKS gives it.
func caData(v string) ([]byte, string) {
	if len(v) > maxCA {
		return nil, fmt.Sprintf("is %d bytes, more than a CA bundle's %d", len(v), maxCA)
	}
	data := []byte(strings.TrimSpace(v))
	if !strings.HasPrefix(string(data), "-----BEGIN") {
		dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
		if err != nil {
			return nil, "is neither PEM nor base64 of PEM (EKS's certificate_authority[0].data)"
		}
		data = dec
	}
	var out []byte
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return nil, "holds a certificate that does not parse: " + err.Error()
		}
		out = append(out, pem.EncodeToMemory(b)...)
	}
	if len(out) == 0 {
		return nil, "holds no PEM certificate"
	}
	return out, ""
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a bool"
	case int64, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
