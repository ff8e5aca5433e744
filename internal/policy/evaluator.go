package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
)

// DefaultTimeout bounds the evaluation of every policy on one stage.
const DefaultTimeout = time.Minute

// Bounds on what a rule reports.
const (
	// MaxMessages is the number of messages kept per rule; one more
	// finding says how many were left out.
	MaxMessages = 100
	// MaxMessage is the longest message kept, in bytes.
	MaxMessage = 2000
)

// Options say which policies to load.
type Options struct {
	// Root is the absolute repository root.
	Root string
	// Dirs are the policy directories, slash paths relative to Root, with
	// the {environment} placeholder already replaced.
	Dirs []string
	// Timeout bounds Check; zero means DefaultTimeout.
	Timeout time.Duration
}

// Evaluator checks stages against compiled policies. It is safe for
// concurrent use.
type Evaluator struct {
	sets    []preparedSet
	timeout time.Duration
	// batch evaluates, in one query, every rule that is always defined (a
	// partial set or object, as deny contains msg if ... is): rules that
	// share helpers compute them once. batched lists its rules in the
	// order of its variables.
	batch   *rego.PreparedEvalQuery
	batched []ruleRef
}

// ruleRef is one rule of one policy set.
type ruleRef struct{ set, rule int }

type preparedSet struct {
	policySet
	// queries has one query per rule, for the rules outside the batch and
	// to tell which rule failed when the batch does.
	queries []rego.PreparedEvalQuery
}

// Load reads, parses and compiles the policies of opts.Dirs and prepares
// the queries of their deny, warn and violation rules. A policy that does
// not parse or compile, a path that leaves the repository and a directory
// without policies are an *Error (errors.Is ErrInvalid).
func Load(ctx context.Context, opts Options) (*Evaluator, error) {
	f, err := load(opts.Root, opts.Dirs, false)
	if err != nil {
		return nil, err
	}
	c := newCompiler()
	if err := compile(c, f.modules); err != nil {
		return nil, err
	}
	store := inmem.NewFromObjectWithOpts(f.data, inmem.OptRoundTripOnWrite(false))
	e := &Evaluator{timeout: opts.Timeout}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	prepare := func(body ast.Body) (rego.PreparedEvalQuery, error) {
		return rego.New(rego.ParsedQuery(body), rego.Compiler(c), rego.Store(store),
			rego.UnsafeBuiltins(unsafeBuiltins)).PrepareForEval(ctx)
	}
	var batch ast.Body
	for i, ps := range policySets(f.modules) {
		p := preparedSet{policySet: ps}
		for j, rule := range ps.rules {
			ref := ps.path.Append(ast.StringTerm(rule))
			q, err := prepare(ast.NewBody(ast.NewExpr(ast.NewTerm(ref))))
			if err != nil {
				return nil, fmt.Errorf("prepare %s.%s: %w", ps.name, rule, err)
			}
			p.queries = append(p.queries, q)
			if alwaysDefined(c, ref) {
				v := ast.VarTerm(fmt.Sprintf("r%d", len(e.batched)))
				batch = append(batch, ast.Equality.Expr(v, ast.NewTerm(ref)))
				e.batched = append(e.batched, ruleRef{i, j})
			}
		}
		e.sets = append(e.sets, p)
	}
	if len(batch) > 0 {
		for i, expr := range batch {
			expr.Index = i
		}
		q, err := prepare(batch)
		if err != nil {
			return nil, fmt.Errorf("prepare the policies: %w", err)
		}
		e.batch = &q
	}
	return e, nil
}

// alwaysDefined reports whether every rule of ref is a partial set or
// object: those are defined (maybe empty) whatever the input.
func alwaysDefined(c *ast.Compiler, ref ast.Ref) bool {
	rules := c.GetRulesExact(ref)
	for _, r := range rules {
		if k := r.Head.DocKind(); k != ast.PartialSetDoc && k != ast.PartialObjectDoc {
			return false
		}
	}
	return len(rules) > 0
}

// Packages returns the names of the policy sets, sorted: "terraform.s3".
func (e *Evaluator) Packages() []string {
	out := make([]string, len(e.sets))
	for i, s := range e.sets {
		out[i] = s.name
	}
	return out
}

// Check evaluates every policy set on the stage's input and returns one
// check.Check per set: Fail when a deny or violation rule produced a
// message, Warn when only warn rules did, Pass otherwise. A rule whose
// evaluation fails (a conflict, a built-in error the rule does not handle)
// is a Fail finding saying so. Check returns an error only when ctx ends or
// the evaluation takes longer than the timeout.
func (e *Evaluator) Check(ctx context.Context, in checkinput.Input) (check.Result, error) {
	if len(e.sets) == 0 {
		return check.Result{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	start := time.Now()
	value, err := ast.InterfaceToValue(in.Document())
	if err != nil {
		return check.Result{}, fmt.Errorf("policy input of %s: %w", in.Name, err)
	}
	found := make([][][]check.Finding, len(e.sets))
	done := make([][]bool, len(e.sets))
	for i, s := range e.sets {
		found[i] = make([][]check.Finding, len(s.rules))
		done[i] = make([]bool, len(s.rules))
	}
	stopped := func() error {
		switch {
		case ctx.Err() == nil:
			return nil
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return fmt.Errorf("policies on %s: evaluation took longer than %s", in.Name, e.timeout)
		}
		return ctx.Err()
	}
	if e.batch != nil {
		rs, err := e.batch.Eval(ctx, rego.EvalParsedInput(value))
		if err := stopped(); err != nil {
			return check.Result{}, err
		}
		if err == nil && len(rs) == 1 {
			for k, r := range e.batched {
				v := rs[0].Bindings[fmt.Sprintf("r%d", k)]
				found[r.set][r.rule] = findings(e.sets[r.set].rules[r.rule], v)
				done[r.set][r.rule] = true
			}
		}
		// On an error, each rule runs alone below, to say which failed.
	}
	var res check.Result
	for i, s := range e.sets {
		c := check.Check{Kind: check.Policy, Name: s.name, StageKind: in.Kind, Stage: in.Name}
		for j, q := range s.queries {
			if !done[i][j] {
				rs, err := q.Eval(ctx, rego.EvalParsedInput(value))
				if err := stopped(); err != nil {
					return check.Result{}, err
				}
				if err != nil {
					found[i][j] = []check.Finding{{Status: check.Fail, Rule: s.rules[j],
						Message: "evaluation failed: " + truncate(err.Error())}}
				} else if len(rs) > 0 && len(rs[0].Expressions) > 0 {
					found[i][j] = findings(s.rules[j], rs[0].Expressions[0].Value)
				}
			}
			c.Findings = append(c.Findings, found[i][j]...)
		}
		for _, f := range c.Findings {
			c.Status = max(c.Status, f.Status)
		}
		check.SortFindings(c.Findings)
		res.Checks = append(res.Checks, c)
	}
	// The rules share one evaluation: each set is given an equal share.
	share := time.Since(start) / time.Duration(len(res.Checks))
	for i := range res.Checks {
		res.Checks[i].Duration = share
	}
	return res, nil
}

// findings interprets a rule's value: a set or array of messages (strings,
// or objects with a msg), one string, true (a message naming the rule), or
// an object of messages; nil (undefined) is none.
func findings(rule string, value any) []check.Finding {
	status := check.Fail
	if isWarn(rule) {
		status = check.Warn
	}
	msgs := messages(rule, value)
	out := make([]check.Finding, 0, min(len(msgs), MaxMessages+1))
	for i, m := range msgs {
		if i == MaxMessages {
			out = append(out, check.Finding{Status: status, Rule: rule,
				Message: fmt.Sprintf("and %d more messages", len(msgs)-MaxMessages)})
			break
		}
		out = append(out, check.Finding{Status: status, Rule: rule, Message: truncate(m)})
	}
	return out
}

func messages(rule string, v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		if x {
			return []string{rule + " matched"}
		}
		return nil
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, message(e))
		}
		return out
	case map[string]any:
		if _, ok := x["msg"]; ok {
			return []string{message(x)}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := make([]string, 0, len(keys))
		for _, k := range keys {
			out = append(out, message(x[k]))
		}
		return out
	}
	return []string{message(v)}
}

// message returns a string, the msg of an object, or the JSON of anything
// else.
func message(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["msg"].(string); ok {
			return s
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func truncate(s string) string {
	if len(s) <= MaxMessage {
		return s
	}
	cut := MaxMessage
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
