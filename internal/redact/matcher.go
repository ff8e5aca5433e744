package redact

import "sort"

// matcher finds every occurrence of a set of byte patterns in one pass over
// the text (Aho-Corasick). The root's transitions are a full table, so the
// common case, a byte that starts no pattern, costs one lookup; deeper
// states keep their few edges sorted.
type matcher struct {
	root  [256]int32
	nodes []node
}

type node struct {
	edges []edge
	fail  int32
	// out is the length of the longest pattern that ends at this state,
	// found directly or through the failure links; 0 when none does.
	out int32
}

type edge struct {
	b  byte
	to int32
}

// span is a half-open byte range [start, end) of the text.
type span struct{ start, end int }

func newMatcher(patterns []string) *matcher {
	m := &matcher{nodes: make([]node, 1, 1+totalLen(patterns))}
	for _, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			t := m.child(s, p[i])
			if t < 0 {
				t = int32(len(m.nodes))
				m.nodes = append(m.nodes, node{})
				m.addEdge(s, p[i], t)
			}
			s = t
		}
		m.nodes[s].out = int32(len(p))
	}
	m.link()
	return m
}

func totalLen(ps []string) int {
	n := 0
	for _, p := range ps {
		n += len(p)
	}
	return n
}

// link sets the failure links breadth first, and with them each state's
// longest match.
func (m *matcher) link() {
	queue := make([]int32, 0, len(m.nodes))
	for _, e := range m.nodes[0].edges {
		m.root[e.b] = e.to
		queue = append(queue, e.to)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range m.nodes[s].edges {
			f := m.nodes[s].fail
			m.nodes[e.to].fail = m.step(f, e.b)
			if m.nodes[e.to].out == 0 {
				m.nodes[e.to].out = m.nodes[m.nodes[e.to].fail].out
			}
			queue = append(queue, e.to)
		}
	}
}

func (m *matcher) child(s int32, b byte) int32 {
	es := m.nodes[s].edges
	if len(es) <= 8 {
		for _, e := range es {
			if e.b == b {
				return e.to
			}
		}
		return -1
	}
	i := sort.Search(len(es), func(i int) bool { return es[i].b >= b })
	if i < len(es) && es[i].b == b {
		return es[i].to
	}
	return -1
}

func (m *matcher) addEdge(s int32, b byte, t int32) {
	es := m.nodes[s].edges
	i := sort.Search(len(es), func(i int) bool { return es[i].b >= b })
	es = append(es, edge{})
	copy(es[i+1:], es[i:])
	es[i] = edge{b, t}
	m.nodes[s].edges = es
}

// step returns the state after reading b in state s.
func (m *matcher) step(s int32, b byte) int32 {
	for s != 0 {
		if t := m.child(s, b); t >= 0 {
			return t
		}
		s = m.nodes[s].fail
	}
	return m.root[b]
}

// spans returns the ranges of text covered by matches, in order. Matches
// that overlap are merged into one range, so that masking each range hides
// every byte of every match; matches that only touch stay apart.
func (m *matcher) spans(text string) []span {
	var out []span
	s := int32(0)
	for i := 0; i < len(text); i++ {
		if s == 0 {
			s = m.root[text[i]]
			if s == 0 {
				continue
			}
		} else {
			s = m.step(s, text[i])
		}
		n := int(m.nodes[s].out)
		if n == 0 {
			continue
		}
		sp := span{i + 1 - n, i + 1}
		// Ends only grow, but a longer match may start before earlier ones.
		for len(out) > 0 && out[len(out)-1].end > sp.start {
			sp.start = min(sp.start, out[len(out)-1].start)
			out = out[:len(out)-1]
		}
		out = append(out, sp)
	}
	return out
}
