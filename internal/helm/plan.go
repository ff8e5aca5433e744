package helm

import (
	"context"
	"fmt"
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
	if len(s.placeholders) > 0 {
		res.Notes = append(res.Notes, "planned with "+UnknownPlaceholder+" for "+strings.Join(s.placeholders, ", ")+
			": the infrastructure plan knows these inventory values only after apply")
	}
	r, err := s.render(ctx, c, in)
	if err != nil {
		return err
	}
	return s.compare(res, c, r, in.sensitive)
}

// compare fills res with the diff between the rendering and the release
// it replaces.
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
	manifest, hooks := r.previous()
	parser := newObjectParser(s.ns, c.scope)
	old, err := parser.manifestObjects(manifest, hooks, true)
	if err != nil {
		return fmt.Errorf("deployed revision %d: %w", r.hist.current.Version, err)
	}
	cur, err := parser.manifestObjects(r.rel.Manifest, r.rel.Hooks, true)
	if err != nil {
		return fmt.Errorf("rendered manifest: %w", err)
	}
	changes, secrets, err := diffObjects(old, cur)
	if err != nil {
		return err
	}
	res.Secrets = append(res.Secrets, secrets...)
	fillResult(res, changes)
	res.Diff = maskWith(sensitive, res.Diff)
	return nil
}

// maskWith masks the values from sensitive inventory keys in text.
func maskWith(sensitive []string, text string) string {
	if len(sensitive) == 0 {
		return text
	}
	return redact.New(sensitive...).String(text)
}
