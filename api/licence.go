package api

import "strings"

// licencePages are the pages of the licences open data is commonly published under, by
// their SPDX identifiers (https://spdx.org/licenses/) and the names catalogs write.
var licencePages = []struct {
	names []string
	url   string
}{
	{[]string{"CC-BY-4.0", "CC BY 4.0"}, "https://creativecommons.org/licenses/by/4.0/"},
	{[]string{"CC-BY-SA-4.0", "CC BY-SA 4.0"}, "https://creativecommons.org/licenses/by-sa/4.0/"},
	{[]string{"CC0-1.0", "CC0"}, "https://creativecommons.org/publicdomain/zero/1.0/"},
	{[]string{"ODbL-1.0", "ODbL"}, "https://opendatacommons.org/licenses/odbl/1-0/"},
	{[]string{"PDDL-1.0", "PDDL"}, "https://opendatacommons.org/licenses/pddl/1-0/"},
	{[]string{"ODC-By-1.0"}, "https://opendatacommons.org/licenses/by/1-0/"},
}

// licenceURL is the page of the licence a catalog entry names: the entry itself when it is
// a URL, else the page of a known licence it names ("© OpenStreetMap contributors, ODbL"
// names ODbL); "" for text naming none.
func licenceURL(licence string) string {
	licence = strings.TrimSpace(licence)
	if strings.HasPrefix(licence, "https://") || strings.HasPrefix(licence, "http://") {
		if !strings.ContainsAny(licence, " <>\"") {
			return licence
		}
		return ""
	}
	for _, l := range licencePages {
		for _, n := range l.names {
			if containsWord(licence, n) {
				return l.url
			}
		}
	}
	return ""
}

// containsWord says whether s holds word, case aside, not as part of a longer word
// ("ODbL" is not in "ODbL-1.0"'s neighbour "ODbLx").
func containsWord(s, word string) bool {
	s, word = strings.ToLower(s), strings.ToLower(word)
	for i := 0; ; {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}
