package helm

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// objectChange is one object that differs between two sets.
type objectChange struct {
	address string
	action  plan.Action
	// diff is the object's unified diff, with headers.
	diff string
	// reason explains the change, for hooks.
	reason string
	// secrets is what the fingerprint takes of the secrets in the object
	// besides the masked diff (see masking.digest).
	secrets string
}

// diffObjects compares the objects of two revisions of a release, old
// (the deployed one; none for a first install) and new (the rendering),
// object by object. A Secret's values are replaced by their sizes first
// (see maskSecretPair), and mk masks the inventory's secrets in every
// object before it is serialized; secrets returns the Secrets' values in
// clear for masking elsewhere. Changes come sorted by address.
func diffObjects(old, new []object, mk *masking) (changes []objectChange, secrets []string, err error) {
	type pair struct{ a, b *object }
	pairs := map[string]*pair{}
	var keys []string
	add := func(o *object, isNew bool) {
		p, ok := pairs[o.key]
		if !ok {
			p = &pair{}
			pairs[o.key] = p
			keys = append(keys, o.key)
		}
		if isNew {
			p.b = o
		} else {
			p.a = o
		}
	}
	for i := range old {
		add(&old[i], false)
	}
	for i := range new {
		add(&new[i], true)
	}
	for _, k := range keys {
		p := pairs[k]
		c, s, err := diffObject(p.a, p.b, mk)
		if err != nil {
			return nil, nil, err
		}
		secrets = append(secrets, s...)
		if c.diff != "" {
			changes = append(changes, c)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].address < changes[j].address })
	return changes, secrets, nil
}

// diffObject compares two revisions of one object; either may be nil.
func diffObject(a, b *object, mk *masking) (objectChange, []string, error) {
	if a != nil && b != nil && a.raw != "" && a.raw == b.raw {
		var secrets []string
		if isSecret(a) {
			_, _, secrets = maskSecretPair(a.body, nil)
		}
		return objectChange{address: a.address}, secrets, nil
	}
	var ba, bb map[string]any
	if a != nil {
		ba = a.body
	}
	if b != nil {
		bb = b.body
	}
	var secrets []string
	if isSecret(a) || isSecret(b) {
		ba, bb, secrets = maskSecretPair(ba, bb)
	}
	c := objectChange{action: plan.Update}
	if b != nil {
		var own []string
		if isSecret(b) {
			for _, v := range secretValues(b.body) {
				own = append(own, v)
			}
		}
		c.secrets = mk.digest(b.body, own)
	}
	ba, bb = mk.pair(ba, bb)
	ta, tb, err := texts(ba, bb)
	if err != nil {
		return objectChange{}, nil, err
	}
	from, to := "a/", "b/"
	switch {
	case a == nil:
		c.address, c.action, from = b.address, plan.Create, "/dev/null"
		to += c.address
	case b == nil:
		c.address, c.action, to = a.address, plan.Delete, "/dev/null"
		from += c.address
	default:
		c.address = b.address
		from += c.address
		to += c.address
	}
	c.diff = unified(from, to, ta, tb)
	c.reason = hookReason(a, b)
	return c, secrets, nil
}

// hookReason says that a change is to a Helm hook, which an upgrade runs
// rather than keeps: a hook removed from the chart is no longer run, but
// Helm does not delete an object it left behind.
func hookReason(a, b *object) string {
	switch {
	case b != nil && b.hook != "":
		return "Helm hook (" + b.hook + ")"
	case a != nil && a.hook != "":
		return "Helm hook (" + a.hook + "), no longer run; Helm does not delete it"
	}
	return ""
}

// texts renders both sides; a nil side is empty.
func texts(a, b map[string]any) (string, string, error) {
	var ta, tb string
	var err error
	if a != nil {
		if ta, err = yamlText(a); err != nil {
			return "", "", err
		}
	}
	if b != nil {
		if tb, err = yamlText(b); err != nil {
			return "", "", err
		}
	}
	return ta, tb, nil
}

// fillResult sets the counts, resources, diff text and fingerprint of res
// from changes. The diff text is masked afterwards by the caller.
func fillResult(res *plan.Result, changes []objectChange) {
	var text strings.Builder
	lines := make([]string, 0, len(changes))
	for _, c := range changes {
		switch c.action {
		case plan.Create:
			res.Counts.Add++
		case plan.Delete:
			res.Counts.Destroy++
		default:
			res.Counts.Change++
		}
		res.Resources = append(res.Resources, plan.ResourceChange{Address: c.address, Action: c.action, Reason: c.reason})
		text.WriteString(c.diff)
		// The diff is masked: a sum of it holds nothing of a secret.
		sum := sha256.Sum256([]byte(c.diff))
		line := fmt.Sprintf("%s %s %s", c.address, c.action, hex.EncodeToString(sum[:]))
		if c.secrets != "" {
			line += " secrets " + c.secrets
		}
		lines = append(lines, line)
	}
	res.HasChanges = len(changes) > 0
	res.Diff = text.String()
	res.Fingerprint = plan.Fingerprint(plan.Helm, lines)
}
