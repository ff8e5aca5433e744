package runner

// Level is the severity of an annotation.
type Level string

// Levels, named as GitHub's workflow commands name them.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNotice  Level = "notice"
)

// Annotation is a message about a place in a file, such as a configuration
// error at tierdeploy.yaml line 12.
type Annotation struct {
	// Level defaults to LevelError.
	Level Level
	File  string
	// Line and Col are 1-based; 0 means unknown.
	Line    int
	Col     int
	Title   string
	Message string
}

func (a Annotation) level() Level {
	if a.Level == "" {
		return LevelError
	}
	return a.Level
}
