package scmtest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestRegistryFailsOnUnexpectedAndUnused(t *testing.T) {
	rec := &recorder{TB: t}
	reg := New(rec)
	reg.Register(http.MethodGet, "/used", JSON(http.StatusOK, []int{1}))
	reg.Register(http.MethodGet, "/unused", JSON(http.StatusOK, nil))

	code, _, _ := get(t, reg.URL()+"/used")
	assert.Equal(t, http.StatusOK, code)
	code, _, _ = get(t, reg.URL()+"/used")
	assert.Equal(t, http.StatusNotImplemented, code, "a stub answers once unless Times says more")
	assert.Equal(t, map[string]int{"GET /used": 2}, reg.Counts())
	assert.Equal(t, 2, reg.Reads())
	assert.Equal(t, 0, reg.Writes())

	for _, f := range rec.cleanups {
		f()
	}
	require.Len(t, rec.errs, 2)
	assert.Contains(t, rec.errs[0], "unexpected request: GET /used")
	assert.Contains(t, rec.errs[1], "stub not used as registered: GET /unused (used 0 of 1)")
}

func TestGitHubPages(t *testing.T) {
	items := make([]int, 65)
	reg := New(t)
	reg.Register(http.MethodGet, "/items", GitHubPages(&items)).Times(2)
	_, h, body := get(t, reg.URL()+"/items")
	assert.Equal(t, 29, strings.Count(body, ","), "30 items by default")
	assert.Contains(t, h.Get("Link"), `page=2>; rel="next"`)
	assert.Contains(t, h.Get("Link"), `page=3>; rel="last"`)
	_, h, body = get(t, reg.URL()+"/items?per_page=100&page=1")
	assert.Empty(t, h.Get("Link"), "one page holds them all")
	assert.Equal(t, 64, strings.Count(body, ","))
}

func TestGitLabPages(t *testing.T) {
	items := make([]int, 45)
	reg := New(t)
	reg.Register(http.MethodGet, "/items", GitLabPages(&items)).Times(2)
	_, h, _ := get(t, reg.URL()+"/items")
	assert.Equal(t, "2", h.Get("X-Next-Page"))
	assert.Equal(t, "3", h.Get("X-Total-Pages"))
	assert.Equal(t, "45", h.Get("X-Total"))
	_, h, _ = get(t, reg.URL()+"/items?page=3")
	assert.Empty(t, h.Get("X-Next-Page"))
	assert.Equal(t, "2", h.Get("X-Prev-Page"))
}
