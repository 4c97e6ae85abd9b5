package ingest

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// notVietnamese holds characters Vietnamese text never has but TCVN3 (ABC) and VNI text shows
// when its bytes are read as Windows-1252 or Latin-1: "Hå ChÝ Minh" is TCVN3's "Hồ Chí Minh".
// Latin-1 letters Vietnamese does use (à á â ã è é ê ì í ò ó ô õ ù ú ý and capitals) are not
// here; punctuation common in any text (– — ‘ ’ “ ” …) is not either.
const notVietnamese = "¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÄÅÆÇËÎÏÐÑÖ×ØÛÜÞßäåæçëîïðñö÷øûüþÿ" +
	"ƒ†‡ˆ‰Š‹ŒŽ•˜™š›œžŸ"

// checkText returns s in NFC, or a problem when it is not Unicode text: invalid UTF-8 (legacy
// bytes passed through), or Unicode that is legacy text decoded as Windows-1252.
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
	for _, r := range s {
		if (r >= 0x80 && r <= 0x9f) || (r >= 0xa1 && strings.ContainsRune(notVietnamese, r)) {
			return "", &Problem{Field: field, Problem: NotUnicode, Action: Refused,
				Detail: "looks like TCVN3/VNI text, not Unicode: " + clip(s)}
		}
	}
	return norm.NFC.String(s), nil
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
