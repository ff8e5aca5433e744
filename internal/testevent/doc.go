// Package testevent builds event.Event values for tests:
// testevent.New(testevent.WithPR(12)) is a GitHub pull request, with every
// field a consumer reads set to a plausible value.
package testevent
