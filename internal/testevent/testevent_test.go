package testevent

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tierdeploy/tierdeploy/internal/event"
)

func TestNew(t *testing.T) {
	tests := map[string]struct {
		opts  []Option
		check func(t *testing.T, e event.Event)
	}{
		"default push": {nil, func(t *testing.T, e event.Event) {
			assert.Equal(t, event.KindPush, e.Kind)
			assert.Equal(t, BaseSHA, e.BaseSHA)
		}},
		"pull request": {[]Option{WithPR(12)}, func(t *testing.T, e event.Event) {
			assert.True(t, e.IsChange())
			assert.Equal(t, 12, e.Number)
			assert.Equal(t, "main", e.BaseRef)
		}},
		"gitlab fork merge request": {[]Option{WithPR(3), WithPlatform(event.GitLab), WithFork()}, func(t *testing.T, e event.Event) {
			assert.Equal(t, event.GitLab, e.Platform)
			assert.Equal(t, "merge_request_event", e.Name)
			assert.True(t, e.Fork)
		}},
		"new branch": {[]Option{WithPush("dev", "0000000000000000000000000000000000000000", HeadSHA)}, func(t *testing.T, e event.Event) {
			assert.True(t, e.NewBranch)
			assert.Empty(t, e.BaseSHA)
		}},
		"schedule": {[]Option{WithSchedule()}, func(t *testing.T, e event.Event) {
			assert.Equal(t, event.KindSchedule, e.Kind)
			assert.Empty(t, e.BaseSHA)
		}},
		"local": {[]Option{WithPlatform(event.Local)}, func(t *testing.T, e event.Event) {
			assert.Equal(t, event.Event{Platform: event.Local, Kind: event.KindManual, Name: "local"}, e)
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { tt.check(t, New(tt.opts...)) })
	}
}
