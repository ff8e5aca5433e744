package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/termtext"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// GitRunner runs git in a repository (changes.Git in production).
type GitRunner interface {
	Git(ctx context.Context, args ...string) ([]byte, error)
}

// selectOptions are the flags shared by the commands that select stacks.
type selectOptions struct {
	base, head  string
	all         bool
	tiers, envs listFlag
}

func (o *selectOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.base, "base", "", "compare with this `revision` (default: from the CI event; locally origin/HEAD or the default branch)")
	fs.StringVar(&o.head, "head", "", "the `revision` of the change (default: from the CI event; locally the working tree)")
	fs.BoolVar(&o.all, "all", false, "select every stack, whatever changed")
	fs.Var(&o.tiers, "tier", "only this `tier` (repeatable)")
	fs.Var(&o.envs, "environment", "only this `environment` (repeatable)")
}

// detection is the outcome of change detection.
type detection struct {
	Selection tier.Selection
	Base      string // the base revision compared with, "" with --all
	Head      string // the head revision, "" for the working tree
	Paths     []string
}

// detect selects the affected stacks of cfg.
func (a *invocation) detect(ctx context.Context, cfg *config.Config, o *selectOptions) (detection, error) {
	in := tier.Input{Config: cfg, All: o.all, Tiers: o.tiers, Environments: o.envs}
	var d detection
	if !o.all {
		git := a.deps.Git(cfg.Root)
		base, head, err := a.resolveRange(ctx, git, o)
		if err != nil {
			return d, err
		}
		d.Base, d.Head = base, head
		a.log.Info("detecting changes", "base", base, "head", orWorkingTree(head))
		cs, all, err := a.changed(ctx, git, base, head)
		if err != nil {
			return d, err
		}
		if all {
			in.All = true
		} else {
			prefix, err := repoPrefix(ctx, git, cfg.Root)
			if err != nil {
				return d, err
			}
			d.Paths = relativeTo(changes.Paths(cs), prefix)
			in.Paths = d.Paths
		}
	}
	finder, err := dependencyFinder(cfg.Root)
	if err != nil {
		return d, err
	}
	sel, err := tier.Select(in, finder)
	if err != nil {
		return d, err
	}
	d.Selection = sel
	return d, nil
}

func orWorkingTree(head string) string {
	if head == "" {
		return "working tree"
	}
	return head
}

// resolveRange returns the base and head to compare: the flags, else the
// CI event's (head defaults to HEAD there, so files the job creates do not
// count), else the local default: origin/HEAD or the default branch, against
// the working tree.
func (a *invocation) resolveRange(ctx context.Context, git GitRunner, o *selectOptions) (string, string, error) {
	ci := a.sess != nil && a.sess.ci()
	head := o.head
	if head == "" && ci {
		head = "HEAD"
	}
	if o.base != "" {
		return o.base, head, nil
	}
	if ci {
		if base, evHead, ok := a.sess.defaultRange(); ok {
			if o.head == "" && evHead != "" {
				head = evHead
			}
			return base, head, nil
		}
	}
	for _, cand := range []string{"origin/HEAD", "origin/main", "origin/master", "main", "master"} {
		if _, err := git.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", cand+"^{commit}"); err == nil {
			return cand, head, nil
		}
	}
	return "", "", usagef("cannot tell what to compare with: there is no origin/HEAD, main or master branch; pass --base REV (or --all)")
}

// changed lists the changes from the local history; in CI, when the clone
// is too shallow, from the platform's API. all is set when only part of the
// list could be had, so every stack must be selected to be safe.
func (a *invocation) changed(ctx context.Context, git GitRunner, base, head string) (cs []changes.Change, all bool, err error) {
	cs, err = changes.NewLister(git).Changed(ctx, changes.Range{Base: base, Head: head})
	var shallow *changes.ShallowError
	var rev *changes.RevisionError
	if err == nil || a.sess == nil || !a.sess.ci() || !(errors.As(err, &shallow) || errors.As(err, &rev)) {
		return cs, false, err
	}
	a.log.Warn("the git history does not hold the change; asking the platform for the changed files", "reason", err)
	apiCs, apiErr := a.sess.apiChanges(ctx, base, head)
	var incomplete *scm.IncompleteError
	switch {
	case apiErr == nil:
		return apiCs, false, nil
	case errors.As(apiErr, &incomplete):
		a.log.Warn("the platform listed only part of the changed files; selecting every stack", "reason", apiErr)
		return nil, true, nil
	}
	return nil, false, fmt.Errorf("%w (the platform's API could not list the changed files either: %v)", err, apiErr)
}

// repoPrefix returns the configuration root relative to the git top level
// ("" when they are the same).
func repoPrefix(ctx context.Context, git GitRunner, root string) (string, error) {
	out, err := git.Git(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("find the git repository of %s: %w", root, err)
	}
	top := strings.TrimSpace(string(out))
	// Compare resolved paths: the checkout may sit behind a symlink.
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	r := root
	if rr, err := filepath.EvalSymlinks(root); err == nil {
		r = rr
	}
	rel, err := filepath.Rel(top, r)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("configuration root %s is outside the git repository %s", root, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}

// relativeTo keeps the paths under prefix, without it.
func relativeTo(paths []string, prefix string) []string {
	if prefix == "" {
		return paths
	}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			out = append(out, rest)
		}
	}
	return out
}

func runDetect(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("detect", flag.ContinueOnError)
	var o selectOptions
	o.register(fs)
	format := fs.String("format", "text", "output `format`: text or json")
	if err := a.parse(fs, "detect [--base REV] [--head REV] [--all] [--tier T]... [--environment E]... [--format text|json]"); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format must be text or json, not %q", *format)
	}
	sess, err := a.session(ctx)
	if err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	d, err := a.detect(ctx, cfg, &o)
	if err != nil {
		return err
	}
	if err := setSelectionOutputs(sess.runner, d.Selection); err != nil {
		return err
	}
	if *format == "json" {
		return writeDetectJSON(a.deps.Stdout, d.Selection)
	}
	writeDetectText(a.deps.Stdout, d)
	return nil
}

// setSelectionOutputs sets the stacks and matrix outputs (compact JSON).
func setSelectionOutputs(r CIRunner, sel tier.Selection) error {
	stacks := make([]string, 0, len(sel.Stacks))
	for _, s := range sel.Stacks {
		stacks = append(stacks, s.Key().String())
	}
	for name, v := range map[string]any{runner.OutputStacks: stacks, runner.OutputMatrix: sel.Matrix()} {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := r.SetOutput(name, string(b)); err != nil {
			return fmt.Errorf("set output %s: %w", name, err)
		}
	}
	return nil
}

func writeDetectJSON(w io.Writer, sel tier.Selection) error {
	out := struct {
		Stacks []tier.Stack `json:"stacks"`
		Matrix tier.Matrix  `json:"matrix"`
	}{Stacks: sel.Stacks, Matrix: sel.Matrix()}
	if out.Stacks == nil {
		out.Stacks = []tier.Stack{}
	}
	// Reasons quote changed file names: escaped for a terminal
	// (termtext.JSON), meaning the same.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(termtext.JSON(b.Bytes()))
	return err
}

// maxReasons is how many reasons per stack the text output shows.
const maxReasons = 10

// writeDetectText lists the stacks and why. Reasons quote changed file
// names, and the revisions may come from the event: each is one line safe
// for a terminal (termtext.Line), so that no file name can write escape
// sequences or start a line of its own.
func writeDetectText(w io.Writer, d detection) {
	n := len(d.Selection.Stacks)
	base, head := termtext.Line(d.Base), termtext.Line(orWorkingTree(d.Head))
	switch {
	case d.Base == "":
		fmt.Fprintf(w, "%d stack(s) selected:\n", n)
	case n == 0:
		fmt.Fprintf(w, "no stack affected (%d changed path(s) between %s and %s)\n", len(d.Paths), base, head)
		return
	default:
		fmt.Fprintf(w, "%d stack(s) affected (%d changed path(s) between %s and %s):\n", n, len(d.Paths), base, head)
	}
	for _, s := range d.Selection.Stacks {
		fmt.Fprintf(w, "  %s/%s\n", s.Tier, s.Environment)
		for i, r := range s.Reasons {
			if i == maxReasons {
				fmt.Fprintf(w, "      ... and %d more (--format json lists all)\n", len(s.Reasons)-maxReasons)
				break
			}
			fmt.Fprintf(w, "      %s\n", termtext.Line(r.String()))
		}
	}
}
