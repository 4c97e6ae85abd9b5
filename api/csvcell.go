package api

// CSV answers (batch geocoding and parsing, OGC items as CSV) carry text from uploads and
// from the data. A spreadsheet reads a cell starting with = + - @, a tab or a carriage
// return as a formula (=HYPERLINK(…) in a street's name), so such a cell is sent with a
// leading ', as OWASP's "CSV injection" advice has it. A plain number such as -1.5 (a
// longitude, a score) is left as it is: a spreadsheet makes nothing of it but the number.

// csvSafe neutralises the cells of rec in place and returns it.
func csvSafe(rec []string) []string {
	for i, c := range rec {
		rec[i] = csvCell(c)
	}
	return rec
}

// csvCell is c as a spreadsheet may open it.
func csvCell(c string) string {
	if c == "" || !isFormulaStart(c[0]) || isPlainNumber(c) {
		return c
	}
	return "'" + c
}

func isFormulaStart(b byte) bool {
	switch b {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// isPlainNumber reports a decimal number: a sign, digits with at most one point, and an
// optional exponent.
func isPlainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits, point := 0, false
	for ; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			digits++
			continue
		case s[i] == '.' && !point:
			point = true
			continue
		}
		break
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}
