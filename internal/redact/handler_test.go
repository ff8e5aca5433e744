package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestHandlerMasksMessagesAndValues(t *testing.T) {
	var out bytes.Buffer
	m := New("hunter22", "4821")
	log := slog.New(NewHandler(slog.NewTextHandler(&out, nil), m)).With("preset", "x hunter22 y")
	log.Info("login with hunter22",
		"password", "hunter22",
		"pin", 4821,
		"err", errors.New("auth failed for hunter22"),
		"took", time.Second,
		slog.Group("g", "inner", "hunter22", "ok", true),
	)
	got := out.String()
	assert.NotContains(t, got, "hunter22")
	assert.NotContains(t, got, "4821")
	assert.Contains(t, got, `msg="login with ***"`)
	assert.Contains(t, got, `preset="x *** y"`)
	assert.Contains(t, got, "pin=***")
	assert.Contains(t, got, "took=1s")
	assert.Contains(t, got, "g.ok=true")
}

func TestNewHandlerWithoutSecretsIsTheHandler(t *testing.T) {
	h := slog.NewTextHandler(&bytes.Buffer{}, nil)
	assert.Same(t, h, NewHandler(h, New()))
	assert.Same(t, h, NewHandler(h, nil))
}
