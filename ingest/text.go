package ingest

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// notVietnamese holds characters Vietnamese text never has but TCVN3 (ABC) and VNI text shows
// when its bytes are read as Windows-1252 or Latin-1: "Hå ChÝ Minh" is TCVN3's "Hồ Chí Minh".
// Latin-1 letters Vietnamese does use (à á â ã è é ê ì í ò ó ô õ ù ú ý and capitals) are not
// here; punctuation common in any text (– — ‘ ’ “ ” …) is not either, nor Ð and ð, which
// CleanText folds to Đ and đ before looking.
const notVietnamese = "¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÄÅÆÇËÎÏÑÖ×ØÛÜÞßäåæçëîïñö÷øûüþÿ" +
	"ƒ†‡ˆ‰Š‹ŒŽ•˜™š›œžŸ"

// lookalikes are letters that look like Vietnamese ones and stand for them in real files:
// OpenStreetMap and many spreadsheets write the Icelandic eth Ð (U+00D0) for Đ (U+0110), and
// some fonts' pickers offer the African D Ɖ (U+0189).
var lookalikes = strings.NewReplacer("Ð", "Đ", "ð", "đ", "Ɖ", "Đ", "ɖ", "đ")

// CleanText is text as the city's layers store it: compatibility forms folded (NFKC: no-break
// spaces, full-width digits, ligatures), look-alike letters made the Vietnamese ones, NFC.
func CleanText(s string) string {
	return norm.NFC.String(lookalikes.Replace(norm.NFKC.String(s)))
}

// checkText returns s as CleanText makes it, or a problem when it is not Unicode text: invalid
// UTF-8 (legacy bytes passed through), or Unicode that is legacy text decoded as Windows-1252.
func checkText(field, s string) (string, *Problem) {
	if p := checkName(field); p != nil {
		return "", p
	}
	if strings.ContainsRune(s, 0) {
		return "", &Problem{Field: field, Problem: BadValue, Action: Refused,
			Detail: "text holds a NUL character, which the database cannot store: " + strconv.Quote(clip(s))}
	}
	if !utf8.ValidString(s) {
		return "", &Problem{Field: field, Problem: NotUnicode, Action: Refused,
			Detail: "text is not Unicode (UTF-8): legacy TCVN3/VNI bytes? " + quoteBytes(s)}
	}
	s = CleanText(s)
	if looksLegacy(s) {
		return "", &Problem{Field: field, Problem: NotUnicode, Action: Refused,
			Detail: "looks like TCVN3/VNI text, not Unicode: " + clip(s)}
	}
	return s, nil
}

// looksLegacy says whether s, valid UTF-8, reads like TCVN3 or VNI bytes decoded as
// Windows-1252: a letter Vietnamese never has (å, Ç, î, ö, …) or a symbol inside a word, where
// the legacy encodings put their Vietnamese letters ("§­êng" is TCVN3's "Đường"); a symbol
// among digits or spaces ("10°46′", "© 2025") is just a symbol. Text holding a letter only
// Unicode Vietnamese has (ă đ ĩ ũ ơ ư, or a precomposed letter of U+1EA0–U+1EF9) is never
// legacy: those encodings decoded that way cannot produce one.
func looksLegacy(s string) bool {
	rs := []rune(s)
	suspicious := false
	for i, r := range rs {
		switch {
		case vietnameseOnly(r):
			return false
		case r >= 0x80 && r <= 0x9f:
			suspicious = true
		case r >= 0xa1 && strings.ContainsRune(notVietnamese, r):
			suspicious = suspicious || unicode.IsLetter(r) ||
				i > 0 && unicode.IsLetter(rs[i-1]) || i+1 < len(rs) && unicode.IsLetter(rs[i+1])
		}
	}
	return suspicious
}

// vietnameseOnly: the letters Vietnamese writes that Latin-1 and Windows-1252 lack.
func vietnameseOnly(r rune) bool {
	switch r {
	case 'Ă', 'ă', 'Đ', 'đ', 'Ĩ', 'ĩ', 'Ũ', 'ũ', 'Ơ', 'ơ', 'Ư', 'ư':
		return true
	}
	return r >= 0x1EA0 && r <= 0x1EF9
}

// checkName refuses a property name that is not UTF-8 text without NUL, which no column
// has and the database cannot store even in a report.
func checkName(name string) *Problem {
	if utf8.ValidString(name) && !strings.ContainsRune(name, 0) {
		return nil
	}
	return &Problem{Field: strconv.Quote(name), Problem: BadValue, Action: Refused,
		Detail: "the property's name is not UTF-8 text without NUL characters"}
}

// reportText is s as a report can hold it: s itself, or quoted with its bad bytes escaped.
func reportText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strconv.Quote(s)
}

// quoteBytes shows the start of s with its invalid bytes escaped.
func quoteBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < 60; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteString(`\x` + "0123456789abcdef"[s[i]>>4:s[i]>>4+1] + "0123456789abcdef"[s[i]&15:s[i]&15+1])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return `"` + b.String() + `"`
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		return `"` + string([]rune(s)[:60]) + `…"`
	}
	return `"` + s + `"`
}
