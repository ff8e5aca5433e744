package terraform

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeEnv makes the test binary act as a fake terraform (see fakeTerraform)
// when it is set.
const fakeEnv = "TIERDEPLOY_TEST_FAKE_TERRAFORM"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeTerraform(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeTerraform stands in for the binary in the runner's tests. By mode:
// "echo" prints its arguments, directory, process group and FAKE_VALUE, and
// exits with the status in FAKE_EXIT; "env" writes its environment to the
// file FAKE_ENV_OUT names and exits 1; "trap" prints "ready", waits for
// SIGINT and exits 1 after printing "got SIGINT"; "deaf" prints "ready" and
// ignores SIGINT.
func fakeTerraform(mode string, args []string) int {
	switch mode {
	case "echo":
		wd, _ := os.Getwd()
		pgid, _ := syscall.Getpgid(os.Getpid())
		fmt.Printf("args=%s\ndir=%s\nvalue=%s\nown-group=%t\n", strings.Join(args, " "), wd,
			os.Getenv("FAKE_VALUE"), pgid == os.Getpid())
		fmt.Fprintln(os.Stderr, "to stderr")
		code, _ := strconv.Atoi(os.Getenv("FAKE_EXIT"))
		return code
	case "trap":
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		fmt.Println("ready")
		select {
		case <-sig:
			fmt.Println("got SIGINT")
			return 1
		case <-time.After(time.Minute):
			return 0
		}
	case "env":
		// Writes its environment, one variable a line, to FAKE_ENV_OUT.
		_ = os.WriteFile(os.Getenv("FAKE_ENV_OUT"), []byte(strings.Join(os.Environ(), "\n")), 0o600)
		return 1
	case "deaf":
		signal.Ignore(os.Interrupt)
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return 0
	}
	return 99
}
