package report

import "fmt"

// BudgetError means a body does not fit its budget even with everything
// that can be cut cut: the budget is too small for the marker, the title and
// the notes.
type BudgetError struct {
	Budget int
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("render report: %d characters are too few for even the shortest report", e.Budget)
}
