package kubetest

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// Addresses inside the simulated cluster. They are never bound on the host.
const (
	serviceCIDR       = "10.96.0.0/16"
	serviceAPIAddress = "10.96.0.1" // the kubernetes Service, first of serviceCIDR
	podCIDR           = "10.0.0.0/24"
	nodeIP            = "10.0.0.1"
	nodeName          = "kwok-node-0"
	// kwokNodeAnnotation marks the nodes kwok plays.
	kwokNodeAnnotation = "kwok.x-k8s.io/node"
)

// binaries are the paths of the component programs.
type binaries struct {
	etcd, apiserver, kcm, scheduler, kwok string
}

// binariesIn returns the component programs in dir, named as
// scripts/install-tools.sh k8s installs them.
func binariesIn(dir string) binaries {
	return binaries{
		etcd:      filepath.Join(dir, "etcd"),
		apiserver: filepath.Join(dir, "kube-apiserver"),
		kcm:       filepath.Join(dir, "kube-controller-manager"),
		scheduler: filepath.Join(dir, "kube-scheduler"),
		kwok:      filepath.Join(dir, "kwok"),
	}
}

// ports are the loopback ports one cluster listens on.
type ports struct {
	etcdClient, etcdPeer, apiserver, kcm, scheduler, kwok int
}

// layout is what the argv builders need to know about one cluster.
type layout struct {
	bin        binaries
	ports      ports
	dir        string // the cluster's directory
	creds      credentials
	kubeconfig string
	stagesFile string
	// webhookConfig is the kubeconfig of the token webhook, empty for
	// none; webhookCacheTTL how long its answers are cached.
	webhookConfig   string
	webhookCacheTTL time.Duration
	// rbac authorizes with RBAC rather than AlwaysAllow.
	rbac bool
}

func loopbackURL(scheme string, port int) string {
	return scheme + "://127.0.0.1:" + strconv.Itoa(port)
}

func etcdArgs(l layout) []string {
	client := loopbackURL("http", l.ports.etcdClient)
	peer := loopbackURL("http", l.ports.etcdPeer)
	return []string{
		l.bin.etcd,
		"--name=kubetest",
		"--data-dir=" + filepath.Join(l.dir, "etcd"),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=kubetest=" + peer,
		"--logger=zap",
	}
}

func apiserverArgs(l layout) []string {
	authorization := "AlwaysAllow"
	if l.rbac {
		authorization = "RBAC"
	}
	argv := []string{
		l.bin.apiserver,
		"--etcd-servers=" + loopbackURL("http", l.ports.etcdClient),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(l.ports.apiserver),
		"--cert-dir=" + filepath.Join(l.dir, "apiserver"),
		"--tls-cert-file=" + l.creds.certFile,
		"--tls-private-key-file=" + l.creds.keyFile,
		"--token-auth-file=" + l.creds.tokenFile,
		"--anonymous-auth=false",
		"--authorization-mode=" + authorization,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + l.creds.saPubFile,
		"--service-account-signing-key-file=" + l.creds.saKeyFile,
		"--service-cluster-ip-range=" + serviceCIDR,
		// No kubelet runs, so nothing could serve the kubernetes Service's
		// endpoints.
		"--endpoint-reconciler-type=none",
		// Pods would wait for their namespace's default ServiceAccount and
		// mount a token nothing reads.
		"--disable-admission-plugins=ServiceAccount",
		"--allow-privileged=true",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		// Streaming lists need etcd 3.4.31 or later (Debian's is 3.4.23):
		// without this, clients that ask for them (kwok) see changes only
		// when they list again, tens of seconds later.
		"--feature-gates=WatchList=false",
	}
	if l.webhookConfig != "" {
		argv = append(argv,
			"--authentication-token-webhook-config-file="+l.webhookConfig,
			"--authentication-token-webhook-version=v1",
			"--authentication-token-webhook-cache-ttl="+l.webhookCacheTTL.String())
	}
	return argv
}

func kcmArgs(l layout) []string {
	return []string{
		l.bin.kcm,
		"--kubeconfig=" + l.kubeconfig,
		"--authentication-kubeconfig=" + l.kubeconfig,
		"--authorization-kubeconfig=" + l.kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(l.ports.kcm),
		"--tls-cert-file=" + l.creds.certFile,
		"--tls-private-key-file=" + l.creds.keyFile,
		"--leader-elect=false",
		"--service-account-private-key-file=" + l.creds.saKeyFile,
		"--root-ca-file=" + l.creds.caFile,
		"--use-service-account-credentials=false",
		"--profiling=false",
	}
}

func schedulerArgs(l layout) []string {
	return []string{
		l.bin.scheduler,
		"--kubeconfig=" + l.kubeconfig,
		"--authentication-kubeconfig=" + l.kubeconfig,
		"--authorization-kubeconfig=" + l.kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(l.ports.scheduler),
		"--tls-cert-file=" + l.creds.certFile,
		"--tls-private-key-file=" + l.creds.keyFile,
		"--leader-elect=false",
		"--profiling=false",
	}
}

func kwokArgs(l layout) []string {
	return []string{
		l.bin.kwok,
		"--kubeconfig=" + l.kubeconfig,
		"--config=" + l.stagesFile,
		"--manage-all-nodes=false",
		fmt.Sprintf("--manage-nodes-with-annotation-selector=%s=fake", kwokNodeAnnotation),
		"--node-ip=" + nodeIP,
		"--cidr=" + podCIDR,
		"--server-address=127.0.0.1:" + strconv.Itoa(l.ports.kwok),
	}
}
