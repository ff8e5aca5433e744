package event

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envOf returns a getenv over m.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		flag string
		env  map[string]string
		want Platform
	}{
		{"auto on GitHub", "auto", map[string]string{"GITHUB_ACTIONS": "true"}, GitHub},
		{"empty flag means auto", "", map[string]string{"GITLAB_CI": "true"}, GitLab},
		{"auto elsewhere", "auto", map[string]string{"CI": "true"}, Local},
		{"GITHUB_ACTIONS must be true", "auto", map[string]string{"GITHUB_ACTIONS": "1"}, Local},
		{"GitHub wins over GitLab", "auto", map[string]string{"GITHUB_ACTIONS": "true", "GITLAB_CI": "true"}, GitHub},
		{"explicit github", "github", nil, GitHub},
		{"explicit gitlab, case-insensitive", "GitLab", map[string]string{"GITHUB_ACTIONS": "true"}, GitLab},
		{"explicit local in CI", "local", map[string]string{"GITHUB_ACTIONS": "true"}, Local},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(tt.flag, envOf(tt.env))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDetectUnknown(t *testing.T) {
	_, err := Detect("jenkins", envOf(nil))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInput)
	var perr *PlatformError
	require.ErrorAs(t, err, &perr)
	assert.Equal(t, "jenkins", perr.Value)
	assert.Contains(t, err.Error(), "auto, github, gitlab or local")
}

func TestFromEnvLocal(t *testing.T) {
	e, err := FromEnv(t.Context(), Local, envOf(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, Event{Platform: Local, Kind: KindManual, Name: "local"}, e)
	assert.Equal(t, "local manual", e.String())
}

func TestFromEnvUnknownPlatform(t *testing.T) {
	_, err := FromEnv(t.Context(), Platform("svn"), envOf(nil), nil)
	assert.ErrorIs(t, err, ErrInput)
}

func TestSHAHelpers(t *testing.T) {
	zero := "0000000000000000000000000000000000000000"
	assert.True(t, isZeroSHA(zero))
	assert.False(t, validSHA(zero))
	assert.True(t, validSHA("ec26c3e57ca3a959ca5aad62de7213c562f8c821"))
	assert.False(t, validSHA("EC26C3E57CA3A959CA5AAD62DE7213C562F8C821"), "uppercase is not what platforms send")
	assert.False(t, validSHA("--output=/etc/passwd-00000000000000000000"))
	assert.Equal(t, "main", shortRef("refs/heads/main"))
	assert.Equal(t, "v1", shortRef("refs/tags/v1"))
	assert.Equal(t, "refs/pull/2/merge", shortRef("refs/pull/2/merge"))
}

func TestErrorsMatchErrInput(t *testing.T) {
	for _, err := range []error{
		&PlatformError{Value: "x"},
		&EnvError{Var: "X", Reason: "y"},
		&PayloadError{Event: "push", Path: "p", Err: errors.New("boom")},
		&UnsupportedEventError{Platform: GitHub, Name: "release", Supported: githubEvents},
	} {
		t.Run(err.Error(), func(t *testing.T) {
			assert.ErrorIs(t, err, ErrInput)
		})
	}
}
