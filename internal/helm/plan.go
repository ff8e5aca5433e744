package helm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// Notes that say how a diff was made.
const (
	NoteServer = "rendered with a server-side dry run and compared with the deployed release"
	NoteClient = "rendered client-side: the cluster was not reachable, so the deployed release is unknown " +
		"and every object shows as added"
	NoteFirstInstall = "first install: every object is added"
	NoteNewCluster   = "rendered client-side: the infrastructure plan creates or replaces the cluster, " +
		"whose address is known only after apply, so every object shows as added"
)

// Plan renders the release as an upgrade would and compares it, object by
// object, with the deployed release: the objects of its manifest and its
// hooks other than tests (an upgrade runs them; a changed hook has the
// Reason "Helm hook (events)").
//
// The Result holds: HasChanges, true when any object is added, changed or
// removed (an empty Diff means no change); Counts (Add, Change, Destroy
// count objects); Resources, the changed objects by address
// kind/namespace/name with the action create, update or delete; Diff, one
// unified diff per changed object with a/ and b/ headers (/dev/null for an
// added or removed one), sorted by address, with Secret values replaced by
// their sizes and values from sensitive inventory keys masked; Notes, how
// it was rendered; Secrets, the values to mask elsewhere; Fingerprint.
//
// When the cluster does not answer, Plan renders client-side, says so in
// Notes and shows every object as added. A failure returns a Result with
// Err set and the same error: a *PendingReleaseError, a *ChartError, a
// *MissingInventoryKeyError or another error.
func (s *Stage) Plan(ctx context.Context) (plan.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	res := s.newResult()
	s.log.InfoContext(ctx, "helm diff started", "namespace", s.ns, "chart", s.chartSource())
	err := s.plan(ctx, &res)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = fmt.Errorf("helm diff %s: %w", s.rel.Release, err)
		s.log.ErrorContext(ctx, "helm diff failed", "duration", res.Duration.Round(time.Millisecond), "error", err)
		return res, res.Err
	}
	s.log.InfoContext(ctx, "helm diff done", "duration", res.Duration.Round(time.Millisecond), "changes", res.HasChanges,
		"add", res.Counts.Add, "change", res.Counts.Change, "destroy", res.Counts.Destroy)
	return res, nil
}

func (s *Stage) plan(ctx context.Context, res *plan.Result) error {
	s.manifest = ""
	c, err := s.cluster(ctx)
	if err != nil {
		return err
	}
	switch {
	case c.newCluster:
		s.log.InfoContext(ctx, "cluster known only after apply: rendering client-side")
	case c.unreachable != nil:
		s.log.WarnContext(ctx, "cluster unreachable: rendering client-side", "error", c.unreachable)
	}
	in, err := s.inputs(ctx)
	if err != nil {
		return err
	}
	res.Secrets = append(res.Secrets, in.sensitive...)
	res.Notes = append(res.Notes, maskAll(in.sensitive, s.setNotes())...)
	skipSchema := false
	if len(s.placeholders) > 0 {
		if res.Unchecked, skipSchema, err = s.standIns(ctx, in); err != nil {
			return err
		}
		res.Notes = append(res.Notes, s.placeholderNote(skipSchema))
	}
	r, err := s.render(ctx, c, in, skipSchema)
	if err != nil {
		return err
	}
	if err := s.compare(res, c, r, in.sensitive); err != nil {
		return err
	}
	notes, err := s.jobNotes(c, r)
	res.Notes = append(res.Notes, notes...)
	return err
}

// placeholderNote says that values known only after apply were planned
// with stand-ins, and whether the schema was checked.
func (s *Stage) placeholderNote(skipSchema bool) string {
	paths := make([]string, len(s.placeholders))
	for i, p := range s.placeholders {
		paths[i] = p.path
	}
	note := "planned with stand-ins for " + strings.Join(paths, ", ") +
		": the infrastructure plan knows these inventory values only after apply"
	if skipSchema {
		note += "; rendered without schema validation, since no stand-in satisfies the chart's schema for all of them"
	}
	return note
}

// compare fills res with the diff between the rendering and the release
// it replaces. A first install also shows the CRDs of the chart's crds/,
// which Helm creates before the other objects.
func (s *Stage) compare(res *plan.Result, c *cluster, r *rendering, sensitive []string) error {
	switch {
	case !r.server && c.newCluster:
		res.Notes = append(res.Notes, NoteNewCluster)
	case !r.server:
		res.Notes = append(res.Notes, NoteClient)
	case r.install:
		res.Notes = append(res.Notes, NoteServer, NoteFirstInstall)
	default:
		res.Notes = append(res.Notes, NoteServer)
	}
	res.Notes = append(res.Notes, crdNotes(r.crds, r.install, s.deployOpts.SkipCRDs, r.pending, r.left)...)
	manifest, hooks := r.previous()
	if !r.install {
		// The deployed revision may hold a secret the inventory no longer has.
		prev := s.releaseSecrets(r.hist.current)
		sensitive = append(slices.Clone(sensitive), prev...)
		res.Secrets = append(res.Secrets, prev...)
	}
	parser := newObjectParser(s.ns, scopeWith(r.crds.kinds, c.scope))
	old, err := parser.manifestObjects(manifest, hooks, true)
	if err != nil {
		return fmt.Errorf("deployed revision %d: %w", r.hist.current.Version, err)
	}
	cur, err := parser.manifestObjects(r.rel.Manifest, r.rel.Hooks, true)
	if err != nil {
		return fmt.Errorf("rendered manifest: %w", err)
	}
	crdAddr := map[string]bool{}
	if r.install {
		for _, o := range r.crds.objects {
			crdAddr[o.address] = true
		}
		cur = append(cur, r.crds.objects...)
	}
	changes, secrets, err := diffObjects(old, cur, newMasking(sensitive, s.digest))
	if err != nil {
		return err
	}
	for i := range changes {
		if crdAddr[changes[i].address] {
			changes[i].reason = crdReason
		}
	}
	res.Secrets = append(res.Secrets, secrets...)
	fillResult(res, changes)
	res.Diff = maskWith(sensitive, res.Diff)
	s.manifest = renderedManifest(r.rel)
	return nil
}

// maskAll masks the values from sensitive inventory keys in each text.
func maskAll(sensitive []string, texts []string) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = maskWith(sensitive, t)
	}
	return out
}

// maskWith masks the values from sensitive inventory keys in text.
func maskWith(sensitive []string, text string) string {
	if len(sensitive) == 0 {
		return text
	}
	return redact.New(sensitive...).String(text)
}
