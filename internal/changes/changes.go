package changes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Status is the kind of change git reports for a path.
type Status byte

// Statuses as printed by git diff --name-status.
const (
	Added    Status = 'A'
	Modified Status = 'M'
	Deleted  Status = 'D'
	Renamed  Status = 'R'
	Copied   Status = 'C'
	TypeChg  Status = 'T'
)

// Change is one changed path. For a rename or copy OldPath holds the source.
type Change struct {
	Status  Status
	Path    string
	OldPath string
}

// Paths returns every path the changes touch, old paths of renames included,
// sorted and without duplicates.
func Paths(cs []Change) []string {
	seen := make(map[string]struct{}, len(cs))
	out := make([]string, 0, len(cs))
	add := func(p string) {
		if _, ok := seen[p]; ok || p == "" {
			return
		}
		seen[p] = struct{}{}
		out = append(out, p)
	}
	for _, c := range cs {
		add(c.Path)
		if c.Status == Renamed {
			add(c.OldPath)
		}
	}
	sort.Strings(out)
	return out
}

// Range is what to compare.
type Range struct {
	// Base is the revision the change starts from; the comparison starts at
	// the merge base of Base and Head (three-dot semantics).
	Base string
	// Head is the revision of the change; empty means the working tree, with
	// uncommitted and untracked files.
	Head string
}

// gitRunner runs git in the repository and returns its standard output.
type gitRunner interface {
	Git(ctx context.Context, args ...string) ([]byte, error)
}

// Lister lists changed paths through git.
type Lister struct {
	git gitRunner
}

// NewLister returns a Lister that runs git through r.
func NewLister(r gitRunner) *Lister { return &Lister{git: r} }

// Changed returns the changes between the merge base of r.Base and r.Head
// and r.Head (or the working tree).
func (l *Lister) Changed(ctx context.Context, r Range) ([]Change, error) {
	head := r.Head
	if head == "" {
		head = "HEAD"
	}
	for _, rev := range []string{r.Base, head} {
		if err := l.verify(ctx, rev); err != nil {
			return nil, err
		}
	}
	mb, err := l.git.Git(ctx, "merge-base", r.Base, head)
	if err != nil {
		return nil, l.shallowHint(ctx, fmt.Errorf("find the merge base of %s and %s: %w", r.Base, head, err), r.Base)
	}
	base := strings.TrimSpace(string(mb))
	args := []string{"diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-color", base}
	if r.Head != "" {
		args = append(args, r.Head)
	}
	out, err := l.git.Git(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("git diff %s %s: %w", short(base), r.Head, err)
	}
	cs, err := ParseNameStatus(out)
	if err != nil {
		return nil, err
	}
	if r.Head == "" {
		untracked, err := l.git.Git(ctx, "ls-files", "-z", "--others", "--exclude-standard")
		if err != nil {
			return nil, fmt.Errorf("list untracked files: %w", err)
		}
		for p := range bytes.SplitSeq(untracked, []byte{0}) {
			if len(p) > 0 {
				cs = append(cs, Change{Status: Added, Path: string(p)})
			}
		}
	}
	return cs, nil
}

func (l *Lister) verify(ctx context.Context, rev string) error {
	if _, err := l.git.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}"); err != nil {
		return l.shallowHint(ctx, &RevisionError{Rev: rev, Err: err}, rev)
	}
	return nil
}

// shallowHint wraps err in a *ShallowError when the clone is shallow.
func (l *Lister) shallowHint(ctx context.Context, err error, rev string) error {
	out, serr := l.git.Git(ctx, "rev-parse", "--is-shallow-repository")
	if serr == nil && strings.TrimSpace(string(out)) == "true" {
		return &ShallowError{Rev: rev, Err: err}
	}
	return err
}

// ParseNameStatus parses the output of git diff --name-status -z.
func ParseNameStatus(out []byte) ([]Change, error) {
	fields := bytes.Split(out, []byte{0})
	if n := len(fields); n > 0 && len(fields[n-1]) == 0 {
		fields = fields[:n-1]
	}
	cs := make([]Change, 0, len(fields)/2)
	for i := 0; i < len(fields); {
		st := fields[i]
		if len(st) == 0 {
			return nil, errors.New("parse git diff output: empty status")
		}
		c := Change{Status: Status(st[0])}
		switch c.Status {
		case Renamed, Copied:
			if i+2 >= len(fields) {
				return nil, fmt.Errorf("parse git diff output: %c without two paths", st[0])
			}
			c.OldPath, c.Path = string(fields[i+1]), string(fields[i+2])
			i += 3
		case Added, Modified, Deleted, TypeChg, 'U', 'X':
			if i+1 >= len(fields) {
				return nil, fmt.Errorf("parse git diff output: %c without a path", st[0])
			}
			c.Path = string(fields[i+1])
			i += 2
		default:
			return nil, fmt.Errorf("parse git diff output: unknown status %q", st)
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
