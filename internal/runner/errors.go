package runner

import "fmt"

// MissingFileError means the runner did not provide the file a command
// writes to, such as GITHUB_OUTPUT outside a GitHub Actions step.
type MissingFileError struct {
	// Var is the environment variable or option that names the file.
	Var string
}

func (e *MissingFileError) Error() string {
	return fmt.Sprintf("%s is not set: this runs only inside a CI job of that platform (use --platform local elsewhere)", e.Var)
}

// OutputError means an output name or value cannot be written.
type OutputError struct {
	Name   string
	Reason string
}

func (e *OutputError) Error() string {
	return fmt.Sprintf("set output %q: %s", e.Name, e.Reason)
}

// DotenvTooLargeError means the dotenv outputs file would exceed GitLab's
// size limit for artifacts:reports:dotenv.
type DotenvTooLargeError struct {
	Size  int
	Limit int
}

func (e *DotenvTooLargeError) Error() string {
	return fmt.Sprintf("the dotenv outputs would take %d bytes, over GitLab's limit of %d: shorten the largest output", e.Size, e.Limit)
}
