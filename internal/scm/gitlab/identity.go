package gitlab

import (
	"context"
	"sync"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// identity finds, once, the account the token acts as (GET /user, which
// answers for personal, project and group access tokens: the latter two
// act as the token's bot user), so that only its notes and issues count
// as tierdeploy's (see scm.Identity).
type identity struct {
	users usersAPI

	mu  sync.Mutex
	id  scm.Identity
	set bool
}

// get returns the identity, asking the API on first use; a failure is not
// remembered, so a later call asks again.
func (i *identity) get(ctx context.Context) (scm.Identity, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.set {
		return i.id, nil
	}
	u, _, err := i.users.CurrentUser(gl.WithContext(ctx))
	if err != nil {
		return scm.Identity{}, apiError("find the account the token acts as (GET /user)", needReporter, err, "")
	}
	i.id, i.set = scm.Identity{ID: u.ID, Login: u.Username}, true
	return i.id, nil
}

// noteAuthor and issueAuthor return who wrote a note or opened an issue.
func noteAuthor(a gl.NoteAuthor) scm.Author { return scm.Author{ID: a.ID, Login: a.Username} }

func issueAuthor(a *gl.IssueAuthor) scm.Author {
	if a == nil {
		return scm.Author{}
	}
	return scm.Author{ID: a.ID, Login: a.Username}
}
