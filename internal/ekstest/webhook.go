package ekstest

import (
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Webhook is a running token authentication webhook.
type Webhook struct {
	// URL is the endpoint to give the API server; CAData the PEM of the
	// certificate it serves.
	URL    string
	CAData []byte

	srv *httptest.Server
}

// Serve runs a as a webhook over TLS until the test ends.
func Serve(t testing.TB, a *Authenticator) *Webhook {
	t.Helper()
	w := Start(a)
	t.Cleanup(w.Close)
	return w
}

// Start runs a as a webhook over TLS that outlives any one test, such as
// one that a test binary's TestMain shares between its tests; Close stops
// it.
func Start(a *Authenticator) *Webhook {
	srv := httptest.NewTLSServer(a)
	return &Webhook{
		URL:    srv.URL + "/authenticate",
		CAData: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}),
		srv:    srv,
	}
}

// Close stops the webhook.
func (w *Webhook) Close() { w.srv.Close() }

// ServeHTTP answers a TokenReview (authentication.k8s.io/v1).
func (a *Authenticator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var review authnv1.TokenReview
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&review); err != nil || r.Method != http.MethodPost {
		http.Error(w, "want a TokenReview", http.StatusBadRequest)
		return
	}
	user, id, err := a.Authenticate(r.Context(), review.Spec.Token)
	out := authnv1.TokenReview{TypeMeta: metav1.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenReview"}}
	var rejected *RejectError
	switch {
	case err == nil:
		out.Status.Authenticated = true
		out.Status.User = authnv1.UserInfo{
			Username: user.Username,
			UID:      "aws-iam-authenticator:" + id.AccountID + ":" + id.UserID,
			Groups:   user.Groups,
			Extra:    map[string]authnv1.ExtraValue{"arn": {id.ARN}, "canonicalArn": {id.CanonicalARN}},
		}
		a.record(Review{Authenticated: true, Username: user.Username})
	case errors.As(err, &rejected):
		out.Status.Error = rejected.Reason
		a.record(Review{Reason: rejected.Reason})
	default:
		a.record(Review{Reason: err.Error()})
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
