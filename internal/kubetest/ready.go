package kubetest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"k8s.io/client-go/kubernetes"
)

// check reports whether something is ready; an error says why not yet.
type check func(ctx context.Context) (bool, error)

const (
	pollInterval = 200 * time.Millisecond
	checkTimeout = 5 * time.Second
)

// waitFor runs check until it succeeds. It fails early when one of procs
// exits, and when ctx ends; either way the error carries the end of the
// relevant logs.
func waitFor(ctx context.Context, what string, procs []*process, ready check) error {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	var last error
	for {
		for _, p := range procs {
			if err := p.exitErr(); err != nil {
				return fmt.Errorf("wait for %s: %w", what, err)
			}
		}
		checkCtx, cancel := context.WithTimeout(ctx, checkTimeout)
		ok, err := ready(checkCtx)
		cancel()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return timeoutErr(what, ctx.Err(), last, procs)
		case <-ticker.C:
		}
	}
}

// timeoutErr explains a wait that ran out of time, with the end of the
// log of each component involved.
func timeoutErr(what string, cause, last error, procs []*process) error {
	err := fmt.Errorf("wait for %s: %w", what, cause)
	if last != nil {
		err = fmt.Errorf("wait for %s: %w (last check: %w)", what, cause, last)
	}
	errs := []error{err}
	for _, p := range procs {
		errs = append(errs, p.fail(errors.New("still running")))
	}
	return errors.Join(errs...)
}

// etcdHealthy checks etcd's /health endpoint on port.
func etcdHealthy(port int) check {
	client := &http.Client{}
	return func(ctx context.Context) (bool, error) {
		body, err := get(ctx, client, loopbackURL("http", port)+"/health")
		if err != nil {
			return false, err
		}
		var health struct {
			Health string `json:"health"`
		}
		if err := json.Unmarshal(body, &health); err != nil {
			return false, fmt.Errorf("decode etcd health: %w", err)
		}
		return health.Health == "true", nil
	}
}

// apiserverReady checks the apiserver's /readyz.
func apiserverReady(clientset kubernetes.Interface) check {
	return func(ctx context.Context) (bool, error) {
		if _, err := clientset.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx); err != nil {
			return false, fmt.Errorf("apiserver readyz: %w", err)
		}
		return true, nil
	}
}

// healthz checks the /healthz endpoint of kube-controller-manager or
// kube-scheduler, which serve the certificate that caPEM signed.
func healthz(caPEM []byte, port int) check {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}
	return func(ctx context.Context) (bool, error) {
		if _, err := get(ctx, client, loopbackURL("https", port)+"/healthz"); err != nil {
			return false, err
		}
		return true, nil
	}
}

// get returns the body of a 200 response to a GET of url.
func get(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: %s: %s", url, resp.Status, body)
	}
	return body, nil
}
