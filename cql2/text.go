package cql2

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseText parses a filter in CQL2 Text (OGC 21-065r2). Keywords are case-insensitive;
// NOT binds tighter than AND, AND tighter than OR. Errors are *Error with a byte offset.
func ParseText(s string) (Expr, error) {
	if len(s) > MaxLength {
		return nil, errAt(MaxLength, "filter is longer than %d bytes", MaxLength)
	}
	if !utf8.ValidString(s) {
		return nil, errAt(invalidUTF8At(s), "invalid UTF-8")
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &textParser{toks: toks}
	if p.peek().kind == tokEOF {
		return nil, errAt(0, "empty filter")
	}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokIdent && !isKeyword(t.text) {
			return nil, errAt(t.pos, "unknown operator '%s'", clip(t.text))
		}
		return nil, errAt(t.pos, "unexpected %s", t.describe())
	}
	return e, nil
}

func invalidUTF8At(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
	}
	return 0
}

type textParser struct {
	toks     []token
	i        int
	depth    int
	literals int
}

func (p *textParser) peek() token { return p.toks[p.i] }

func (p *textParser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the keyword kw (upper case), and takes it if so.
func (p *textParser) keyword(kw string) bool {
	t := p.peek()
	if t.kind == tokIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *textParser) punct(s string) bool {
	t := p.peek()
	if t.kind == tokPunct && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *textParser) expect(s string) error {
	if p.punct(s) {
		return nil
	}
	t := p.peek()
	return errAt(t.pos, "expected '%s', found %s", s, t.describe())
}

func (p *textParser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return errAt(p.peek().pos, "filter is nested deeper than %d levels", MaxDepth)
	}
	return nil
}

func (p *textParser) literal(pos int) error {
	p.literals++
	if p.literals > MaxLiterals {
		return errAt(pos, "filter has more than %d literals", MaxLiterals)
	}
	return nil
}

func (p *textParser) orExpr() (Expr, error) { return p.chain("OR", p.andExpr, newOr) }

func (p *textParser) andExpr() (Expr, error) { return p.chain("AND", p.notExpr, newAnd) }

// chain parses operands joined by the keyword kw, lowest precedence first.
func (p *textParser) chain(kw string, operand func() (Expr, error), join func([]Expr) Expr) (Expr, error) {
	e, err := operand()
	if err != nil {
		return nil, err
	}
	args := []Expr{e}
	for p.keyword(kw) {
		e, err := operand()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return join(args), nil
}

func (p *textParser) notExpr() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if p.keyword("NOT") {
		e, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return Not{Arg: e}, nil
	}
	if p.punct("(") {
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return e, nil
	}
	return p.predicate()
}

// predicate parses a spatial function, a boolean function or literal, or a scalar followed by
// a comparison, LIKE, BETWEEN, IN or IS NULL.
func (p *textParser) predicate() (Expr, error) {
	start := p.peek()
	if start.kind == tokIdent {
		if op := strings.ToLower(start.text); spatialOps[op] {
			p.next()
			args, err := p.arguments(op)
			if err != nil {
				return nil, err
			}
			if len(args) != 2 {
				return nil, errAt(start.pos, "%s takes 2 arguments, not %d", strings.ToUpper(op), len(args))
			}
			return Spatial{Op: op, Left: args[0], Right: args[1]}, nil
		}
	}
	left, err := p.scalar()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tokPunct && comparisonOps[t.text] {
		p.next()
		right, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return Compare{Op: t.text, Left: left, Right: right}, nil
	}
	negate := false
	if t.kind == tokIdent && strings.EqualFold(t.text, "NOT") {
		p.next()
		negate = true
		t = p.peek()
	}
	var e Expr
	switch {
	case p.keyword("LIKE"):
		pat, err := p.scalar()
		if err != nil {
			return nil, err
		}
		e = Like{Arg: left, Pattern: pat}
	case p.keyword("BETWEEN"):
		low, err := p.scalar()
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			n := p.peek()
			return nil, errAt(n.pos, "expected AND in BETWEEN, found %s", n.describe())
		}
		high, err := p.scalar()
		if err != nil {
			return nil, err
		}
		e = Between{Arg: left, Low: low, High: high}
	case p.keyword("IN"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var list []Expr
		for {
			item, err := p.scalar()
			if err != nil {
				return nil, err
			}
			list = append(list, item)
			if !p.punct(",") {
				break
			}
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		e = In{Arg: left, List: list}
	case !negate && p.keyword("IS"):
		not := p.keyword("NOT")
		if !p.keyword("NULL") {
			n := p.peek()
			return nil, errAt(n.pos, "expected NULL, found %s", n.describe())
		}
		e = IsNull{Arg: left}
		if not {
			e = Not{Arg: e}
		}
	default:
		if negate {
			return nil, errAt(t.pos, "expected LIKE, BETWEEN or IN after NOT, found %s", t.describe())
		}
		switch left.(type) {
		case Bool, Call:
			return left, nil // a boolean literal or function is a predicate of its own
		}
		if t.kind == tokIdent && !isKeyword(t.text) {
			return nil, errAt(t.pos, "unknown operator '%s'", clip(t.text))
		}
		return nil, errAt(t.pos, "expected a comparison operator after %s, found %s", start.describe(), t.describe())
	}
	if negate {
		return Not{Arg: e}, nil
	}
	return e, nil
}

// arguments parses "(a, b, …)" after a function name.
func (p *textParser) arguments(name string) ([]Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	var args []Expr
	if p.punct(")") {
		return args, nil
	}
	for {
		a, err := p.scalar()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if !p.punct(",") {
			break
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	return args, nil
}

// scalar parses an operand: a property, a literal, a geometry or a function call.
func (p *textParser) scalar() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return String{Value: t.text}, p.literal(t.pos)
	case tokNumber:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, errAt(t.pos, "number %s is out of range", clip(t.text))
		}
		return Number{Value: v}, p.literal(t.pos)
	case tokQuoted:
		return Property{Name: t.text}, nil
	case tokIdent:
		up := strings.ToUpper(t.text)
		switch up {
		case "TRUE", "FALSE":
			return Bool{Value: up == "TRUE"}, p.literal(t.pos)
		case "DATE", "TIMESTAMP":
			return p.instant(t, up)
		}
		if geometryKeywords[up] {
			p.i--
			return p.geometry()
		}
		if isKeyword(t.text) {
			return nil, errAt(t.pos, "expected a property or a literal, found %s", t.describe())
		}
		if p.peek().kind == tokPunct && p.peek().text == "(" {
			name := strings.ToLower(t.text)
			if !knownFunction(name) {
				return nil, errAt(t.pos, "unknown function '%s'", clip(t.text))
			}
			args, err := p.arguments(name)
			if err != nil {
				return nil, err
			}
			return Call{Name: name, Args: args}, nil
		}
		return Property{Name: t.text}, nil
	}
	return nil, errAt(t.pos, "expected a property or a literal, found %s", t.describe())
}

// instant parses DATE('…') or TIMESTAMP('…') after its keyword.
func (p *textParser) instant(kw token, up string) (Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	s := p.next()
	if s.kind != tokString {
		return nil, errAt(s.pos, "expected a quoted %s, found %s", strings.ToLower(up), s.describe())
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	e, msg := parseInstant(up, s.text)
	if msg != "" {
		return nil, errAt(s.pos, "%s", msg)
	}
	return e, p.literal(kw.pos)
}

// parseInstant reads a date (YYYY-MM-DD) or an RFC 3339 timestamp; msg says what is wrong.
func parseInstant(kind, s string) (Expr, string) {
	if kind == "DATE" {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, "invalid date '" + clip(s) + "', expected YYYY-MM-DD"
		}
		return Date{Value: d}, ""
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, "invalid timestamp '" + clip(s) + "', expected RFC 3339 such as 2025-07-01T00:00:00Z"
	}
	return Timestamp{Value: ts.UTC()}, ""
}

var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "LIKE": true, "BETWEEN": true, "IN": true, "IS": true,
	"NULL": true, "TRUE": true, "FALSE": true, "DATE": true, "TIMESTAMP": true,
}

func isKeyword(s string) bool {
	up := strings.ToUpper(s)
	return keywords[up] || geometryKeywords[up] || spatialOps[strings.ToLower(s)]
}
