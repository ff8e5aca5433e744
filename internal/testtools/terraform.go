package testtools

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TerraformMinor is the oldest HashiCorp Terraform release line that
// [Terraform] accepts: the machine image has 1.11.4 on PATH.
const TerraformMinor = 11

type terraformFound struct {
	path, version string
	seen          []string
}

var terraformOnce = sync.OnceValue(func() terraformFound {
	var f terraformFound
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, "terraform")
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		v, err := terraformVersion(p)
		if err != nil {
			f.seen = append(f.seen, p+" ("+err.Error()+")")
			continue
		}
		if atLeast(v, 1, TerraformMinor) {
			f.path, f.version = p, v
			return f
		}
		f.seen = append(f.seen, p+" ("+v+")")
	}
	return f
})

// Terraform returns the path and version of the first HashiCorp Terraform
// on PATH that is 1.11 or later, passing over older builds (such as the
// 1.5.7 that scripts/install-tools.sh terraform puts into .tools/bin). It
// skips the test when there is none, or fails it when CI is set.
func Terraform(t testing.TB) (path, version string) {
	t.Helper()
	f := terraformOnce()
	if f.path == "" {
		msg := fmt.Sprintf("no Terraform 1.%d or later on PATH (the machine image has 1.11.4; scripts/install-tools.sh aws checks it)", TerraformMinor)
		if len(f.seen) > 0 {
			msg += "; found " + strings.Join(f.seen, ", ")
		}
		missing(t, msg)
	}
	return f.path, f.version
}

// FindTerraform is Terraform without the skip: the path and version of the
// first HashiCorp Terraform 1.11 or later on PATH, ok false when there is
// none.
func FindTerraform() (path, version string, ok bool) {
	f := terraformOnce()
	return f.path, f.version, f.path != ""
}

// terraformVersion asks a terraform binary for its version.
func terraformVersion(bin string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("version: %w", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return "", fmt.Errorf("unreadable version output")
	}
	return v.Version, nil
}

// atLeast reports whether version (major.minor.patch) is major.minor or
// later.
func atLeast(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	maj, err1 := strconv.Atoi(parts[0])
	mnr, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return maj > major || maj == major && mnr >= minor
}
