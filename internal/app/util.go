package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// holder names this run in inventory leases, so a blocked run can say who
// holds the lease.
func holder(getenv func(string) string) string {
	switch {
	case getenv("GITHUB_RUN_ID") != "":
		return fmt.Sprintf("GitHub run %s/%s/actions/runs/%s (job %s)",
			getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID"), getenv("GITHUB_JOB"))
	case getenv("CI_JOB_URL") != "":
		return "GitLab job " + getenv("CI_JOB_URL")
	}
	host, _ := os.Hostname()
	user := getenv("USER")
	if user == "" {
		user = "someone"
	}
	return fmt.Sprintf("%s on %s (pid %d)", user, host, os.Getpid())
}

// keep reports whether name passes a --tier or --environment filter.
func keep(filter []string, name string) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if f == name {
			return true
		}
	}
	return false
}

func readAll(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, errors.New("no standard input")
	}
	return io.ReadAll(r)
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", termtext.JSON(b))
	return err
}
