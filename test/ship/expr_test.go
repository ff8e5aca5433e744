package ship

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// exprRe finds the ${{ }} expressions of a GitHub Actions string.
var exprRe = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// expand replaces every ${{ }} expression of s with its value for the
// inputs. It knows the part of the expression language action.yml uses:
// string literals, inputs.NAME, ==, !=, &&, ||, parentheses and format().
func expand(s string, inputs map[string]string) (string, error) {
	var err error
	out := exprRe.ReplaceAllStringFunc(s, func(m string) string {
		v, e := evalExpr(exprRe.FindStringSubmatch(m)[1], inputs)
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %w", m, e)
		}
		return v.String()
	})
	return out, err
}

// value is an expression value: a string or a boolean.
type value struct {
	s      string
	b      bool
	isBool bool
}

func (v value) truthy() bool {
	if v.isBool {
		return v.b
	}
	return v.s != ""
}

func (v value) String() string {
	if v.isBool {
		return fmt.Sprint(v.b)
	}
	return v.s
}

func evalExpr(src string, inputs map[string]string) (value, error) {
	p := &exprParser{src: src, inputs: inputs}
	v, err := p.or()
	if err != nil {
		return value{}, err
	}
	if p.skipSpace(); p.pos != len(p.src) {
		return value{}, fmt.Errorf("unexpected %q", p.src[p.pos:])
	}
	return v, nil
}

type exprParser struct {
	src    string
	pos    int
	inputs map[string]string
}

func (p *exprParser) skipSpace() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// eat consumes tok if it comes next.
func (p *exprParser) eat(tok string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

// or and and return the deciding operand, as GitHub's || and && do.
func (p *exprParser) or() (value, error) {
	v, err := p.and()
	for err == nil && p.eat("||") {
		var r value
		if r, err = p.and(); !v.truthy() {
			v = r
		}
	}
	return v, err
}

func (p *exprParser) and() (value, error) {
	v, err := p.cmp()
	for err == nil && p.eat("&&") {
		var r value
		if r, err = p.cmp(); v.truthy() {
			v = r
		}
	}
	return v, err
}

func (p *exprParser) cmp() (value, error) {
	l, err := p.primary()
	if err != nil {
		return l, err
	}
	for _, op := range []string{"==", "!="} {
		if p.eat(op) {
			r, err := p.primary()
			// GitHub compares strings case-insensitively.
			eq := strings.EqualFold(l.String(), r.String())
			return value{b: eq == (op == "=="), isBool: true}, err
		}
	}
	return l, nil
}

func (p *exprParser) primary() (value, error) {
	p.skipSpace()
	switch {
	case p.eat("("):
		v, err := p.or()
		if err == nil && !p.eat(")") {
			err = fmt.Errorf("missing ) at %d", p.pos)
		}
		return v, err
	case p.eat("'"):
		end := strings.IndexByte(p.src[p.pos:], '\'')
		if end < 0 {
			return value{}, fmt.Errorf("unterminated string")
		}
		s := p.src[p.pos : p.pos+end]
		p.pos += end + 1
		return value{s: s}, nil
	case p.eat("format("):
		f, err := p.or()
		var args []string
		for err == nil && p.eat(",") {
			var a value
			a, err = p.or()
			args = append(args, a.String())
		}
		if err == nil && !p.eat(")") {
			err = fmt.Errorf("missing ) of format at %d", p.pos)
		}
		s := f.String()
		for i, a := range args {
			s = strings.ReplaceAll(s, fmt.Sprintf("{%d}", i), a)
		}
		return value{s: s}, err
	case p.eat("inputs."):
		start := p.pos
		for p.pos < len(p.src) && (unicode.IsLetter(rune(p.src[p.pos])) || unicode.IsDigit(rune(p.src[p.pos])) || strings.ContainsRune("-_", rune(p.src[p.pos]))) {
			p.pos++
		}
		name := p.src[start:p.pos]
		v, ok := p.inputs[name]
		if !ok {
			return value{}, fmt.Errorf("inputs.%s is not an input", name)
		}
		return value{s: v}, nil
	}
	return value{}, fmt.Errorf("cannot read %q", p.src[p.pos:])
}
