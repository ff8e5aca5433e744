package tfversion

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Version file names.
const (
	OpenTofuVersionFile  = ".opentofu-version"
	TerraformVersionFile = ".terraform-version"
	ToolVersionsFile     = ".tool-versions"
)

// asdf plugin names in .tool-versions.
const (
	asdfOpenTofu  = "opentofu"
	asdfTerraform = "terraform"
)

// System is the .tool-versions version that means "the binary on PATH".
const System = "system"

// ParseVersionFile returns the version or constraint a .opentofu-version or
// .terraform-version file holds: its first line that is neither blank nor a
// # comment, and that line's number. A file with no such line is an error.
func ParseVersionFile(data []byte) (value string, line int, err error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1024), maxFile)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if i := strings.Index(l, "#"); i >= 0 {
			l = strings.TrimSpace(l[:i])
		}
		return l, n, nil
	}
	if err := sc.Err(); err != nil {
		return "", 0, fmt.Errorf("cannot be read: %w", err)
	}
	return "", 0, fmt.Errorf("holds no version: write one such as 1.10.7")
}

// ToolVersion is one line of a .tool-versions file: a tool and the versions
// asdf would try, in order.
type ToolVersion struct {
	Tool     string
	Versions []string
	Line     int
}

// ParseToolVersions parses a .tool-versions file (asdf): one tool per line,
// its name then one or more versions separated by spaces; # starts a
// comment. A tool listed twice keeps its first line, as asdf does.
func ParseToolVersions(data []byte) ([]ToolVersion, error) {
	var out []ToolVersion
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1024), maxFile)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		fields := strings.Fields(l)
		if len(fields) == 0 || seen[fields[0]] {
			continue
		}
		seen[fields[0]] = true
		out = append(out, ToolVersion{Tool: fields[0], Versions: fields[1:], Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	return out, nil
}

// asdfName is the product's asdf plugin name.
func asdfName(p Product) string {
	if p == OpenTofu {
		return asdfOpenTofu
	}
	return asdfTerraform
}
