package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/kubetest"
)

// controlPlane is the Kubernetes control plane of the tests that deploy
// Helm releases, started by the first of them.
var controlPlane kubetest.Shared

// TestMain lets the test binary act as tierdeploy for tests that need a
// separate process (to signal it), and stops the control plane at the end.
// The control plane also authenticates EKS tokens (see eks_e2e_test.go),
// so that one serves every test.
func TestMain(m *testing.M) {
	if os.Getenv("TIERDEPLOY_TEST_MAIN") == "1" {
		main()
		return
	}
	stop := startEKS()
	code := controlPlane.Run(m)
	stop()
	os.Exit(code)
}

// TestApplyInterrupted kills an apply in the middle of a Terraform apply:
// Terraform gets the signal and releases its state lock, the apply record
// keeps the stack's started mark, and the next run reports the interrupted
// apply and applies the stack again.
func TestApplyInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	noHelm(t, r)
	r.Write(map[string]string{"project/terraform/slow.tf": `resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`})
	slow := r.Commit("a slow resource")

	cmd := exec.Command(os.Args[0], "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	cmd.Env = append(os.Environ(), "TIERDEPLOY_TEST_MAIN=1", "KUBECONFIG="+filepath.Join(t.TempDir(), "none"))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	require.NoError(t, cmd.Start())
	var log strings.Builder
	var mu sync.Mutex
	provisioning := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "local-exec") && strings.Contains(sc.Text(), "project/staging") {
				once.Do(func() { close(provisioning) })
			}
		}
	}()
	select {
	case <-provisioning:
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the slow resource never started provisioning:\n%s", log.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(45 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("tierdeploy did not stop within 45s of SIGTERM")
	}
	require.Error(t, err, "an interrupted apply fails")
	mu.Lock()
	require.Contains(t, log.String(), "Interrupt received", "terraform got the signal")
	mu.Unlock()

	rec := readApplied(t, r.Dir, "staging")
	require.NotNil(t, rec.Stacks["project"].Started, "the started mark stays")
	require.Equal(t, slow, rec.Stacks["project"].Started.Commit)

	// The next run says what happened and applies the stack again; the
	// state lock was released, so it is not in the way.
	require.NoError(t, os.Remove(filepath.Join(r.Dir, "project/terraform/slow.tf")))
	next := r.Commit("no slow resource")
	code, out := run(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "was interrupted")
	rec = readApplied(t, r.Dir, "staging")
	require.Nil(t, rec.Stacks["project"].Started)
	require.Equal(t, next, rec.Stacks["project"].Last.Commit)
}
