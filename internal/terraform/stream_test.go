package terraform

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockDetail is the detail of the diagnostic OpenTofu 1.10 reports when
// the state is locked by another run.
const lockDetail = "Error message: resource temporarily unavailable\nLock Info:\n" +
	"  ID:        9b5546a7-850f-ebc2-461c-53714ed1b7e3\n  Path:      terraform.tfstate\n" +
	"  Operation: OperationTypeApply\n  Who:       runner@ci\n  Version:   1.10.10\n" +
	"  Created:   2026-11-25 12:10:47.627964179 +0000 UTC\n  Info:      \n\n\n" +
	"OpenTofu acquires a state lock to protect the state from being written\nby multiple users at the same time."

func diagnosticJSON(summary, detail, file string, line int) string {
	rng := ""
	if file != "" {
		rng = fmt.Sprintf(`,"range":{"filename":%q,"start":{"line":%d,"column":1,"byte":0},"end":{"line":%d,"column":2,"byte":1}}`, file, line, line)
	}
	return fmt.Sprintf(`{"@level":"error","@message":"Error: %s","@module":"tofu.ui","@timestamp":"2026-11-25T12:10:50.828991Z",`+
		`"diagnostic":{"severity":"error","summary":%q,"detail":%q%s},"type":"diagnostic"}`, summary, summary, detail, rng)
}

func TestOutputJSONUI(t *testing.T) {
	logs := &syncBuffer{}
	o := newOutput(t.Context(), slog.New(slog.NewTextHandler(logs, nil)))
	w := &lineWriter{fn: o.jsonUI}
	lines := []string{
		`{"@level":"info","@message":"OpenTofu 1.10.10","@module":"tofu.ui","@timestamp":"2026-11-25T12:10:24.363421Z","tofu":"1.10.10","type":"version","ui":"1.2"}`,
		`{"@level":"info","@message":"terraform_data.a: Plan to create","@module":"tofu.ui","@timestamp":"2026-11-25T12:10:25.723102Z","change":{"resource":{"addr":"terraform_data.a"},"action":"create"},"type":"planned_change"}`,
		`{"@level":"warn","@message":"Warning: Value for undeclared variable","@module":"tofu.ui","@timestamp":"2026-11-25T12:10:25.723102Z","diagnostic":{"severity":"warning","summary":"Value for undeclared variable","detail":"ignored"},"type":"diagnostic"}`,
		diagnosticJSON("Reference to undeclared resource", "A managed resource \"x\" \"y\" has not been declared\nin the root module.", "main.tf", 3),
		"not json at all",
	}
	// Written in pieces that split lines, as a pipe does.
	all := strings.Join(lines, "\n")
	for len(all) > 0 {
		n := min(len(all), 37)
		_, err := w.Write([]byte(all[:n]))
		require.NoError(t, err)
		all = all[n:]
	}
	require.NoError(t, w.Close())

	log := logs.String()
	assert.Contains(t, log, `level=INFO msg="terraform_data.a: Plan to create"`)
	assert.Contains(t, log, `level=WARN msg="Warning: Value for undeclared variable" detail=ignored`)
	assert.Contains(t, log, `level=ERROR msg="Error: Reference to undeclared resource" at=main.tf:3`)
	assert.Contains(t, log, `msg="not json at all"`)

	err := o.failure("plan", 1, 0)
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{`main.tf:3: Reference to undeclared resource: A managed resource "x" "y" has not been declared in the root module.`}, ce.Diagnostics)
	assert.Equal(t, `exit status 1: main.tf:3: Reference to undeclared resource: A managed resource "x" "y" has not been declared in the root module.`, err.Error())
}

func TestOutputLockError(t *testing.T) {
	o := newOutput(t.Context(), slog.New(slog.DiscardHandler))
	o.jsonUI(diagnosticJSON(lockSummary, lockDetail, "", 0))
	err := o.failure("apply", 1, 2*time.Minute)
	var le *LockError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, LockInfo{
		ID: "9b5546a7-850f-ebc2-461c-53714ed1b7e3", Path: "terraform.tfstate", Operation: "OperationTypeApply",
		Who: "runner@ci", Version: "1.10.10", Created: "2026-11-25 12:10:47.627964179 +0000 UTC",
	}, le.Info)
	assert.Equal(t, "the state is locked by runner@ci (OperationTypeApply, since 2026-11-25 12:10:47.627964179 +0000 UTC, "+
		"lock ID 9b5546a7-850f-ebc2-461c-53714ed1b7e3) and was not released within 2m0s: wait for that run to finish, "+
		"raise terraform.lock_timeout, or, if it is gone, run force-unlock 9b5546a7-850f-ebc2-461c-53714ed1b7e3", err.Error())
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "apply", ce.Command)
}

func TestParseLockInfo(t *testing.T) {
	tests := map[string]struct {
		detail string
		want   LockInfo
	}{
		"full":    {detail: lockDetail, want: LockInfo{ID: "9b5546a7-850f-ebc2-461c-53714ed1b7e3", Path: "terraform.tfstate", Operation: "OperationTypeApply", Who: "runner@ci", Version: "1.10.10", Created: "2026-11-25 12:10:47.627964179 +0000 UTC"}},
		"no info": {detail: "Error message: AccessDenied: not allowed"},
		"partial": {detail: "Lock Info:\n  ID: abc\n  Who: me@host\n", want: LockInfo{ID: "abc", Who: "me@host"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseLockInfo(tt.detail))
		})
	}
}

func TestLockErrorWithoutInfo(t *testing.T) {
	err := &LockError{Timeout: 0, Err: &CommandError{Command: "plan", ExitCode: 1}}
	assert.Equal(t, "the state is locked and was not released within 0s: wait for that run to finish, raise terraform.lock_timeout", err.Error())
}

func TestCommandErrorStderr(t *testing.T) {
	o := newOutput(t.Context(), slog.New(slog.DiscardHandler))
	w := &lineWriter{fn: o.errText}
	for i := range tailLines {
		fmt.Fprintf(w, "line %d\n", i)
	}
	fmt.Fprint(w, "╷\n│ Error: Failed to load plugin\n│ \n│ it is missing\n╵\n")
	err := o.failure("init", 1, 0)
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	lines := strings.Split(ce.Stderr, "\n")
	assert.Len(t, lines, tailLines)
	assert.Equal(t, "│ it is missing", lines[len(lines)-2])
	assert.Equal(t, "exit status 1: Error: Failed to load plugin; it is missing", err.Error())
	assert.Equal(t, ce.Stderr, ce.Output())
}
