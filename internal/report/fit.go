package report

import (
	"embed"
	"errors"
	"strings"
	"text/template"
	"unicode/utf8"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// templates holds the layouts. They need no functions: values are masked
// and escaped when the page is built (view.go), so the templates only
// arrange them.
var templates = template.Must(template.New("").ParseFS(templateFS, "templates/*.tmpl"))

// margin returns the part of a budget kept free, for platforms that count a
// little differently.
func margin(budget int) int { return min(budget/64, 1024) }

// errTooLong stops a layout as soon as it exceeds the budget.
var errTooLong = errors.New("report: over budget")

// sizedWriter collects a body and fails once it grows past limit (when
// limit > 0), so trying a layout that does not fit costs no more than the
// budget.
type sizedWriter struct {
	b     strings.Builder
	n     int
	limit int
	ms    measure
}

func (w *sizedWriter) Write(p []byte) (int, error) {
	if w.ms.bytes {
		w.n += len(p)
	} else {
		for i := 0; i < len(p); {
			r, size := utf8.DecodeRune(p[i:])
			w.n++
			if r > 0xFFFF {
				w.n++
			}
			i += size
		}
	}
	if w.limit > 0 && w.n > w.limit {
		return 0, errTooLong
	}
	return w.b.Write(p)
}

// fit renders the model in the frame lo within budget (0: unlimited),
// cutting what it must: plan and error texts first, then lists, stage
// sections, the Terraform versions of the footer, table rows and
// fingerprints. At each step it searches for the largest limit that fits,
// all earlier kinds of content being cut to nothing and later ones kept
// whole.
func (m *model) fit(lo layout, budget int, ms measure) (Rendered, error) {
	m.budget = budget
	limit := 0
	if budget > 0 {
		limit = budget - margin(budget)
	}
	try := func(lim limits) (Rendered, bool, error) {
		p, c := m.page(lo, lim)
		w := &sizedWriter{limit: limit, ms: ms}
		err := templates.ExecuteTemplate(w, "report", p)
		switch {
		case errors.Is(err, errTooLong):
			return Rendered{}, false, nil
		case err != nil:
			return Rendered{}, false, err
		}
		return Rendered{Body: w.b.String(), Cut: c.items, Unmasked: m.unmasked}, true, nil
	}

	lim := unlimited
	r, ok, err := try(lim)
	if ok || err != nil {
		return r, err
	}
	steps := []struct {
		limit *int
		most  int
	}{
		{&lim.text, m.maxText},
		{&lim.list, m.maxList},
		{&lim.sections, len(m.stages)},
		{&lim.tools, len(m.stacks)},
		{&lim.rows, len(m.stacks)},
		{&lim.prints, len(m.stacks)},
	}
	for _, s := range steps {
		*s.limit = 0
		r, ok, err = try(lim)
		if err != nil {
			return Rendered{}, err
		}
		if !ok {
			continue
		}
		// 0 fits and most (everything) does not: find the largest that fits.
		lo, hi := 0, s.most
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			*s.limit = mid
			rm, okm, err := try(lim)
			if err != nil {
				return Rendered{}, err
			}
			if okm {
				lo, r = mid, rm
			} else {
				hi = mid
			}
		}
		*s.limit = lo
		return r, nil
	}
	return Rendered{}, &BudgetError{Budget: budget}
}
