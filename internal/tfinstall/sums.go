package tfinstall

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// ParseSums parses a SHA256SUMS file: lines of a hex SHA-256, spaces (and
// "*" for binary mode) and a file name. Every non-blank line must be of that
// form, and a name listed twice must have one checksum.
func ParseSums(data []byte) (map[string][32]byte, error) {
	out := map[string][32]byte{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		name = strings.TrimPrefix(strings.TrimLeft(name, " "), "*")
		var digest [32]byte
		if !ok || len(sum) != 64 || name == "" || strings.ContainsAny(name, "/\\ \t") {
			return nil, fmt.Errorf("line %d is not \"<sha256>  <file>\"", n)
		}
		if _, err := hex.Decode(digest[:], []byte(sum)); err != nil {
			return nil, fmt.Errorf("line %d is not \"<sha256>  <file>\"", n)
		}
		if prev, dup := out[name]; dup && prev != digest {
			return nil, fmt.Errorf("line %d lists %s a second time with another checksum", n, name)
		}
		out[name] = digest
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	return out, nil
}
