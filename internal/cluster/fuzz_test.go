package cluster

import (
	"encoding/pem"
	"net/url"
	"strings"
	"testing"
)

func FuzzValues(f *testing.F) {
	f.Add("https://ABC.gr7.eu-west-1.eks.amazonaws.com", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==")
	f.Add("http://a", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	f.Add("https://u:p@a:1/x?y#z", "%%%")
	f.Add("https://[::1]:", "")
	f.Fuzz(func(t *testing.T, endpointValue, caValue string) {
		if u, problem := endpoint(endpointValue); problem == "" {
			p, err := url.Parse(u)
			if err != nil || p.Scheme != "https" || p.User != nil || p.Host == "" || p.RawQuery != "" || p.Path != "" ||
				strings.ContainsAny(u, " \t\r\n") {
				t.Fatalf("endpoint %q accepted as %q", endpointValue, u)
			}
		}
		if data, problem := caData(caValue); problem == "" {
			b, _ := pem.Decode(data)
			if b == nil || b.Type != "CERTIFICATE" {
				t.Fatalf("CA %q accepted without a certificate", caValue)
			}
		}
	})
}
