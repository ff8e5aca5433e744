package changes

import "fmt"

// RevisionError means a revision is not in the local repository.
type RevisionError struct {
	Rev string
	Err error
}

func (e *RevisionError) Error() string {
	return fmt.Sprintf("revision %s is not in the local git history (fetch it, or pass another --base)", e.Rev)
}

func (e *RevisionError) Unwrap() error { return e.Err }

// ShallowError means the clone's history is too shallow to compare.
type ShallowError struct {
	Rev string
	Err error
}

func (e *ShallowError) Error() string {
	return fmt.Sprintf("the git history is too shallow to compare with %s: fetch the full history "+
		"(GitHub: actions/checkout with fetch-depth: 0; GitLab: variables: GIT_DEPTH: 0; by hand: git fetch --unshallow) "+
		"or pass --all to select every stack: %v", e.Rev, e.Err)
}

func (e *ShallowError) Unwrap() error { return e.Err }
