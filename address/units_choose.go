package address

// choose picks each segment's unit: of the combinations of candidates that fit together, those
// that score best; a segment they disagree on keeps every unit they name (ambiguous).
//
// A combination scores for each unit whose kind is the kind word written ("Thị trấn Yên
// Viên" is the township, not Xã Yên Viên), for each unit of the era of its lowest unit (a
// ward of before 2025 goes with its district and the province of then), and, a little, for
// a province named without its kind word: "Tuyên Quang" alone is the province rather than
// its capital, the former Thành phố Tuyên Quang; between a district and a ward a name alone
// does not choose ("Bình Thạnh, TP.HCM": Quận Bình Thạnh before 2025, Phường Bình Thạnh
// since). A unit
// that kept its name and code in 2025 is the same in both eras; it is reported as it is now.
func choose(segs []segment) [][]Unit {
	out := make([][]Unit, len(segs))
	n := 1
	for _, s := range segs {
		if n *= len(s.cands); n > maxCombos {
			break
		}
	}
	if n > maxCombos {
		for i, s := range segs {
			out[i] = dedupe(s.cands)
		}
		return out
	}
	const eps = 1e-9
	best := -1.0
	var bests [][]int
	combo := make([]int, len(segs))
	var walk func(i int)
	walk = func(i int) {
		if i == len(segs) {
			switch sc := comboScore(segs, combo); {
			case sc > best+eps:
				best, bests = sc, [][]int{append([]int(nil), combo...)}
			case sc > best-eps:
				bests = append(bests, append([]int(nil), combo...))
			}
			return
		}
	next:
		for c, u := range segs[i].cands {
			for j := range i {
				if !fits(u, segs[j].cands[combo[j]]) {
					continue next
				}
			}
			combo[i] = c
			walk(i + 1)
		}
	}
	walk(0)
	bests = newerWithoutDistrict(segs, bests)
	for i, s := range segs {
		if len(bests) == 0 {
			out[i] = dedupe(s.cands)
			continue
		}
		us := make([]Unit, 0, len(bests))
		for _, b := range bests {
			us = append(us, s.cands[b[i]])
		}
		out[i] = dedupe(us)
	}
	return out
}

func comboScore(segs []segment, combo []int) float64 {
	lowest := segs[0].cands[combo[0]]
	for i, s := range segs {
		if u := s.cands[combo[i]]; levelRank[u.Level] < levelRank[lowest.Level] {
			lowest = u
		}
	}
	sc := 0.0
	for i, s := range segs {
		u := s.cands[combo[i]]
		switch {
		case s.kind == "" && u.Level == LevelProvince:
			sc += 0.2
		case u.Kind == s.kind:
			sc++
		}
		if u.Era == lowest.Era {
			sc += 0.5
		}
	}
	return sc
}

// dedupe lists each unit once, and a unit that is the same in both eras (level, code and
// name) once, as it is now.
func dedupe(us []Unit) []Unit {
	var out []Unit
	for _, u := range us {
		dup := false
		for i, v := range out {
			if u.Level == v.Level && u.Code == v.Code && u.Name == v.Name {
				if u.Era == EraNew {
					out[i] = u
				}
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, u)
		}
	}
	return out
}

// newerWithoutDistrict breaks a tie between combinations that read the same names at the same
// levels, without a district, in either era: the units of the system since 2025 win. Every
// address of before named its district, and the new unit named after an old one mostly holds
// it (Phường Định Công, Hà Nội is the ward of 2025, 00316, not the old one of Quận Hoàng Mai,
// 00307).
func newerWithoutDistrict(segs []segment, bests [][]int) [][]int {
	if len(bests) < 2 {
		return bests
	}
	news := make([]int, len(bests))
	most := 0
	for n, b := range bests {
		for i, s := range segs {
			u := s.cands[b[i]]
			if u.Level == LevelDistrict || u.Level != s.cands[bests[0][i]].Level {
				return bests
			}
			if u.Era == EraNew {
				news[n]++
			}
		}
		most = max(most, news[n])
	}
	var out [][]int
	for n, b := range bests {
		if news[n] == most {
			out = append(out, b)
		}
	}
	return out
}
