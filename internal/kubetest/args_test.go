package kubetest

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/clientcmd"
)

func testLayout() layout {
	return layout{
		bin:        binariesIn("/tools/k8s/bin"),
		ports:      ports{etcdClient: 20001, etcdPeer: 20002, apiserver: 20003, kcm: 20004, scheduler: 20005, kwok: 20006},
		dir:        "/run/c1",
		creds:      credentials{certFile: "/run/c1/serving.crt", keyFile: "/run/c1/serving.key", saKeyFile: "/run/c1/sa.key", saPubFile: "/run/c1/sa.pub", tokenFile: "/run/c1/tokens.csv", caFile: "/run/c1/ca.crt"},
		kubeconfig: "/run/c1/kubeconfig",
		stagesFile: "/tools/k8s/kwok-stages.yaml",
	}
}

func TestArgs(t *testing.T) {
	l := testLayout()
	tests := map[string]struct {
		argv []string
		bin  string
		want []string
	}{
		"etcd": {etcdArgs(l), "/tools/k8s/bin/etcd", []string{
			"--data-dir=/run/c1/etcd",
			"--listen-client-urls=http://127.0.0.1:20001",
			"--listen-peer-urls=http://127.0.0.1:20002",
			"--initial-cluster=kubetest=http://127.0.0.1:20002",
		}},
		"apiserver": {apiserverArgs(l), "/tools/k8s/bin/kube-apiserver", []string{
			"--etcd-servers=http://127.0.0.1:20001",
			"--secure-port=20003",
			"--bind-address=127.0.0.1",
			"--tls-cert-file=/run/c1/serving.crt",
			"--token-auth-file=/run/c1/tokens.csv",
			"--service-account-signing-key-file=/run/c1/sa.key",
		}},
		"kcm": {kcmArgs(l), "/tools/k8s/bin/kube-controller-manager", []string{
			"--kubeconfig=/run/c1/kubeconfig",
			"--secure-port=20004",
			"--bind-address=127.0.0.1",
			"--service-account-private-key-file=/run/c1/sa.key",
		}},
		"scheduler": {schedulerArgs(l), "/tools/k8s/bin/kube-scheduler", []string{
			"--kubeconfig=/run/c1/kubeconfig",
			"--secure-port=20005",
			"--bind-address=127.0.0.1",
		}},
		"kwok": {kwokArgs(l), "/tools/k8s/bin/kwok", []string{
			"--kubeconfig=/run/c1/kubeconfig",
			"--config=/tools/k8s/kwok-stages.yaml",
			"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
			"--server-address=127.0.0.1:20006",
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tt.bin, tt.argv[0])
			for _, w := range tt.want {
				require.Contains(t, tt.argv[1:], w)
			}
		})
	}
}

// Every component must listen only on its own port, so that clusters can
// run side by side.
func TestArgsUseOnlyTheirPorts(t *testing.T) {
	l := testLayout()
	own := map[string][]int{
		"etcd":      {20001, 20002},
		"apiserver": {20003, 20001},
		"kcm":       {20004},
		"scheduler": {20005},
		"kwok":      {20006},
	}
	argvs := map[string][]string{
		"etcd": etcdArgs(l), "apiserver": apiserverArgs(l), "kcm": kcmArgs(l),
		"scheduler": schedulerArgs(l), "kwok": kwokArgs(l),
	}
	for name, argv := range argvs {
		joined := strings.Join(argv, " ")
		for port := 20001; port <= 20006; port++ {
			mentioned := strings.Contains(joined, strconv.Itoa(port))
			require.Equal(t, contains(own[name], port), mentioned, "%s and port %d", name, port)
		}
	}
}

func contains(ports []int, p int) bool {
	for _, q := range ports {
		if q == p {
			return true
		}
	}
	return false
}

func TestFreePorts(t *testing.T) {
	p, err := freePorts(6)
	require.NoError(t, err)
	seen := map[int]bool{}
	for _, port := range p {
		require.False(t, seen[port], "port %d twice", port)
		seen[port] = true
	}
}

// The webhook and RBAC options add to the apiserver's flags and change
// nothing else.
func TestArgsTokenWebhook(t *testing.T) {
	plain := apiserverArgs(testLayout())
	require.Contains(t, plain, "--authorization-mode=AlwaysAllow")
	for _, a := range plain {
		require.NotContains(t, a, "webhook")
	}

	l := testLayout()
	l.rbac = true
	l.webhookConfig = "/run/c1/token-webhook.kubeconfig"
	l.webhookCacheTTL = 10 * time.Second
	argv := apiserverArgs(l)
	want := append([]string(nil), plain...)
	for i, a := range want {
		if a == "--authorization-mode=AlwaysAllow" {
			want[i] = "--authorization-mode=RBAC"
		}
	}
	want = append(want,
		"--authentication-token-webhook-config-file=/run/c1/token-webhook.kubeconfig",
		"--authentication-token-webhook-version=v1",
		"--authentication-token-webhook-cache-ttl=10s")
	require.Equal(t, want, argv)
	require.Contains(t, argv, "--token-auth-file=/run/c1/tokens.csv", "the administrator's token still works")
}

func TestWriteWebhookConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "webhook.kubeconfig")
	require.NoError(t, writeWebhookConfig(path, &TokenWebhook{URL: "https://127.0.0.1:4567/authenticate", CAData: []byte("PEM")}))
	kc, err := clientcmd.LoadFromFile(path)
	require.NoError(t, err)
	cl := kc.Clusters[kc.Contexts[kc.CurrentContext].Cluster]
	require.Equal(t, "https://127.0.0.1:4567/authenticate", cl.Server)
	require.Equal(t, []byte("PEM"), cl.CertificateAuthorityData)
}
