package app

import "context"

// stageSession is session for the commands that run the repository's
// Terraform or charts (plan, apply, drift, inventory diff --outputs): it
// refuses, as bad input (exit 3), an event that would run a fork's change
// where the job holds secrets (event.ForkError), before anything runs.
func (a *invocation) stageSession(ctx context.Context) (*session, error) {
	s, err := a.session(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.ev.CheckFork(); err != nil {
		return nil, err
	}
	return s, nil
}
