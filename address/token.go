package address

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word or one punctuation character of the input, with its byte span.
type token struct {
	start, end int
	text       string // input[start:end]
	fold       string // Fold(text)
	tone       string // ToneFold(text)
	punct      bool
	space      bool // white space before it
	upper      bool // its first letter is upper case
}

// plain says the token was written without diacritics, so it may stand for any word that
// folds like it.
func (t token) plain() bool { return t.fold == t.tone }

// number says the token is a house or alley number element: digits, then at most one letter,
// then optionally "bis" or "ter" and one letter more (12, 6A, 40bis, 563Bbis, 12bisA).
func (t token) number() bool {
	f := t.fold
	i := 0
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	r := f[i:]
	bis := func(r string) bool { return strings.HasPrefix(r, "bis") || strings.HasPrefix(r, "ter") }
	if len(r) > 0 && r[0] >= 'a' && r[0] <= 'z' && !bis(r) {
		r = r[1:]
	}
	if bis(r) {
		r = r[3:]
		if len(r) == 1 && r[0] >= 'a' && r[0] <= 'z' {
			r = ""
		}
	}
	return r == ""
}

// splitPrefixes are the abbreviations written glued to the number they introduce: Q1, P12,
// F12, KP3, QL1A, K448, H20, SN5, Km7.
var splitPrefixes = map[string]bool{
	"p": true, "f": true, "w": true, "q": true, "kp": true, "ql": true, "tl": true, "hl": true,
	"k": true, "h": true, "sn": true, "to": true, "ngo": true, "hem": true, "kiet": true,
	"ngach": true, "tang": true, "lau": true, "phong": true, "km": true,
}

// tokenize splits s into words (letters, digits and combining marks) and single punctuation
// characters; white space only separates. A known prefix glued to digits (Q1, F12) is split.
func tokenize(s string) []token {
	var toks []token
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r) || r == utf8.RuneError:
			space = true
			i += n
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r) {
					break
				}
				j += n
			}
			toks = appendWord(toks, s, i, j, space)
			space = false
			i = j
		default:
			toks = append(toks, newToken(s, i, i+n, space, true))
			space = false
			i += n
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func appendWord(toks []token, s string, i, j int, space bool) []token {
	k := i
	for k < j {
		r, n := utf8.DecodeRuneInString(s[k:])
		if unicode.IsDigit(r) {
			break
		}
		k += n
	}
	if k > i && k < j && splitPrefixes[Fold(s[i:k])] {
		rest := newToken(s, k, j, false, false)
		if rest.number() {
			return append(toks, newToken(s, i, k, space, false), rest)
		}
	}
	return append(toks, newToken(s, i, j, space, false))
}

func newToken(s string, i, j int, space, punct bool) token {
	t := token{start: i, end: j, text: s[i:j], space: space, punct: punct}
	t.fold = Fold(t.text)
	t.tone = ToneFold(t.text)
	r, _ := utf8.DecodeRuneInString(t.text)
	t.upper = unicode.IsUpper(r)
	return t
}
