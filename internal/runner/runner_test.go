package runner

// runner is the method set every platform's runner shares; the caller
// declares the same (or a smaller) interface.
type runner interface {
	Group(title string) error
	EndGroup() error
	SetOutput(name, value string) error
	AppendSummary(markdown string) (bool, error)
	AddMask(secret string) error
	Annotate(a Annotation) error
}

var (
	_ runner = (*GitHub)(nil)
	_ runner = (*GitLab)(nil)
	_ runner = (*Local)(nil)
)
