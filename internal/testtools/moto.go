package testtools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// MotoOptions configures an AWS API emulator started by [Moto].
type MotoOptions struct {
	// AccountID is the account every request acts in (moto's
	// MOTO_ACCOUNT_ID); empty means moto's default, 123456789012.
	AccountID string
	// Region is the region [MotoServer.Env] names; empty means us-east-1.
	Region string
}

// MotoServer is a moto server (an AWS API emulator) on a loopback port,
// stopped when the test that started it ends.
type MotoServer struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// AccountID is the account the server acts in.
	AccountID string
	// Region is the region of Env.
	Region string

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

// motoStart bounds how long the server may take to answer: importing moto
// takes a few seconds on a busy 2-core machine.
const motoStart = 90 * time.Second

var motoCheck = sync.OnceValues(func() (string, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return "", errors.New("python3 is not on PATH")
	}
	out, err := exec.Command(python, "-c", "import moto, moto.server; print(moto.__version__)").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("python3 cannot import moto's server: %s", strings.TrimSpace(lastLine(string(out))))
	}
	return python, nil
})

// Moto starts a moto server on a free loopback port for the test, with AWS
// managed IAM policies loaded, and stops it (and removes its state) when the
// test ends. It skips the test when python3 with moto is missing, or fails
// it when CI is set. Give the server's Env to the processes under test.
func Moto(t testing.TB, opts MotoOptions) *MotoServer {
	t.Helper()
	python, err := motoCheck()
	if err != nil {
		missing(t, err.Error()+": the machine image provides moto 5.2.1 with awscli; scripts/install-tools.sh aws checks it")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	ctx, cancel := context.WithTimeout(context.Background(), motoStart)
	defer cancel()
	var last error
	for range 3 {
		s, err := startMoto(ctx, python, opts)
		if err == nil {
			t.Cleanup(s.stop)
			return s
		}
		last = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("start the AWS emulator: %v", last)
	return nil
}

var errPortTaken = errors.New("port taken")

func startMoto(ctx context.Context, python string, opts MotoOptions) (*MotoServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free loopback port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()

	s := &MotoServer{
		URL:       "http://127.0.0.1:" + strconv.Itoa(port),
		AccountID: opts.AccountID,
		Region:    opts.Region,
		log:       &syncBuffer{},
		done:      make(chan struct{}),
	}
	s.cmd = exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Env = append(withoutAWS(os.Environ()),
		"MOTO_ACCOUNT_ID="+opts.AccountID,
		"MOTO_IAM_LOAD_MANAGED_POLICIES=true",
		"PYTHONDONTWRITEBYTECODE=1",
	)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s -m moto.server: %w", python, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		if strings.Contains(s.log.String(), "Address already in use") {
			return nil, errPortTaken
		}
		return nil, fmt.Errorf("%w; its output:\n%s", err, s.log.String())
	}
	return s, nil
}

// waitReady polls the server's own API until it answers.
func (s *MotoServer) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/data.json", nil)
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return errors.New("moto exited before it answered")
		case <-ctx.Done():
			return fmt.Errorf("moto did not answer on %s within %s", s.URL, motoStart)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// stop ends the server's process group: SIGTERM, then SIGKILL after 5 s.
func (s *MotoServer) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// Env returns the environment that points the AWS SDKs, the AWS CLI, the
// AWS provider and Terraform's S3 backend at the server: its endpoint,
// static test credentials, the region, and no shared configuration files
// or instance metadata to fall back on. Give it to processes whose
// environment holds no other AWS_* variable (AWS_PROFILE, a session token).
func (s *MotoServer) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=" + s.Region,
		"AWS_DEFAULT_REGION=" + s.Region,
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Setenv sets the server's Env for the rest of the test (t.Setenv: not
// with parallel tests).
func (s *MotoServer) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Reset drops every resource the server holds (moto's reset API), so that
// tests sharing one server start from nothing.
func (s *MotoServer) Reset(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reset the AWS emulator: %w", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset the AWS emulator: %s", resp.Status)
	}
	return nil
}

// Log returns what the server printed so far (its request log).
func (s *MotoServer) Log() string { return s.log.String() }

// withoutAWS drops the AWS_* variables of env, so that the server is not
// configured by the environment of whoever runs the tests.
func withoutAWS(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}

// missing skips the test, or fails it when CI is set.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// syncBuffer is a bytes.Buffer safe for a process's two output streams.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b.Len() > 1<<20 { // a request log: keep the start, bounded
		return len(p), nil
	}
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
