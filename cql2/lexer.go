package cql2

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // a bare identifier or keyword
	tokQuoted           // a double-quoted property name
	tokString           // a character literal, quotes removed and escapes resolved
	tokNumber
	tokPunct // ( ) , = <> < <= > >=
)

type token struct {
	kind tokenKind
	text string
	pos  int
}

// describe names a token for an error message.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "the end of the filter"
	case tokString:
		return "'" + clip(t.text) + "'"
	case tokQuoted:
		return `"` + clip(t.text) + `"`
	}
	return "'" + clip(t.text) + "'"
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		return string(r[:40]) + "…"
	}
	return s
}

// lex splits CQL2 Text into tokens (OGC 21-065r2, Annex B, BNF). Signs belong to numbers:
// arithmetic is not supported, so "-1" is always a negative literal.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',' || c == '=':
			toks = append(toks, token{tokPunct, s[i : i+1], i})
			i++
		case c == '<':
			if i+1 < len(s) && (s[i+1] == '=' || s[i+1] == '>') {
				toks = append(toks, token{tokPunct, s[i : i+2], i})
				i += 2
			} else {
				toks = append(toks, token{tokPunct, "<", i})
				i++
			}
		case c == '>':
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, token{tokPunct, ">=", i})
				i += 2
			} else {
				toks = append(toks, token{tokPunct, ">", i})
				i++
			}
		case c == '!':
			if i+1 < len(s) && s[i+1] == '=' {
				return nil, errAt(i, "unknown operator '!=', use '<>'")
			}
			return nil, errAt(i, "unexpected character '!'")
		case c == '\'':
			str, end, err := lexString(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tokString, str, i})
			i = end
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, errAt(i, "unterminated quoted property name")
			}
			name := s[i+1 : i+1+end]
			if name == "" {
				return nil, errAt(i, "empty property name")
			}
			toks = append(toks, token{tokQuoted, name, i})
			i += end + 2
		case isDigit(c) || c == '.' || c == '-' || c == '+':
			end := lexNumber(s, i)
			if end == i {
				return nil, errAt(i, "unexpected character '%c'", c)
			}
			toks = append(toks, token{tokNumber, s[i:end], i})
			i = end
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !isIdentStart(r) {
				if r == utf8.RuneError && size <= 1 {
					return nil, errAt(i, "invalid UTF-8")
				}
				return nil, errAt(i, "unexpected character '%c'", r)
			}
			end := i + size
			for end < len(s) {
				r, size := utf8.DecodeRuneInString(s[end:])
				if !isIdentPart(r) {
					break
				}
				end += size
			}
			toks = append(toks, token{tokIdent, s[i:end], i})
			i = end
		}
	}
	return append(toks, token{tokEOF, "", len(s)}), nil
}

// lexString reads a character literal starting at the quote at i. A quote inside is written
// twice (”) or escaped with a backslash (\'); other backslashes stay, for LIKE's escapes.
func lexString(s string, i int) (string, int, error) {
	var b strings.Builder
	j := i + 1
	for j < len(s) {
		switch {
		case s[j] == '\'' && j+1 < len(s) && s[j+1] == '\'':
			b.WriteByte('\'')
			j += 2
		case s[j] == '\'':
			return b.String(), j + 1, nil
		case s[j] == '\\' && j+1 < len(s) && s[j+1] == '\'':
			b.WriteByte('\'')
			j += 2
		default:
			b.WriteByte(s[j])
			j++
		}
	}
	return "", 0, errAt(i, "unterminated string")
}

// lexNumber returns the end of the number starting at i, or i when there is none:
// [sign] (digits [. digits] | . digits) [e [sign] digits].
func lexNumber(s string, i int) int {
	j := i
	if j < len(s) && (s[j] == '-' || s[j] == '+') {
		j++
	}
	start := j
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	intDigits := j - start
	fracDigits := 0
	if j < len(s) && s[j] == '.' {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		fracDigits = k - j - 1
		if intDigits > 0 || fracDigits > 0 {
			j = k
		}
	}
	if intDigits == 0 && fracDigits == 0 {
		return i
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '-' || s[k] == '+') {
			k++
		}
		d := k
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > d {
			j = k
		}
	}
	return j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isIdentStart and isIdentPart follow the BNF's identifier: letters, '_' and ':' start one;
// digits, '.' and combining marks may follow.
func isIdentStart(r rune) bool {
	return r == '_' || r == ':' || (r != utf8.RuneError && unicode.IsLetter(r))
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || (r >= '0' && r <= '9') || r == '.' || unicode.Is(unicode.Mn, r)
}
