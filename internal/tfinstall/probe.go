package tfinstall

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/childenv"
)

// ProbeVersion asks a Terraform or OpenTofu binary for its version with
// `version -json` (15 s at most, no update check) and returns it, such as
// "1.10.7".
func ProbeVersion(ctx context.Context, path string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version", "-json")
	cmd.Env = append(childenv.Environ(), "CHECKPOINT_DISABLE=1") // the binary may be the repository's
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s version -json: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil || v.Version == "" {
		return "", fmt.Errorf("%s version -json did not say its version", path)
	}
	return v.Version, nil
}
