package address

// OneEditApart says a and b are equal or differ by one inserted, deleted or replaced byte,
// or two adjacent bytes swapped: a typo in a folded name ([Fold] makes Vietnamese ASCII).
func OneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true
	}
	if len(a) == len(b) {
		if i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] {
			return true
		}
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}
