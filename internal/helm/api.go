package helm

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// pingTimeout bounds the check that the API server answers.
const pingTimeout = 15 * time.Second

// cluster is what a stage knows of its Kubernetes cluster: Helm's action
// configuration (release storage and kube client) and whether the API
// server answered.
type cluster struct {
	cfg *action.Configuration
	// unreachable is why the API server did not answer; nil when it did.
	unreachable error
	// newCluster is true when the cluster is known only after apply: no
	// connection was tried, and cfg is nil.
	newCluster bool
	// scope tells namespaced kinds apart; nil means the built-in list.
	scope scopeFunc
	// live reads live objects, for Drift; nil when there is no server.
	live liveReader
}

// connectKube builds the stage's cluster, from the Connection when there
// is one and from the kubeconfig otherwise, as kubectl and helm do, and
// checks that the API server answers.
func (s *Stage) connectKube(ctx context.Context) (*cluster, error) {
	switch {
	case s.opts.ClusterKnownAfterApply:
		return &cluster{unreachable: errNewCluster, newCluster: true}, nil
	case s.opts.Connection != nil:
		return s.connectTo(ctx, s.opts.Connection)
	}
	flags := genericclioptions.NewConfigFlags(true)
	kubeconfig, kubeContext, ns := s.opts.Kubeconfig, s.opts.KubeContext, s.ns
	flags.KubeConfig = &kubeconfig
	flags.Context = &kubeContext
	flags.Namespace = &ns
	if s.opts.RepoCacheDir != "" {
		dir := filepath.Join(s.opts.RepoCacheDir, "kube")
		flags.CacheDir = &dir
	}
	// Client-side throttling at client-go's default of 5 requests a second
	// makes a release of a few hundred objects take minutes.
	flags.WrapConfigFn = func(c *rest.Config) *rest.Config {
		if c.QPS == 0 {
			c.QPS, c.Burst = 50, 100
		}
		return c
	}
	c, err := s.initCluster(flags)
	if err != nil {
		return nil, err
	}
	rc, err := flags.ToRESTConfig()
	if err == nil {
		err = ping(ctx, rc)
	}
	if err != nil {
		c.unreachable = err
		return c, nil
	}
	mapper, err := flags.ToRESTMapper()
	if err != nil {
		return nil, fmt.Errorf("kubernetes API discovery: %w", err)
	}
	return c, s.addLive(c, rc, mapper)
}

// initCluster makes Helm's action configuration on getter.
func (s *Stage) initCluster(getter genericclioptions.RESTClientGetter) (*cluster, error) {
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(s.helmHandler()))
	if err := cfg.Init(getter, s.ns, "secret"); err != nil {
		return nil, fmt.Errorf("helm configuration: %w", err)
	}
	if kc, ok := cfg.KubeClient.(*kube.Client); ok {
		kc.Namespace = s.ns
	}
	return &cluster{cfg: cfg}, nil
}

// addLive gives an answering cluster its scope and live object reader.
func (s *Stage) addLive(c *cluster, rc *rest.Config, mapper meta.RESTMapper) error {
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("kubernetes client: %w", err)
	}
	c.scope = mapperScope(mapper)
	c.live = &kubeLive{dyn: dyn, mapper: mapper}
	return nil
}

// ping asks the API server for its version.
func ping(ctx context.Context, rc *rest.Config) error {
	cs, err := kubernetes.NewForConfig(rest.CopyConfig(rc))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	_, err = cs.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
	if err != nil && ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %s", pingTimeout)
	}
	return err
}

// mapperScope answers from the API server's discovery.
func mapperScope(mapper meta.RESTMapper) scopeFunc {
	return func(apiVersion, kind string) (bool, bool) {
		gv, err := schema.ParseGroupVersion(apiVersion)
		if err != nil {
			return false, false
		}
		m, err := mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version)
		if err != nil {
			return false, false
		}
		return m.Scope.Name() == meta.RESTScopeNameNamespace, true
	}
}
