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
	dirs    []string
}

type preparedSet struct {
	policySet
	queries []rego.PreparedEvalQuery
}

// Load reads, parses and compiles the policies of opts.Dirs and prepares a
// query for each deny, warn and violation rule. A policy that does not
// parse or compile, a path that leaves the repository and a directory
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
	e := &Evaluator{timeout: opts.Timeout, dirs: slices.Clone(opts.Dirs)}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	for _, ps := range policySets(f.modules) {
		p := preparedSet{policySet: ps}
		for _, rule := range ps.rules {
			ref := ps.path.Append(ast.StringTerm(rule))
			q, err := rego.New(
				rego.ParsedQuery(ast.NewBody(ast.NewExpr(ast.NewTerm(ref)))),
				rego.Compiler(c),
				rego.Store(store),
				rego.UnsafeBuiltins(unsafeBuiltins),
			).PrepareForEval(ctx)
			if err != nil {
				return nil, fmt.Errorf("prepare %s.%s: %w", ps.name, rule, err)
			}
			p.queries = append(p.queries, q)
		}
		e.sets = append(e.sets, p)
	}
	return e, nil
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
	value, err := ast.InterfaceToValue(in.Document())
	if err != nil {
		return check.Result{}, fmt.Errorf("policy input of %s: %w", in.Name, err)
	}
	var res check.Result
	for _, s := range e.sets {
		start := time.Now()
		c := check.Check{Kind: check.Policy, Name: s.name, StageKind: in.Kind, Stage: in.Name}
		for i, q := range s.queries {
			rs, err := q.Eval(ctx, rego.EvalParsedInput(value))
			if ctx.Err() != nil {
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					return check.Result{}, fmt.Errorf("policy %s on %s: evaluation took longer than %s", s.name, in.Name, e.timeout)
				}
				return check.Result{}, ctx.Err()
			}
			if err != nil {
				c.Findings = append(c.Findings, check.Finding{Status: check.Fail, Rule: s.rules[i],
					Message: "evaluation failed: " + truncate(err.Error())})
				continue
			}
			c.Findings = append(c.Findings, findings(s.rules[i], rs)...)
		}
		for _, f := range c.Findings {
			c.Status = max(c.Status, f.Status)
		}
		check.SortFindings(c.Findings)
		c.Duration = time.Since(start)
		res.Checks = append(res.Checks, c)
	}
	return res, nil
}

// findings interprets a rule's value: a set or array of messages (strings,
// or objects with a msg), one string, true (a message naming the rule), or
// an object of messages.
func findings(rule string, rs rego.ResultSet) []check.Finding {
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil // undefined: nothing matched
	}
	status := check.Fail
	if isWarn(rule) {
		status = check.Warn
	}
	msgs := messages(rule, rs[0].Expressions[0].Value)
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
