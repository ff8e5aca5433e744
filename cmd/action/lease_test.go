package main

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// TestApplyStopsWhenItsLeaseIsTakenOver plays another run taking the
// environment's lease over while an apply is in the middle of a Terraform
// apply (as after a pause past the lease's expiry): the apply must not
// publish the inventory, must not write the apply record or delete the
// other run's lease, and must fail naming the other run.
func TestApplyStopsWhenItsLeaseIsTakenOver(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	noHelm(t, r)
	r.Write(map[string]string{"infrastructure/environments/staging/slow.tf": `resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 8"
  }
}
`})
	r.Commit("a slow resource")

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
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "local-exec") && strings.Contains(sc.Text(), "infrastructure/staging") {
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

	// Run B takes the lease over.
	lock := filepath.Join(r.Dir, ".tierdeploy/inventory/staging.lock")
	other, err := inventory.NewLease("run B", time.Now(), time.Hour)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(lock, other.Marshal(), 0o600))

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("tierdeploy did not finish")
	}
	<-scanned
	mu.Lock()
	out := log.String()
	mu.Unlock()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the apply fails:\n%s", out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, out, "the apply of staging stopped and wrote nothing more to its inventory or apply record: "+
		"the inventory lease "+lock+" was lost: run B holds it since")

	_, err = os.Stat(filepath.Join(r.Dir, ".tierdeploy/inventory/staging.json"))
	assert.True(t, errors.Is(err, fs.ErrNotExist), "no inventory was published")
	rec := readApplied(t, r.Dir, "staging")
	require.NotNil(t, rec.Stacks["infrastructure"].Started, "the started mark, written under the lease, stays")
	assert.Nil(t, rec.Stacks["infrastructure"].Last, "the apply was not recorded as done")
	assert.NotContains(t, rec.Stacks, "project", "the project tier was not applied")
	b, err := os.ReadFile(lock)
	require.NoError(t, err)
	assert.Equal(t, string(other.Marshal()), string(b), "run B's lease is left alone")
}
