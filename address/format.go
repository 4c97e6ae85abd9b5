package address

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Number returns the house number with its alleys as written on the plate, outermost alley
// first: "123/45/6A"; without a house, the alley path alone; a lot or a kilometre mark with
// its word: "Lô B2", "Km 7+500".
func (a Parsed) Number() string {
	if l := a.House.Label; l == labelLot || l == labelKm {
		return l + " " + a.House.Value
	}
	var parts []string
	for _, p := range a.Alley {
		parts = append(parts, p.Value)
	}
	if !a.House.IsZero() {
		parts = append(parts, a.House.Value)
	}
	return strings.Join(parts, "/")
}

// String writes the address in a canonical form: "123/45/6A Nguyễn Trãi, Phường Bến Thành,
// Quận 1, TP. Hồ Chí Minh". A street named with a number keeps "Đường" (Đường 3 Tháng 2); an
// alley without a house number is written "Hẻm 12 Nguyễn Trãi". A qualifier opens the
// landmark or the house and street it qualifies: "Đối diện Chợ Bến Thành", "Góc Lê Lợi".
func (a Parsed) String() string {
	var out []string
	add := func(label string, p Part) {
		if !p.IsZero() {
			out = append(out, strings.TrimSpace(label+" "+p.Value))
		}
	}
	add(a.Room.Label, a.Room)
	add(a.Floor.Label, a.Floor)
	add(a.Building.Label, a.Building)
	qualifier := a.Qualifier.Value
	if !a.Landmark.IsZero() {
		out = append(out, strings.TrimSpace(qualifier+" "+a.Landmark.Value))
		qualifier = ""
	}
	var line []string
	if n := a.Number(); n != "" {
		// "Đầu hẻm 12", not "Đầu hẻm Hẻm 12"
		if a.House.IsZero() && !strings.HasSuffix(a.Qualifier.Fold, Fold(a.Alley[0].Label)) {
			n = a.Alley[0].Label + " " + n
		}
		line = append(line, n)
	}
	if s := a.Street; !s.IsZero() {
		label := s.Label
		if label == "Đường" {
			// a number before it would be read as the house's, unless a qualifier stands
			// between: "Ngã tư 30 Tháng 4"
			r, _ := utf8.DecodeRuneInString(s.Value)
			if !unicode.IsDigit(r) && !strings.HasPrefix(s.Fold, "so ") || len(line) == 0 && qualifier != "" {
				label = ""
			}
		}
		line = append(line, strings.TrimSpace(label+" "+s.Value))
	}
	if qualifier != "" {
		line = append([]string{qualifier}, line...)
	}
	if len(line) > 0 {
		out = append(out, strings.Join(line, " "))
	}
	add(a.Neighbourhood.Label, a.Neighbourhood)
	add(a.Ward.Label, a.Ward)
	add(a.District.Label, a.District)
	if p := a.Province; !p.IsZero() {
		label := p.Label
		if label == "Thành phố" || label == "" {
			label = "TP."
		}
		add(label, p)
	}
	return strings.Join(out, ", ")
}
