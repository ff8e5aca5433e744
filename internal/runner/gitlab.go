package runner

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DotenvLimit is GitLab's default size limit of an artifacts:reports:dotenv
// file, in bytes.
const DotenvLimit = 5 * 1024

// DefaultOutputPrefix starts the dotenv variable names of the outputs
// (TIERDEPLOY_HAS_CHANGES).
const DefaultOutputPrefix = "TIERDEPLOY_"

// OutputPrefixVar names the environment variable that replaces
// DefaultOutputPrefix, so that two jobs whose dotenv reports reach the same
// later job (two includes of the component, one per environment) write
// different names. The component sets it from its output-prefix input.
const OutputPrefixVar = "TIERDEPLOY_OUTPUT_PREFIX"

// maxOutputPrefix bounds the prefix, well within GitLab's variable names.
const maxOutputPrefix = 64

// GitLabOptions configures a GitLab runner.
type GitLabOptions struct {
	// Stdout is the job log; nil means os.Stdout.
	Stdout io.Writer
	// Now stamps sections; nil means time.Now.
	Now func() time.Time
	// Getenv reads OutputPrefixVar when DotenvPrefix is empty; nil means
	// os.Getenv.
	Getenv func(string) string

	// Collapsed makes sections start collapsed.
	Collapsed bool
	// DotenvPath is the file SetOutput writes, for artifacts:reports:dotenv.
	DotenvPath string
	// DotenvPrefix goes before every output's variable name; empty means
	// the value of OutputPrefixVar, else DefaultOutputPrefix.
	DotenvPrefix string
	// DotenvLimit is the most bytes the dotenv file may hold; 0 means
	// DotenvLimit.
	DotenvLimit int
	// TerraformDir is where WriteTerraformReport writes, for
	// artifacts:reports:terraform.
	TerraformDir string
}

// GitLab speaks GitLab CI's job log conventions (collapsible sections) and
// writes the files that artifacts:reports read.
type GitLab struct {
	o GitLabOptions
	// prefixErr says why the prefix from OutputPrefixVar cannot be used;
	// SetOutput returns it.
	prefixErr error
	open      []string
	n         int
	keys      []string
	values    map[string]string
}

// NewGitLab returns a GitLab runner.
func NewGitLab(o GitLabOptions) *GitLab {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	var prefixErr error
	if o.DotenvPrefix == "" {
		o.DotenvPrefix = DefaultOutputPrefix
		if p := o.Getenv(OutputPrefixVar); p != "" {
			if validOutputPrefix(p) {
				o.DotenvPrefix = p
			} else {
				prefixErr = fmt.Errorf("%s=%q cannot start dotenv variable names: use letters, digits and '_' (at most %d), not starting with a digit, such as TIERDEPLOY_PROD_", OutputPrefixVar, p, maxOutputPrefix)
			}
		}
	}
	if o.DotenvLimit <= 0 {
		o.DotenvLimit = DotenvLimit
	}
	return &GitLab{o: o, prefixErr: prefixErr, values: map[string]string{}}
}

// Group starts a collapsible section of the job log titled title, up to
// EndGroup. Sections nest.
func (g *GitLab) Group(title string) error {
	g.n++
	name := fmt.Sprintf("tierdeploy_%d_%s", g.n, slug(title, 40))
	opts := ""
	if g.o.Collapsed {
		opts = "[collapsed=true]"
	}
	header := strings.NewReplacer("\r", " ", "\n", " ", "\x1b", "").Replace(title)
	if _, err := fmt.Fprintf(g.o.Stdout, "\x1b[0Ksection_start:%d:%s%s\r\x1b[0K%s\n", g.o.Now().Unix(), name, opts, header); err != nil {
		return fmt.Errorf("start log section: %w", err)
	}
	g.open = append(g.open, name)
	return nil
}

// EndGroup ends the innermost open section; with none open it does nothing.
func (g *GitLab) EndGroup() error {
	if len(g.open) == 0 {
		return nil
	}
	name := g.open[len(g.open)-1]
	g.open = g.open[:len(g.open)-1]
	if _, err := fmt.Fprintf(g.o.Stdout, "\x1b[0Ksection_end:%d:%s\r\x1b[0K\n", g.o.Now().Unix(), name); err != nil {
		return fmt.Errorf("end log section: %w", err)
	}
	return nil
}

// AddMask does nothing: GitLab masks only the CI/CD variables declared as
// masked, and values learned at run time are redacted before they reach the
// log.
func (g *GitLab) AddMask(string) error { return nil }

// Annotate prints the annotation as a "file:line:col: level: message" log
// line; GitLab has no annotation command.
func (g *GitLab) Annotate(a Annotation) error {
	if _, err := io.WriteString(g.o.Stdout, plainAnnotation(a)); err != nil {
		return fmt.Errorf("write annotation: %w", err)
	}
	return nil
}

// AppendSummary prints markdown to the job log, which is where GitLab keeps
// what GitHub puts in the job summary. It is never cut.
func (g *GitLab) AppendSummary(markdown string) (bool, error) {
	if !strings.HasSuffix(markdown, "\n") {
		markdown += "\n"
	}
	if _, err := io.WriteString(g.o.Stdout, markdown); err != nil {
		return false, fmt.Errorf("write the report to the job log: %w", err)
	}
	return false, nil
}

// SetOutput sets the dotenv variable for output name (prefixed, upper case,
// '-' as '_': has-changes becomes TIERDEPLOY_HAS_CHANGES, or
// TIERDEPLOY_PROD_HAS_CHANGES with the prefix TIERDEPLOY_PROD_) and rewrites the
// dotenv file. GitLab reads single-line values only, so encode structured
// values as compact JSON.
func (g *GitLab) SetOutput(name, value string) error {
	if g.o.DotenvPath == "" {
		return &MissingFileError{Var: "the dotenv path"}
	}
	if g.prefixErr != nil {
		return &OutputError{Name: name, Reason: g.prefixErr.Error()}
	}
	key := g.DotenvKey(name)
	if !validDotenvKey(key) {
		return &OutputError{Name: name, Reason: "dotenv names hold only letters, digits and '_'"}
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return &OutputError{Name: name, Reason: "dotenv values must be one line; encode structured values as compact JSON"}
	}
	if _, ok := g.values[key]; !ok {
		g.keys = append(g.keys, key)
	}
	old, had := g.values[key]
	g.values[key] = value
	var b strings.Builder
	for _, k := range g.keys {
		b.WriteString(k + "=" + g.values[k] + "\n")
	}
	if b.Len() > g.o.DotenvLimit {
		if had {
			g.values[key] = old
		} else {
			delete(g.values, key)
			g.keys = g.keys[:len(g.keys)-1]
		}
		return &DotenvTooLargeError{Size: b.Len(), Limit: g.o.DotenvLimit}
	}
	if err := os.MkdirAll(filepath.Dir(g.o.DotenvPath), 0o755); err != nil {
		return fmt.Errorf("write dotenv outputs: %w", err)
	}
	if err := os.WriteFile(g.o.DotenvPath, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write dotenv outputs: %w", err)
	}
	return nil
}

// DotenvKey returns the dotenv variable name SetOutput uses for output name.
func (g *GitLab) DotenvKey(name string) string {
	return g.o.DotenvPrefix + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(name))
}

// validOutputPrefix reports whether p can start a dotenv variable name.
func validOutputPrefix(p string) bool {
	return len(p) <= maxOutputPrefix && validDotenvKey(p)
}

func validDotenvKey(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for i := range len(k) {
		c := k[i]
		if !(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}

// slug keeps letters, digits, '.', '-' and '_' of s (others become '_'),
// lower-cased and at most n bytes long.
func slug(s string, n int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if b.Len() >= n {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

func plainAnnotation(a Annotation) string {
	var b strings.Builder
	if a.File != "" {
		b.WriteString(a.File)
		if a.Line > 0 {
			fmt.Fprintf(&b, ":%d", a.Line)
			if a.Col > 0 {
				fmt.Fprintf(&b, ":%d", a.Col)
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(string(a.level()) + ": ")
	if a.Title != "" {
		b.WriteString(a.Title + ": ")
	}
	b.WriteString(a.Message + "\n")
	return b.String()
}
