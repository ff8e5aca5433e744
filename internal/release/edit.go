package release

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// documents decodes every YAML document of src, as nodes and as plain
// values.
func documents(file string, src []byte) ([]*yaml.Node, []any, error) {
	var nodes []*yaml.Node
	var values []any
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, &FileError{File: file, Reason: fmt.Sprintf("not valid YAML: %v", err)}
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, nil, &FileError{File: file, Reason: fmt.Sprintf("not valid YAML: %v", err)}
		}
		nodes = append(nodes, &n)
		values = append(values, v)
	}
	if len(nodes) == 0 {
		return nil, nil, &FileError{File: file, Reason: "empty"}
	}
	return nodes, values, nil
}

// lookup follows the mapping keys of path from n (a document or a mapping)
// and returns the value node, or nil.
func lookup(n *yaml.Node, path ...string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// setValue sets path in a decoded document to value, in place.
func setValue(doc any, value any, path ...string) bool {
	for i, key := range path {
		m, ok := doc.(map[string]any)
		if !ok {
			return false
		}
		if i == len(path)-1 {
			if _, ok := m[key]; !ok {
				return false
			}
			m[key] = value
			return true
		}
		doc = m[key]
	}
	return false
}

// replaceScalar returns src with the text of the one-line scalar n replaced
// by raw, and every other byte as it was.
func replaceScalar(file string, src []byte, n *yaml.Node, raw string) ([]byte, error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	bad := &FileError{File: file, Reason: fmt.Sprintf("line %d: the value to replace is not a plain or simply quoted one-line scalar", n.Line)}
	if n.Kind != yaml.ScalarNode || n.Line < 1 || n.Line > len(lines) || n.Column < 1 {
		return nil, bad
	}
	line := lines[n.Line-1]
	start := n.Column - 1
	if start > len(line) || !isASCII(line[:start]) {
		return nil, bad
	}
	var old string
	switch n.Style {
	case 0:
		old = n.Value
	case yaml.DoubleQuotedStyle:
		old = `"` + n.Value + `"`
	case yaml.SingleQuotedStyle:
		old = "'" + n.Value + "'"
	default:
		return nil, bad
	}
	if !bytes.HasPrefix(line[start:], []byte(old)) {
		return nil, bad
	}
	rest := string(line[start+len(old):])
	if trimmed := strings.TrimRight(rest, "\r\n \t"); trimmed != "" && !strings.HasPrefix(strings.TrimLeft(trimmed, " \t"), "#") {
		return nil, bad
	}
	var out bytes.Buffer
	for i, l := range lines {
		if i == n.Line-1 {
			out.Write(line[:start])
			out.WriteString(raw)
			out.WriteString(rest)
			continue
		}
		out.Write(l)
	}
	return out.Bytes(), nil
}

// checkEdit decodes out and compares it with the documents of the original
// with path of document doc set to want: anything else that changed is an
// error.
func checkEdit(file string, orig []any, out []byte, doc int, want any, path ...string) error {
	_, got, err := documents(file, out)
	if err != nil {
		return fmt.Errorf("the edit broke %s: %w", file, err)
	}
	if !setValue(orig[doc], want, path...) || !reflect.DeepEqual(orig, got) {
		return fmt.Errorf("%s: the edit of %s changed more than that value", file, strings.Join(path, "."))
	}
	return nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
