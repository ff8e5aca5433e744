package scmtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// page returns the requested page of items and the page count.
func page[T any](r *http.Request, items []T, defPer, maxPer int) (cur, per, last int, out []T) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = defPer
	}
	per = min(per, maxPer)
	cur, err = strconv.Atoi(q.Get("page"))
	if err != nil || cur <= 0 {
		cur = 1
	}
	last = max((len(items)+per-1)/per, 1)
	lo := min((cur-1)*per, len(items))
	hi := min(lo+per, len(items))
	return cur, per, last, items[lo:hi]
}

func pageURL(r *http.Request, n int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(n))
	return fmt.Sprintf("http://%s%s?%s", r.Host, r.URL.EscapedPath(), q.Encode())
}

func links(r *http.Request, cur, last int) string {
	var ls []string
	if cur < last {
		ls = append(ls, fmt.Sprintf(`<%s>; rel="next"`, pageURL(r, cur+1)), fmt.Sprintf(`<%s>; rel="last"`, pageURL(r, last)))
	}
	if cur > 1 {
		ls = append(ls, fmt.Sprintf(`<%s>; rel="first"`, pageURL(r, 1)), fmt.Sprintf(`<%s>; rel="prev"`, pageURL(r, cur-1)))
	}
	return strings.Join(ls, ", ")
}

// GitHubPages serves items the way GitHub's REST API paginates lists:
// per_page (default 30, at most 100) and page query parameters, and a Link
// header with next, last, first and prev. items is read on every request,
// so a test may change what it points to.
func GitHubPages[T any](items *[]T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cur, _, last, out := page(r, *items, 30, 100)
		if l := links(r, cur, last); l != "" {
			w.Header().Set("Link", l)
		}
		if out == nil {
			out = []T{}
		}
		WriteJSON(w, http.StatusOK, out)
	}
}

// GitLabPages serves items the way GitLab's REST API paginates with offsets:
// per_page (default 20, at most 100) and page, the X-Page, X-Per-Page,
// X-Total, X-Total-Pages, X-Next-Page and X-Prev-Page headers (the next and
// previous empty at the ends) and a Link header.
func GitLabPages[T any](items *[]T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cur, per, last, out := page(r, *items, 20, 100)
		h := w.Header()
		h.Set("X-Page", strconv.Itoa(cur))
		h.Set("X-Per-Page", strconv.Itoa(per))
		h.Set("X-Total", strconv.Itoa(len(*items)))
		h.Set("X-Total-Pages", strconv.Itoa(last))
		h.Set("X-Next-Page", "")
		h.Set("X-Prev-Page", "")
		if cur < last {
			h.Set("X-Next-Page", strconv.Itoa(cur+1))
		}
		if cur > 1 {
			h.Set("X-Prev-Page", strconv.Itoa(cur-1))
		}
		if l := links(r, cur, last); l != "" {
			h.Set("Link", l)
		}
		if out == nil {
			out = []T{}
		}
		WriteJSON(w, http.StatusOK, out)
	}
}
