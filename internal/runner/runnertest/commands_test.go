package runnertest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCommands(t *testing.T) {
	log := "plain\n" +
		"  ::add-mask::one\r" + // blanks before, a lone \r ends the line
		"x ##[set-output name=a]b\r\n" + // the old form, anywhere
		"::notacommand::##[error]old form after an unknown new one\n" +
		"::stop-commands::TOK\n" +
		"::error::ignored\n" +
		"##[add-mask]ignored\n" +
		"::tok::\n" + // resumes, whatever the case
		"::ERROR file=a::after\n" +
		"::warning" // no second "::": not a command
	assert.Equal(t, []Command{
		{Name: "add-mask", Data: "one"},
		{Name: "set-output", Data: "b"},
		{Name: "error", Data: "old form after an unknown new one"},
		{Name: "stop-commands", Data: "TOK"},
		{Name: "tok", Resume: true},
		{Name: "error", Data: "after"},
	}, Commands(log))
	assert.Equal(t, []Command{{Name: "error", Data: "after"}},
		Foreign("::stop-commands::t\n::add-mask::x\n::t::\n::group::mine\n::error::after\n", func(c Command) bool { return c.Name == "group" }))
}
