package helm

import (
	"fmt"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// Order groups the releases of one tier into steps: every release of a
// step may be deployed at the same time, once every earlier step is done.
//
// When no release has needs, the configuration order is the deploy order:
// one release per step. When any release has needs, the needs alone decide:
// a release goes in the step after the last of the releases it needs, so
// releases that need nothing form the first step; within a step the
// configuration order is kept. A need that names no release of the list, or
// releases that need each other, is an error (config validation reports
// them first, with positions).
func Order(releases []config.Release) ([][]config.Release, error) {
	index := make(map[string]int, len(releases))
	anyNeeds := false
	for i, r := range releases {
		index[r.Release] = i
		anyNeeds = anyNeeds || len(r.Needs) > 0
	}
	if !anyNeeds {
		steps := make([][]config.Release, len(releases))
		for i, r := range releases {
			steps[i] = []config.Release{r}
		}
		return steps, nil
	}
	for _, r := range releases {
		for _, n := range r.Needs {
			if _, ok := index[n]; !ok {
				return nil, fmt.Errorf("helm release %s needs %s, which is not a release of the tier", r.Release, n)
			}
		}
	}
	// depth[i] is the step of release i; -1 while it is being placed.
	const unplaced, placing = -2, -1
	depth := make([]int, len(releases))
	for i := range depth {
		depth[i] = unplaced
	}
	var path []string
	var place func(i int) (int, error)
	place = func(i int) (int, error) {
		switch depth[i] {
		case placing:
			return 0, fmt.Errorf("helm releases need each other in a cycle: %s -> %s",
				strings.Join(path, " -> "), releases[i].Release)
		case unplaced:
		default:
			return depth[i], nil
		}
		depth[i] = placing
		path = append(path, releases[i].Release)
		d := 0
		for _, n := range releases[i].Needs {
			nd, err := place(index[n])
			if err != nil {
				return 0, err
			}
			d = max(d, nd+1)
		}
		path = path[:len(path)-1]
		depth[i] = d
		return d, nil
	}
	most := 0
	for i := range releases {
		d, err := place(i)
		if err != nil {
			return nil, err
		}
		most = max(most, d)
	}
	steps := make([][]config.Release, most+1)
	for i, r := range releases {
		steps[depth[i]] = append(steps[depth[i]], r)
	}
	return steps, nil
}
