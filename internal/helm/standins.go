package helm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/valueschema"
)

// prepared is a copy of the release's chart with its dependencies
// processed (disabled subcharts removed, imported values merged) and its
// values coalesced with the chart's defaults, as Helm does before it
// validates and renders.
type prepared struct {
	chart  *chart.Chart
	values map[string]any
}

// prepare loads a fresh copy of the chart and processes it with a copy of
// vals; Helm's actions change the chart and values they are given, so the
// copies are the stage's own.
func (s *Stage) prepare(ctx context.Context, vals map[string]any) (*prepared, error) {
	ch, err := s.loadChart(ctx)
	if err != nil {
		return nil, err
	}
	v := deepCopy(vals).(map[string]any)
	if err := chartutil.ProcessDependencies(ch, v); err != nil {
		return nil, &ChartError{Chart: s.chartSource(), Err: fmt.Errorf("process dependencies: %w", err)}
	}
	co, err := util.CoalesceValues(ch, v)
	if err != nil {
		return nil, &ChartError{Chart: s.chartSource(), Err: fmt.Errorf("coalesce values: %w", err)}
	}
	return &prepared{chart: ch, values: co.AsMap()}, nil
}

// scopedSchema is the values schema of a chart or subchart, and where its
// values sit in the top chart's values.
type scopedSchema struct {
	prefix []string
	schema *valueschema.Schema
}

// schemas compiles the values schemas of the chart and of its enabled
// subcharts, each under the key its values sit at, as Helm validates them.
func schemas(ch *chart.Chart, prefix []string) ([]scopedSchema, error) {
	var out []scopedSchema
	if len(ch.Schema) > 0 {
		sch, err := valueschema.Compile(ch.Schema)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", ch.Name(), err)
		}
		out = append(out, scopedSchema{prefix: prefix, schema: sch})
	}
	for _, dep := range ch.Dependencies() {
		sub, err := schemas(dep, append(slices.Clone(prefix), dep.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// violations validates the values against every schema; each violation's
// path is from the top of the values.
func violations(ss []scopedSchema, values map[string]any) []valueschema.Violation {
	var out []valueschema.Violation
	for _, sc := range ss {
		sub, ok := lookupPath(values, sc.prefix)
		m, isMap := sub.(map[string]any)
		if !ok || !isMap {
			continue
		}
		for _, v := range sc.schema.Validate(m) {
			v.Path = append(slices.Clone(sc.prefix), v.Path...)
			out = append(out, v)
		}
	}
	return out
}

// owner returns the schema whose values hold path: the deepest prefix.
func owner(ss []scopedSchema, path []string) (scopedSchema, bool) {
	best, found := scopedSchema{}, false
	for _, sc := range ss {
		if len(sc.prefix) <= len(path) && slices.Equal(sc.prefix, path[:len(sc.prefix)]) &&
			(!found || len(sc.prefix) > len(best.prefix)) {
			best, found = sc, true
		}
	}
	return best, found
}

// standIns replaces, in vals, each value known only after apply by a
// stand-in that satisfies the chart's schema where one does, so that the
// rest of the values stay checked. It returns what was not checked and
// why, and skipSchema: true when some value has no stand-in the schema
// accepts, so that this render must skip schema validation. A value of
// the values files, inventory or set that breaks the schema is an error,
// as it would be without stand-ins.
func (s *Stage) standIns(ctx context.Context, in inputs) (unchecked []plan.Unchecked, skipSchema bool, err error) {
	why := func(p placeholder, reason string) plan.Unchecked {
		return plan.Unchecked{Name: p.path, Reason: "known only after apply (inventory key " + p.key + "); " + reason}
	}
	if s.deployOpts.SkipSchemaValidation {
		for _, p := range s.placeholders {
			unchecked = append(unchecked, why(p, "planned as "+UnknownPlaceholder+"; skip_schema_validation is set, so no value is checked against the chart's schema"))
		}
		return unchecked, false, nil
	}
	pr, err := s.prepare(ctx, in.vals)
	if err != nil {
		return nil, false, err
	}
	ss, err := schemas(pr.chart, nil)
	if err != nil {
		for _, p := range s.placeholders {
			unchecked = append(unchecked, why(p, fmt.Sprintf("planned as %s without schema validation: %v", UnknownPlaceholder, err)))
		}
		return unchecked, true, nil
	}
	if len(ss) == 0 {
		for _, p := range s.placeholders {
			unchecked = append(unchecked, why(p, "planned as "+UnknownPlaceholder+"; the chart has no values schema"))
		}
		return unchecked, false, nil
	}
	paths := make([][]string, len(s.placeholders))
	chosen := make([]any, len(s.placeholders))
	ok := make([]bool, len(s.placeholders))
	for i, p := range s.placeholders {
		paths[i] = splitPath(p.path)
		chosen[i] = UnknownPlaceholder
		sc, found := owner(ss, paths[i])
		if !found {
			ok[i] = true
			continue
		}
		for _, c := range append([]any{UnknownPlaceholder}, sc.schema.Candidates(paths[i][len(sc.prefix):])...) {
			if err := setPath(pr.values, paths[i], c); err != nil {
				return nil, false, fmt.Errorf("helm release %s: inventory_values %s: %w", s.rel.Release, p.path, err)
			}
			if !anyUnder(violations(ss, pr.values), paths[i]) {
				chosen[i], ok[i] = c, true
				break
			}
		}
		if !ok[i] {
			_ = setPath(pr.values, paths[i], UnknownPlaceholder)
		}
	}
	remaining := violations(ss, pr.values)
	var others []string
	for _, v := range remaining {
		if !slices.ContainsFunc(paths, v.Under) {
			others = append(others, v.String())
		}
	}
	if len(others) > 0 {
		return nil, false, &ChartError{Chart: s.chartSource(), Err: &SchemaError{Violations: others}}
	}
	for i, p := range s.placeholders {
		if err := setPath(in.vals, paths[i], chosen[i]); err != nil {
			return nil, false, fmt.Errorf("helm release %s: inventory_values %s: %w", s.rel.Release, p.path, err)
		}
		var msgs []string
		for _, v := range remaining {
			if v.Under(paths[i]) {
				msgs = append(msgs, v.Message)
			}
		}
		switch {
		case !ok[i]:
			skipSchema = true
			unchecked = append(unchecked, why(p, fmt.Sprintf("planned as %s; no stand-in satisfies the chart's schema there (%s), "+
				"so this plan renders without schema validation; apply checks the real value", UnknownPlaceholder, strings.Join(msgs, "; "))))
		case chosen[i] == UnknownPlaceholder:
			unchecked = append(unchecked, why(p, "planned as "+UnknownPlaceholder+", which the chart's schema accepts; apply checks the real value"))
		default:
			unchecked = append(unchecked, why(p, fmt.Sprintf("planned with the stand-in %s, which satisfies the chart's schema; apply checks the real value", display(chosen[i]))))
		}
	}
	return unchecked, skipSchema, nil
}

func anyUnder(vs []valueschema.Violation, path []string) bool {
	return slices.ContainsFunc(vs, func(v valueschema.Violation) bool { return v.Under(path) })
}

// display shows a stand-in: strings quoted, others as written.
func display(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// lookupPath returns the value at path in vals.
func lookupPath(vals map[string]any, path []string) (any, bool) {
	var cur any = vals
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// deepCopy copies maps and lists of decoded values.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, x := range t {
			l[i] = deepCopy(x)
		}
		return l
	}
	return v
}
