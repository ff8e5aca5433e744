package kubetest

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// restConfig returns the administrator's client configuration for the
// apiserver at host.
func restConfig(host string, creds credentials) *rest.Config {
	return &rest.Config{
		Host:            host,
		BearerToken:     creds.token,
		TLSClientConfig: rest.TLSClientConfig{CAData: creds.caPEM},
		// Tests create objects in bursts; the client's default of 5 queries
		// per second would make them wait on themselves.
		QPS:   100,
		Burst: 200,
	}
}

// writeKubeconfig writes a kubeconfig for cfg to path, with one context
// that is the current one.
func writeKubeconfig(path string, cfg *rest.Config) error {
	const name = "kubetest"
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthorityData: cfg.CAData,
	}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: cfg.BearerToken}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: "default"}
	kc.CurrentContext = name
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}

// writeWebhookConfig writes the kubeconfig through which the API server
// reaches the token webhook: the webhook is the cluster, the API server
// the user (with no credentials of its own).
func writeWebhookConfig(path string, w *TokenWebhook) error {
	const name = "token-webhook"
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{Server: w.URL, CertificateAuthorityData: w.CAData}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	kc.CurrentContext = name
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		return fmt.Errorf("write token webhook configuration: %w", err)
	}
	return nil
}
