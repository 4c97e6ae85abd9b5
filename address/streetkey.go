package address

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// StreetKey is the key streets are matched by, the twin of the database's street_key()
// (migrations/00020_streets_osm.sql): the name without the word for its type (Đường, Đ., Phố,
// Đại lộ), folded ([Fold]), route prefixes written one way (Quốc lộ and QL as "ql", Tỉnh lộ
// "tl", Hương lộ "hl"), and without spaces and punctuation other than "/". "Đường Pasteur",
// "Đ. Pasteur" and "pasteur" are "pasteur"; "Quốc lộ 1A" and "QL.1A" are "ql1a".
//
// The type word is recognised with its diacritics only: folded, "Đường" is the surname
// "Dương" and "Phố" is "Phó" (Dương Bá Trạc, Phó Đức Chính are streets of Ho Chi Minh City),
// so "duong pasteur" keeps its "duong". Abbreviations with a dot (D., Đ.) are stripped as
// they are.
func StreetKey(name string) string {
	lower := strings.ToLower(norm.NFC.String(name))
	lower = strings.NewReplacer("ð", "đ", "ɖ", "đ").Replace(lower)
	k := Fold(streetType.ReplaceAllString(lower, ""))
	for _, r := range routePrefixes {
		k = r.re.ReplaceAllString(k, r.to)
	}
	return notKeyChar.ReplaceAllString(k, "")
}

var (
	streetType    = regexp.MustCompile(`^\s*((đường|phố|đại lộ|đl|đ)(\.|\s)+|(d|dl)\.\s*)`)
	notKeyChar    = regexp.MustCompile(`[^a-z0-9/]+`)
	routePrefixes = []struct {
		re *regexp.Regexp
		to string
	}{
		{regexp.MustCompile(`^(quoc lo|ql)[.\s]*`), "ql "},
		{regexp.MustCompile(`^(tinh lo|tl)[.\s]*`), "tl "},
		{regexp.MustCompile(`^(huong lo|hl)[.\s]*`), "hl "},
	}
)
