package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/ekstest"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/kubetest"
	"github.com/tierdeploy/tierdeploy/internal/ststest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// The control plane of the test binary authenticates the tokens it does
// not know itself as an EKS cluster does: its webhook checks that a token
// is a presigned STS request for the cluster meltano-staging, verified by
// the fake STS, and maps the deployer role to a user whose rights RBAC
// bounds. The administrator's token works as before.
var (
	eksSTS  *ststest.Server
	eksAuth *ekstest.Authenticator
	// eksJob is the CI job's AWS identity, which may assume eksRole.
	eksJob = ststest.Identity{AccessKeyID: "AKIAJOBKEY0000000002", SecretAccessKey: "job-secret-key-MARKER",
		ARN: "arn:aws:iam::111122223333:user/ci", UserID: "AIDAJOBCI"}
	eksRole = "arn:aws:iam::111122223333:role/staging-deployer"
)

// eksGroup is the Kubernetes group of the deployer role.
const eksGroup = "tierdeploy:deployers"

// startEKS starts the fake STS and the token webhook, and makes the
// control plane use them (with RBAC); it returns what stops them.
func startEKS() (stop func()) {
	eksSTS = ststest.Start(ststest.Options{})
	eksSTS.AddIdentity(eksJob)
	eksSTS.AddRole(ststest.Role{ARN: eksRole, Trusted: []string{eksJob.ARN}})
	eksAuth = &ekstest.Authenticator{ClusterName: "meltano-staging", STS: eksSTS.URL, Users: map[string]ekstest.User{
		eksRole: {Username: "deployer:{{SessionName}}", Groups: []string{eksGroup}},
	}}
	wh := ekstest.Start(eksAuth)
	controlPlane.Options.TokenWebhook = &kubetest.TokenWebhook{URL: wh.URL, CAData: wh.CAData}
	controlPlane.Options.RBAC = true
	return func() {
		wh.Close()
		eksSTS.Close()
	}
}

// grantDeployer lets the deployer role do anything in ns, and create
// namespaces (Helm creates a missing one), and nothing else.
func grantDeployer(t *testing.T, kc *kubetest.Cluster, ns string) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	ctx := t.Context()
	group := []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: eksGroup}}
	_, err = cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "deployer"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "deployer"},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "deployer"}, Subjects: group}, metav1.CreateOptions{})
	require.NoError(t, err)
	const name = "tierdeploy:namespaces"
	_, err = cs.RbacV1().ClusterRoles().Get(ctx, name, metav1.GetOptions{})
	if err == nil {
		return
	}
	_, err = cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "create", "patch"}}}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}, Subjects: group}, metav1.CreateOptions{})
	require.NoError(t, err)
}

// jobAWS gives the process the CI job's AWS credentials, with STS at the
// fake, and nothing else of the AWS configuration of the machine.
func jobAWS(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		require.NoError(t, os.Unsetenv(k))
	}
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": eksJob.AccessKeyID, "AWS_SECRET_ACCESS_KEY": eksJob.SecretAccessKey, "AWS_REGION": "us-east-1",
		"AWS_ENDPOINT_URL_STS": eksSTS.URL, "AWS_CONFIG_FILE": filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
}

// copyTree copies the files under from to to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	require.NoError(t, err)
}

// otherCA returns the PEM of a CA that signed no certificate of the
// control plane.
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "another cluster"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// eksRepo is a repository whose project tier reaches its cluster from the
// inventory only: the staging environment's cluster: block names the
// inventory keys of the endpoint, the CA and the EKS cluster's name, and
// the role to assume. Its infrastructure tier creates the cluster (its
// output is known only after apply).
func eksRepo(t *testing.T, ns string) *gittest.Repo {
	t.Helper()
	r := gittest.New(t)
	copyTree(t, filepath.Join(testtools.Root(t), "internal", "helm", "testdata", "charts", "web"), filepath.Join(r.Dir, "charts", "web"))
	r.Write(map[string]string{
		"tierdeploy.yaml": `version: 1
terraform:
  binary: tofu
inventory:
  store: file
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
    paths: ["infra/**"]
    terraform:
      dir: infra
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    paths: ["charts/**"]
    helm:
      - release: web
        namespace: ` + ns + `
        chart: charts/web
        timeout: 2m
        inventory_values:
          database.host: cluster.name
        set:
          hook: false
`,
		"infra/main.tf": `resource "terraform_data" "cluster" {
  input = "meltano-staging"
}

output "cluster" {
  value = {
    name     = terraform_data.cluster.output
    endpoint = "https://${terraform_data.cluster.id}.gr7.eu-west-1.eks.amazonaws.com"
    ca_data  = "known after apply"
  }
}
`,
	})
	r.Commit("a project tier on an EKS cluster")
	return r
}

// putClusterInventory stores staging's inventory with the cluster's
// address as the infrastructure would publish it: the endpoint, the CA
// (base64 of PEM, as EKS gives it) and name.
func putClusterInventory(t *testing.T, dir, endpoint string, ca []byte, name string) {
	t.Helper()
	values, err := json.Marshal(map[string]any{"cluster": map[string]string{
		"endpoint": endpoint, "ca_data": base64.StdEncoding.EncodeToString(ca), "name": name}})
	require.NoError(t, err)
	doc := `{"schema":"tierdeploy.inventory/v1","environment":"staging","tier":"infrastructure","commit":"` + strings.Repeat("a", 40) +
		`","created":"2026-11-20T09:14:03Z","values":` + string(values) + `}`
	p := filepath.Join(t.TempDir(), "inventory.json")
	require.NoError(t, os.WriteFile(p, []byte(doc), 0o600))
	code, out := run(t, "inventory", "put", "--chdir", dir, "--environment", "staging", "--file", p)
	require.Equal(t, 0, code, out)
}

// runClock runs tierdeploy as run does, with the EKS tokens signed by a
// clock that is off by skew.
func runClock(t *testing.T, skew time.Duration, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	d := deps(args)
	d.Stdout, d.Stderr = &stdout, &stderr
	tools := d.Tools.(*toolchain)
	tools.tokens.now = func() time.Time { return time.Now().Add(skew) }
	code := app.Main(t.Context(), d)
	t.Logf("tierdeploy %s (clock %s): exit %d\n%s", strings.Join(args, " "), skew, code, lastLines(stderr.String(), 15))
	return code, stdout.String(), stderr.String()
}

// TestEKSClusterFromTheInventory plans, applies and checks a release on
// a cluster reached only through a cluster: block: no kubeconfig exists,
// the endpoint, the CA and the cluster's name come from the published
// inventory, and the job's AWS credentials (through the fake STS) sign
// the tokens of the role the block names. A token for another cluster, an
// expired one and a wrong CA each fail plan, apply and drift with one
// sentence; while the infrastructure plan creates the cluster, the plan
// renders without it and says so.
func TestEKSClusterFromTheInventory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a control plane")
	}
	kc := controlPlane.Get(t)
	offlineTofu(t)
	clearCI(t)
	jobAWS(t)
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "no-kubeconfig"))
	ns := kc.Namespace(t)
	grantDeployer(t, kc, ns)
	r := eksRepo(t, ns)
	rc := kc.RESTConfig()
	putClusterInventory(t, r.Dir, rc.Host, rc.CAData, "meltano-staging")
	args := func(cmd string, more ...string) []string {
		return append([]string{cmd, "--chdir", r.Dir, "--environment", "staging", "--tier", "project"}, more...)
	}
	reviews := len(eksAuth.Reviews())

	code, out := run(t, args("plan", "--all")...)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "+   Deployment/"+ns+"/web")
	assert.Contains(t, out, "rendered with a server-side dry run")

	code, out = run(t, args("apply", "--all")...)
	require.Equal(t, 0, code, out)
	admin, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	cm, err := admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "meltano-staging", cm.Data["DATABASE_HOST"], "the release got the inventory")

	code, out = run(t, args("drift")...)
	require.Equal(t, 0, code, out)

	cm.Data["GREETING"] = "edited by hand"
	_, err = admin.CoreV1().ConfigMaps(ns).Update(t.Context(), cm, metav1.UpdateOptions{})
	require.NoError(t, err)
	code, out = run(t, args("drift")...)
	require.Equal(t, app.ExitChanges, code, out)
	assert.Contains(t, out, "project/staging")

	// Every token the API server asked about was the deployer role's,
	// assumed with the job's credentials.
	seen := eksAuth.Reviews()[reviews:]
	require.NotEmpty(t, seen)
	for _, rv := range seen {
		assert.True(t, rv.Authenticated, rv.Reason)
		assert.Equal(t, "deployer:tierdeploy", rv.Username)
	}
	assumed := false
	for _, req := range eksSTS.Requests() {
		assumed = assumed || (req.Action == "AssumeRole" && req.AccessKeyID == eksJob.AccessKeyID && req.Err == nil)
	}
	assert.True(t, assumed, "the role was assumed with the job's credentials")

	failures := []struct {
		name string
		// inventory is the cluster's name and CA in the inventory.
		cluster string
		ca      []byte
		skew    time.Duration
		message string
	}{
		{name: "token for another cluster", cluster: "meltano-prod", ca: rc.CAData,
			message: "EKS cluster meltano-prod at " + rc.Host + " refused the token (401 Unauthorized): the token is for another cluster (check cluster.eks.cluster_name) or its AWS identity has no access entry in the cluster"},
		{name: "expired token", cluster: "meltano-staging", ca: rc.CAData, skew: -16 * time.Minute,
			message: "EKS cluster meltano-staging at " + rc.Host + " refused the token (401 Unauthorized): the token has expired: it was signed at "},
		{name: "wrong CA", cluster: "meltano-staging", ca: otherCA(t),
			message: "EKS cluster meltano-staging at " + rc.Host + " presents a certificate that the CA of cluster.ca_data does not trust " +
				"(check that the inventory's endpoint and CA are the same cluster's): x509: certificate signed by unknown authority"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			putClusterInventory(t, r.Dir, rc.Host, f.ca, f.cluster)
			for _, cmd := range [][]string{args("plan", "--all"), args("apply", "--all"), args("drift")} {
				code, stdout, stderr := runClock(t, f.skew, cmd...)
				assert.Equal(t, app.ExitFailed, code, cmd[0])
				assert.Contains(t, stderr, f.message, cmd[0])
				// The drift summary cuts error lines; the plan and apply
				// reports show them whole.
				shown := f.message
				if cmd[0] == "drift" {
					shown = f.message[:70]
				}
				assert.Contains(t, stdout, shown, "%s: the report says it", cmd[0])
				for _, text := range []string{stdout, stderr} {
					assert.NotContains(t, text, "k8s-aws-v1.", "no token shown")
					assert.NotContains(t, text, eksJob.SecretAccessKey)
				}
				for _, l := range strings.Split(stderr, "\n") {
					if strings.Contains(l, "presents a certificate") || strings.Contains(l, "refused the token") {
						assert.Equal(t, 1, strings.Count(l, f.message[:40]), "one sentence per line: %s", l)
					}
				}
			}
		})
	}

	// A pull request that creates the cluster: its address is known only
	// after apply, so the release is rendered without it.
	t.Run("cluster created by the plan", func(t *testing.T) {
		code, out := run(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--all")
		require.Equal(t, 0, code, out)
		assert.Contains(t, out, "rendered client-side: the infrastructure plan creates or replaces the cluster")
		assert.Contains(t, out, "+   Deployment/"+ns+"/web")
	})
}
