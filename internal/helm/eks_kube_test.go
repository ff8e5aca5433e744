package helm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	clusterinv "github.com/tierdeploy/tierdeploy/internal/cluster"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/eks"
	"github.com/tierdeploy/tierdeploy/internal/ekstest"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/kubetest"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/ststest"
)

// eksConfig is a configuration whose staging environment reaches its
// cluster from the inventory.
const eksConfig = `version: 1
environments:
  - name: staging
    cluster:
      endpoint: cluster.endpoint
      ca_data: cluster.ca_data
      eks:
        cluster_name: cluster.name
        role_arn: arn:aws:iam::111122223333:role/{environment}-deployer
        region: eu-west-1
tiers:
  - name: infrastructure
    terraform: {dir: terraform}
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    helm:
      - release: web
        chart: charts/web
`

// eksWorld is a control plane that authenticates tokens as EKS does, its
// fake STS, and the job's AWS identity.
type eksWorld struct {
	kc   *kubetest.Cluster
	sts  *ststest.Server
	auth *ekstest.Authenticator
	job  ststest.Identity
}

// startEKS starts a control plane of its own (not the package's shared
// one) with the token webhook and RBAC: the deployer role may do anything
// in namespace ns, and create namespaces, and nothing else.
func startEKS(t *testing.T, ns string) *eksWorld {
	t.Helper()
	if testing.Short() {
		t.Skip("no Kubernetes control plane in -short mode")
	}
	opts := kubetest.ToolOptions(t)
	w := &eksWorld{sts: ststest.New(t, ststest.Options{}),
		job: ststest.Identity{AccessKeyID: "AKIAJOBKEY0000000001", SecretAccessKey: "job-secret-MARKER", ARN: "arn:aws:iam::111122223333:user/ci", UserID: "AIDAJOB"}}
	w.sts.AddIdentity(w.job)
	w.sts.AddRole(ststest.Role{ARN: "arn:aws:iam::111122223333:role/staging-deployer", Trusted: []string{w.job.ARN}})
	w.auth = &ekstest.Authenticator{ClusterName: "meltano-staging", STS: w.sts.URL, Users: map[string]ekstest.User{
		"arn:aws:iam::111122223333:role/staging-deployer": {Username: "deployer:{{SessionName}}", Groups: []string{"tierdeploy:deployers"}},
	}}
	wh := ekstest.Serve(t, w.auth)
	opts.TokenWebhook = &kubetest.TokenWebhook{URL: wh.URL, CAData: wh.CAData}
	opts.RBAC = true
	opts.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	began := time.Now()
	kc, err := kubetest.Start(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(kc.Stop)
	t.Logf("control plane with the token webhook started in %s", time.Since(began).Round(time.Millisecond))
	w.kc = kc

	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	ctx := t.Context()
	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	require.NoError(t, err)
	group := []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "tierdeploy:deployers"}}
	_, err = cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "deployer"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "deployer"},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "deployer"}, Subjects: group}, metav1.CreateOptions{})
	require.NoError(t, err)
	// Helm creates the release's namespace when it is missing.
	_, err = cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "tierdeploy:namespaces"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "create", "patch"}}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "tierdeploy:namespaces"},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "tierdeploy:namespaces"}, Subjects: group}, metav1.CreateOptions{})
	require.NoError(t, err)
	return w
}

// inventory returns the staging inventory, as the infrastructure tier
// publishes it: the cluster's endpoint, CA (base64 of PEM, as EKS gives
// it) and name.
func (w *eksWorld) inventory(t *testing.T, name string) *inventory.Document {
	t.Helper()
	rc := w.kc.RESTConfig()
	values, err := json.Marshal(map[string]string{"endpoint": rc.Host, "ca_data": base64.StdEncoding.EncodeToString(rc.CAData), "name": name})
	require.NoError(t, err)
	return &inventory.Document{Schema: inventory.SchemaV1, Environment: "staging", Tier: "infrastructure", Commit: "0123abc",
		Created: time.Now().UTC().Truncate(time.Second), Values: map[string]json.RawMessage{"cluster": values}}
}

// distinctTokens counts the tokens a source hands out.
type distinctTokens struct {
	src  *eks.TokenSource
	mu   sync.Mutex
	seen map[string]bool
}

func (d *distinctTokens) Token(ctx context.Context) (string, error) {
	v, err := d.src.Token(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[v] = true
	return v, err
}

func (d *distinctTokens) Explain(token string, serverTime time.Time) string {
	return d.src.Explain(token, serverTime)
}

func (d *distinctTokens) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

// connection resolves the configuration's cluster block against doc and
// makes a token source for it, as the flow does.
func (w *eksWorld) connection(t *testing.T, doc *inventory.Document, tune func(*eks.Options)) (*Connection, *distinctTokens) {
	t.Helper()
	cfg, err := config.Parse("tierdeploy.yaml", []byte(eksConfig))
	require.NoError(t, err)
	block, field := cfg.ClusterFor("project", "staging")
	require.NotNil(t, block)
	target, err := clusterinv.Resolve(clusterinv.Input{Cluster: block, Field: field, Environment: "staging", Inventory: doc})
	require.NoError(t, err)
	opts := eks.Options{
		AWS: aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(w.sts.URL), RetryMaxAttempts: 1,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: w.job.AccessKeyID, SecretAccessKey: w.job.SecretAccessKey}, nil
			})},
		ClusterName: target.ClusterName, RoleARN: target.RoleARN, Region: target.Region,
	}
	if tune != nil {
		tune(&opts)
	}
	src, err := eks.NewTokenSource(opts)
	require.NoError(t, err)
	counted := &distinctTokens{src: src, seen: map[string]bool{}}
	return &Connection{Name: target.Name(), Endpoint: target.Endpoint, CAData: target.CAData, Token: counted}, counted
}

func eksStageOptions(t *testing.T, conn *Connection, doc *inventory.Document, ns string) Options {
	t.Helper()
	return Options{
		Log: slog.New(slog.NewTextHandler(t.Output(), nil)),
		// No kubeconfig exists: the connection is all there is.
		Kubeconfig:   "/nonexistent/kubeconfig",
		Connection:   conn,
		RepoCacheDir: t.TempDir(),
		Root:         testdata(t),
		Stack:        plan.Stack{Tier: "project", Environment: "staging"},
		Release: config.Release{Release: "web", Namespace: ns, Chart: "charts/web", Timeout: config.Duration(2 * time.Minute),
			InventoryValues: map[string]string{"database.host": "cluster.name"}},
		Inventory: doc,
	}
}

// TestKubeEKSConnection deploys a release to a control plane that
// authenticates EKS tokens, reached only through the cluster block and the
// inventory: plan, apply and drift succeed as the mapped deployer role,
// and a token for another cluster, an expired token and a wrong CA each
// fail with one sentence.
func TestKubeEKSConnection(t *testing.T) {
	const ns = "eks-web"
	w := startEKS(t, ns)
	doc := w.inventory(t, "meltano-staging")
	ctx := t.Context()

	conn, tokens := w.connection(t, doc, nil)
	assert.Equal(t, "EKS cluster meltano-staging", conn.Name)
	res, err := newStage(t, eksStageOptions(t, conn, doc, ns)).Plan(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{NoteServer, NoteFirstInstall}, res.Notes)
	assert.Equal(t, plan.Counts{Add: 5}, res.Counts)

	// The deploy waits for the Deployment; a source that renews its token
	// every second shows that the renewed tokens keep working during the
	// wait.
	renewing, renewed := w.connection(t, doc, func(o *eks.Options) { o.RefreshBefore = eks.Lifetime - time.Second })
	began := time.Now()
	res, err = newStage(t, eksStageOptions(t, renewing, doc, ns)).Apply(ctx)
	require.NoError(t, err, res.Diff)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)
	t.Logf("install with wait took %s with %d tokens", time.Since(began).Round(time.Millisecond), renewed.count())
	if time.Since(began) > 3*time.Second {
		assert.Greater(t, renewed.count(), 1, "the token was renewed during the wait")
	}

	res, err = newStage(t, eksStageOptions(t, conn, doc, ns)).Drift(ctx)
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)

	admin, err := kubernetes.NewForConfig(w.kc.RESTConfig())
	require.NoError(t, err)
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	cm.Data["GREETING"] = "edited by hand"
	_, err = admin.CoreV1().ConfigMaps(ns).Update(ctx, cm, metav1.UpdateOptions{})
	require.NoError(t, err)
	res, err = newStage(t, eksStageOptions(t, conn, doc, ns)).Drift(ctx)
	require.NoError(t, err)
	assert.True(t, res.HasChanges)
	assert.Contains(t, res.Diff, "+  GREETING: edited by hand\n")
	res, err = newStage(t, eksStageOptions(t, conn, doc, ns)).Plan(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{NoteServer}, res.Notes)
	assert.False(t, res.HasChanges, "the plan compares with the release, not the live objects")

	// Every request was the deployer role's, mapped by the webhook; RBAC
	// keeps it out of other namespaces.
	for _, r := range w.auth.Reviews() {
		assert.True(t, r.Authenticated, r.Reason)
		assert.Equal(t, "deployer:tierdeploy", r.Username)
	}
	assert.Positive(t, tokens.count())
	deployer, err := newConnectionGetter(conn, ns).ToRESTConfig()
	require.NoError(t, err)
	cs, err := kubernetes.NewForConfig(deployer)
	require.NoError(t, err)
	_, err = cs.CoreV1().Secrets("kube-system").List(ctx, metav1.ListOptions{})
	assert.True(t, apierrors.IsForbidden(err), "the deployer reads kube-system: %v", err)

	failures := []struct {
		name   string
		conn   func(t *testing.T) *Connection
		reason AuthReason
		// message is what the error says.
		message string
		// review is what the webhook says, empty when it is not asked.
		review string
	}{
		{name: "token for another cluster", reason: AuthTokenRefused, review: "STS refused the token: SignatureDoesNotMatch",
			message: "EKS cluster meltano-prod at " + w.kc.RESTConfig().Host + " refused the token (401 Unauthorized): the token is for another cluster " +
				"(check cluster.eks.cluster_name) or its AWS identity has no access entry in the cluster",
			conn: func(t *testing.T) *Connection {
				c, _ := w.connection(t, w.inventory(t, "meltano-prod"), nil)
				return c
			}},
		{name: "expired token", reason: AuthTokenRefused, review: "token has expired",
			message: "EKS cluster meltano-staging at " + w.kc.RESTConfig().Host + " refused the token (401 Unauthorized): the token has expired: it was signed at ",
			conn: func(t *testing.T) *Connection {
				c, _ := w.connection(t, doc, func(o *eks.Options) {
					o.Now = func() time.Time { return time.Now().Add(-16 * time.Minute) }
				})
				return c
			}},
		{name: "wrong CA", reason: AuthUntrustedCertificate,
			message: "EKS cluster meltano-staging at " + w.kc.RESTConfig().Host + " presents a certificate that the CA of cluster.ca_data does not trust " +
				"(check that the inventory's endpoint and CA are the same cluster's): x509: certificate signed by unknown authority",
			conn: func(t *testing.T) *Connection {
				c, _ := w.connection(t, doc, nil)
				c.CAData = selfSignedCA(t)
				return c
			}},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			before := len(w.auth.Reviews())
			c := f.conn(t)
			for _, step := range []func(*Stage, context.Context) (plan.Result, error){(*Stage).Plan, (*Stage).Apply, (*Stage).Drift} {
				_, err := step(newStage(t, eksStageOptions(t, c, doc, ns)), ctx)
				var ae *ClusterAuthError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, f.reason, ae.Reason)
				assert.Contains(t, err.Error(), f.message)
				assert.NotContains(t, err.Error(), "\n", "one sentence")
				assert.NotContains(t, err.Error(), "k8s-aws-v1.", "no token in the error")
				assert.NotContains(t, err.Error(), w.job.SecretAccessKey)
				t.Log(err)
			}
			reviews := w.auth.Reviews()[before:]
			if f.review == "" {
				assert.Empty(t, reviews, "a client that does not trust the server sends it no token")
				return
			}
			require.NotEmpty(t, reviews)
			for _, r := range reviews {
				assert.False(t, r.Authenticated)
				assert.Contains(t, r.Reason, f.review)
			}
		})
	}
}
