package event

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzGitHubEvent feeds arbitrary payloads to the GitHub payload reader. It
// must never panic, and whatever it accepts must hold what the rest of the
// program relies on.
func FuzzGitHubEvent(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "github", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	names := []string{"pull_request", "pull_request_target", "push", "schedule", "workflow_dispatch", "release"}
	for i, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		// Seed with the fields the reader looks at: whole payloads are 28 KB
		// and make every execution (and minimisation) slow.
		var p githubPayload
		if err := json.Unmarshal(b, &p); err != nil {
			f.Fatal(err)
		}
		seed, err := json.Marshal(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(names[i%len(names)], seed)
		if p.PullRequest != nil {
			f.Add("pull_request_target", seed)
		} else if p.Ref != "" {
			f.Add("push", seed)
		}
	}
	f.Add("schedule", []byte(`{"schedule":"0 0 * * *"}`))
	f.Add("push", []byte(`{"ref":"refs/heads/x","before":"0","after":""}`))
	f.Add("pull_request", []byte(`null`))

	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		env := githubEnv{EventName: name, EventPath: "event.json", SHA: "0123456789abcdef0123456789abcdef01234567"}
		e, err := parseGitHub(env, payload)
		if err != nil {
			return
		}
		if e.Platform != GitHub || e.Kind == "" || !validRepository(e.Repository) {
			t.Fatalf("accepted an incomplete event: %+v", e)
		}
		for _, sha := range []string{e.BaseSHA, e.HeadSHA, e.MergeSHA} {
			if sha != "" && !validSHA(sha) {
				t.Fatalf("accepted an invalid SHA %q", sha)
			}
		}
		switch e.Kind {
		case KindPullRequest:
			if e.Number <= 0 || e.BaseSHA == "" || e.HeadSHA == "" {
				t.Fatalf("pull request without number or commits: %+v", e)
			}
		case KindPush:
			if e.HeadSHA == "" && !e.Deleted {
				t.Fatalf("push without a head commit: %+v", e)
			}
			if e.BaseSHA == "" && !e.NewBranch {
				t.Fatalf("push without a base commit: %+v", e)
			}
		}
	})
}
