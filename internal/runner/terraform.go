package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// TerraformReport is GitLab's Terraform report format: the resource counts
// its merge request widget shows. A replacement counts as a delete and a
// create.
type TerraformReport struct {
	Create int `json:"create"`
	Update int `json:"update"`
	Delete int `json:"delete"`
}

// Add returns the sum of r and o, for a job that plans several stacks.
func (r TerraformReport) Add(o TerraformReport) TerraformReport {
	return TerraformReport{Create: r.Create + o.Create, Update: r.Update + o.Update, Delete: r.Delete + o.Delete}
}

// WriteTerraformReport writes r as <TerraformDir>/<stack>.json and returns
// the path. GitLab shows one report per job, so a job that plans several
// stacks should write their sum (TerraformReport.Add) under one name.
func (g *GitLab) WriteTerraformReport(stack string, r TerraformReport) (string, error) {
	if g.o.TerraformDir == "" {
		return "", &MissingFileError{Var: "the Terraform report directory"}
	}
	if r.Create < 0 || r.Update < 0 || r.Delete < 0 {
		return "", errors.New("write terraform report: negative resource count")
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode terraform report: %w", err)
	}
	if err := os.MkdirAll(g.o.TerraformDir, 0o755); err != nil {
		return "", fmt.Errorf("write terraform report: %w", err)
	}
	path := filepath.Join(g.o.TerraformDir, slug(stack, 100)+".json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write terraform report: %w", err)
	}
	return path, nil
}
