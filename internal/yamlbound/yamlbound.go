package yamlbound

import (
	"bytes"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"
)

// Limits are what decoding a document may cost.
type Limits struct {
	// MaxBytes is the largest document, in bytes; 0 means no limit.
	MaxBytes int64
	// MaxAliasNodes is the most nodes that aliases may add, when expanded,
	// to the nodes the document writes out.
	MaxAliasNodes int64
}

// Check refuses data when it has more than lim.MaxBytes bytes, or when the
// aliases of one of its documents expand to more than lim.MaxAliasNodes
// nodes beyond the ones written out. The error is a *TooLargeError or an
// *AliasError, both matching ErrBound. Data that is not valid YAML passes:
// the caller's decoder reports that in its own words. The work is linear in
// the size of data.
func Check(data []byte, lim Limits) error {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return &TooLargeError{Size: int64(len(data)), Limit: lim.MaxBytes}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // not YAML: left to the caller's decoder
		}
		if err := CheckNode(&doc, lim.MaxAliasNodes); err != nil {
			return err
		}
	}
}

// CheckNode refuses a parsed document whose aliases expand to more than
// maxAliasNodes nodes beyond the nodes n writes out, or that holds an alias
// inside the node the alias names. Each node is measured once, however many
// aliases use it, so the cost is linear in the size of n.
func CheckNode(n *yaml.Node, maxAliasNodes int64) error {
	m := measurer{sizes: map[*yaml.Node]int64{}, open: map[*yaml.Node]bool{}, extra: maxAliasNodes}
	m.limit = m.written(n, map[*yaml.Node]bool{}) + maxAliasNodes
	_, err := m.expanded(n)
	return err
}

type measurer struct {
	// sizes holds the expanded size of every node measured.
	sizes map[*yaml.Node]int64
	// open holds the nodes being measured, to find an alias inside the
	// node it names.
	open map[*yaml.Node]bool
	// limit is the most nodes the expanded document may have; extra is
	// the part of it aliases may add, for the error.
	limit, extra int64
}

// written counts the nodes written out in n, aliases as one node each.
func (m *measurer) written(n *yaml.Node, seen map[*yaml.Node]bool) int64 {
	if n == nil || seen[n] {
		return 0
	}
	seen[n] = true
	c := int64(1)
	for _, ch := range n.Content {
		c += m.written(ch, seen)
	}
	return c
}

// expanded returns the number of nodes n stands for once every alias is
// replaced by the node it names; it stops with an *AliasError at the alias
// where the total passes the limit.
func (m *measurer) expanded(n *yaml.Node) (int64, error) {
	if n == nil {
		return 0, nil
	}
	if s, ok := m.sizes[n]; ok {
		return s, nil
	}
	m.open[n] = true
	defer delete(m.open, n)
	total := int64(1)
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if m.open[n.Alias] {
			return 0, &AliasError{Line: n.Line, Column: n.Column, Anchor: n.Value, Recursive: true}
		}
		s, err := m.expanded(n.Alias)
		if err != nil {
			return 0, err
		}
		if total += s; total > m.limit {
			return 0, &AliasError{Line: n.Line, Column: n.Column, Anchor: n.Value, Limit: m.extra}
		}
	}
	for _, ch := range n.Content {
		s, err := m.expanded(ch)
		if err != nil {
			return 0, err
		}
		if total += s; total > m.limit {
			return 0, &AliasError{Line: ch.Line, Column: ch.Column, Anchor: aliasName(ch), Limit: m.extra}
		}
	}
	m.sizes[n] = total
	return total, nil
}

// aliasName returns the anchor an alias node names, or "" for other nodes
// (whose Value may be data, not a name).
func aliasName(n *yaml.Node) string {
	if n.Kind == yaml.AliasNode {
		return n.Value
	}
	return ""
}
