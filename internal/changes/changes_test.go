package changes_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
)

func TestChanged(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{
		"infra/main.tf":       "resource \"terraform_data\" \"a\" {}\n",
		"infra/old-name.tf":   strings.Repeat("# a file long enough for rename detection\n", 20),
		"charts/app/values":   "a: 1\n",
		"docs/removed.md":     "bye\n",
		"weird name/ü file.t": "x\n",
	})
	base := r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write(map[string]string{"infra/main.tf": "resource \"terraform_data\" \"b\" {}\n", "weird name/ü file.t": "y\n"})
	require.NoError(t, os.MkdirAll(filepath.Join(r.Dir, "modules/net"), 0o755))
	r.Git("mv", "infra/old-name.tf", "modules/net/new-name.tf")
	r.Git("rm", "-q", "docs/removed.md")
	r.Write(map[string]string{"new/added.txt": "hello\n"})
	head := r.Commit("change")

	l := changes.NewLister(&changes.Git{Dir: r.Dir})
	got, err := l.Changed(t.Context(), changes.Range{Base: "main", Head: head})
	require.NoError(t, err)
	byPath := map[string]changes.Change{}
	for _, c := range got {
		byPath[c.Path] = c
	}
	require.Equal(t, changes.Modified, byPath["infra/main.tf"].Status)
	require.Equal(t, changes.Deleted, byPath["docs/removed.md"].Status)
	require.Equal(t, changes.Added, byPath["new/added.txt"].Status)
	require.Equal(t, changes.Modified, byPath["weird name/ü file.t"].Status, "paths are not quoted")
	rename := byPath["modules/net/new-name.tf"]
	require.Equal(t, changes.Renamed, rename.Status)
	require.Equal(t, "infra/old-name.tf", rename.OldPath)
	// A rename counts for both paths.
	require.Equal(t, []string{"docs/removed.md", "infra/main.tf", "infra/old-name.tf", "modules/net/new-name.tf", "new/added.txt", "weird name/ü file.t"}, changes.Paths(got))

	// Three-dot semantics: a commit on main after the branch point is not
	// part of the change.
	r.Git("checkout", "-q", "main")
	r.Write(map[string]string{"unrelated/on-main.txt": "x\n"})
	r.Commit("main moves on")
	got, err = l.Changed(t.Context(), changes.Range{Base: "main", Head: head})
	require.NoError(t, err)
	require.NotContains(t, changes.Paths(got), "unrelated/on-main.txt")
	require.Contains(t, changes.Paths(got), "infra/main.tf")
	_ = base
}

func TestChangedWorkingTree(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{"a/tracked.tf": "1\n", ".gitignore": "ignored/\n"})
	r.Commit("base")
	r.Write(map[string]string{"a/tracked.tf": "2\n", "b/untracked.tf": "new\n", "ignored/x.tf": "no\n"})

	got, err := changes.NewLister(&changes.Git{Dir: r.Dir}).Changed(t.Context(), changes.Range{Base: "main"})
	require.NoError(t, err)
	require.Equal(t, []string{"a/tracked.tf", "b/untracked.tf"}, changes.Paths(got))
}

func TestChangedUnknownRevision(t *testing.T) {
	r := gittest.New(t)
	_, err := changes.NewLister(&changes.Git{Dir: r.Dir}).Changed(t.Context(), changes.Range{Base: "no-such-branch", Head: "HEAD"})
	var rev *changes.RevisionError
	require.ErrorAs(t, err, &rev)
	require.Equal(t, "no-such-branch", rev.Rev)
	var shallow *changes.ShallowError
	require.False(t, errors.As(err, &shallow))
	require.Contains(t, err.Error(), "revision no-such-branch is not in the local git history")
}

func TestChangedShallowClone(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{"a.tf": "1\n"})
	base := r.Commit("one")
	r.Write(map[string]string{"a.tf": "2\n"})
	r.Commit("two")
	r.Write(map[string]string{"a.tf": "3\n"})
	r.Commit("three")

	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Run(t, t.TempDir(), "clone", "-q", "--depth", "1", "file://"+r.Dir, clone)

	_, err := changes.NewLister(&changes.Git{Dir: clone}).Changed(t.Context(), changes.Range{Base: base, Head: "HEAD"})
	var shallow *changes.ShallowError
	require.ErrorAs(t, err, &shallow)
	require.Contains(t, err.Error(), "too shallow")
	require.Contains(t, err.Error(), "fetch-depth: 0")
	require.Contains(t, err.Error(), "GIT_DEPTH: 0")

	// The base is there but the merge base is not: still too shallow.
	gittest.Run(t, clone, "fetch", "-q", "--depth", "1", "origin", base)
	_, err = changes.NewLister(&changes.Git{Dir: clone}).Changed(t.Context(), changes.Range{Base: base, Head: "HEAD"})
	require.ErrorAs(t, err, &shallow)

	// Deepening fixes it.
	gittest.Run(t, clone, "fetch", "-q", "--unshallow")
	got, err := changes.NewLister(&changes.Git{Dir: clone}).Changed(t.Context(), changes.Range{Base: base, Head: "HEAD"})
	require.NoError(t, err)
	require.Equal(t, []string{"a.tf"}, changes.Paths(got))
}

func TestGitErrorHoldsStderr(t *testing.T) {
	_, err := (&changes.Git{Dir: os.TempDir()}).Git(t.Context(), "rev-parse", "--show-toplevel")
	require.Error(t, err)
	require.Contains(t, err.Error(), "not a git repository")
}

func TestParseNameStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []changes.Change
		wantErr string
	}{
		{name: "empty", in: "", want: []changes.Change{}},
		{name: "modify and add", in: "M\x00a.tf\x00A\x00b/c.tf\x00", want: []changes.Change{{Status: 'M', Path: "a.tf"}, {Status: 'A', Path: "b/c.tf"}}},
		{name: "rename with score", in: "R087\x00old.tf\x00new.tf\x00", want: []changes.Change{{Status: 'R', OldPath: "old.tf", Path: "new.tf"}}},
		{name: "copy", in: "C100\x00a\x00b\x00", want: []changes.Change{{Status: 'C', OldPath: "a", Path: "b"}}},
		{name: "type change and delete", in: "T\x00link\x00D\x00gone\x00", want: []changes.Change{{Status: 'T', Path: "link"}, {Status: 'D', Path: "gone"}}},
		{name: "rename missing path", in: "R100\x00old\x00", wantErr: "R without two paths"},
		{name: "status without path", in: "M\x00", wantErr: "M without a path"},
		{name: "unknown status", in: "Z\x00a\x00", wantErr: `unknown status "Z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := changes.ParseNameStatus([]byte(tt.in))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func FuzzParseNameStatus(f *testing.F) {
	f.Add([]byte("M\x00a.tf\x00R100\x00x\x00y\x00"))
	f.Add([]byte("A\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := changes.ParseNameStatus(data)
		if err != nil {
			return
		}
		// What parses re-encodes to an equivalent listing.
		var enc []byte
		for _, c := range cs {
			enc = append(enc, byte(c.Status), 0)
			if c.Status == changes.Renamed || c.Status == changes.Copied {
				enc = append(enc, c.OldPath...)
				enc = append(enc, 0)
			}
			enc = append(enc, c.Path...)
			enc = append(enc, 0)
		}
		again, err := changes.ParseNameStatus(enc)
		if err != nil {
			t.Fatalf("re-encoded listing does not parse: %v", err)
		}
		if len(again) != len(cs) {
			t.Fatalf("re-encoded listing has %d changes, want %d", len(again), len(cs))
		}
		for i := range cs {
			if again[i] != cs[i] {
				t.Fatalf("change %d: %+v after re-encoding, want %+v", i, again[i], cs[i])
			}
		}
	})
}
