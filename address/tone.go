package address

import (
	"strings"
	"unicode"
)

// The combining marks of Vietnamese in NFD: five tones and three vowel modifiers.
const (
	markGrave      = '\u0300' // huyền
	markAcute      = '\u0301' // sắc
	markTilde      = '\u0303' // ngã
	markHook       = '\u0309' // hỏi
	markDotBelow   = '\u0323' // nặng
	markCircumflex = '\u0302' // â ê ô
	markBreve      = '\u0306' // ă
	markHorn       = '\u031B' // ơ ư
)

func isTone(r rune) bool {
	switch r {
	case markGrave, markAcute, markTilde, markHook, markDotBelow:
		return true
	}
	return false
}

func isModifier(r rune) bool { return r == markCircumflex || r == markBreve || r == markHorn }

func isVowel(r rune) bool {
	switch unicode.ToLower(r) {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// letter is one base letter of an NFD word with its vowel modifier and tone mark.
type letter struct {
	base, mod, tone rune
}

// placeTone moves the one tone mark of a Vietnamese syllable w (NFD, letters and marks only) to
// its traditional place. A word that is not one Vietnamese syllable (other letters or marks,
// no tone or several, vowels after the final consonants) comes back unchanged.
func placeTone(w string) string {
	var ls []letter
	tone, tones := rune(0), 0
	for _, r := range w {
		switch {
		case isTone(r):
			if len(ls) == 0 || ls[len(ls)-1].tone != 0 {
				return w
			}
			ls[len(ls)-1].tone = r
			tone = r
			tones++
		case isModifier(r):
			if len(ls) == 0 || ls[len(ls)-1].mod != 0 {
				return w
			}
			ls[len(ls)-1].mod = r
		case r < 0x80 && unicode.IsLetter(r), r == 'đ', r == 'Đ':
			ls = append(ls, letter{base: r})
		default:
			return w
		}
	}
	if tones != 1 {
		return w
	}
	at := toneIndex(ls)
	if at < 0 {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	for i, l := range ls {
		b.WriteRune(l.base)
		// NFD's canonical order: horn (class 216) and dot below (220) before the others (230).
		t := rune(0)
		if i == at {
			t = tone
		}
		if l.mod == markHorn {
			b.WriteRune(l.mod)
		}
		if t == markDotBelow {
			b.WriteRune(t)
		}
		if l.mod != 0 && l.mod != markHorn {
			b.WriteRune(l.mod)
		}
		if t != 0 && t != markDotBelow {
			b.WriteRune(t)
		}
	}
	return b.String()
}

// toneIndex is where the traditional convention puts the tone of the syllable ls, or -1 when ls
// is not shaped like one syllable.
func toneIndex(ls []letter) int {
	i := 0
	for i < len(ls) && !isVowel(ls[i].base) {
		i++
	}
	if i == len(ls) {
		return -1
	}
	// "qu" and "gi" before another vowel are consonants: quả, già, giữa.
	if i > 0 && i+1 < len(ls) && isVowel(ls[i+1].base) && ls[i].mod == 0 {
		prev, cur := unicode.ToLower(ls[i-1].base), unicode.ToLower(ls[i].base)
		if (prev == 'q' && cur == 'u') || (prev == 'g' && cur == 'i' && i == 1) {
			i++
		}
	}
	j := i
	for j < len(ls) && isVowel(ls[j].base) {
		j++
	}
	for k := j; k < len(ls); k++ {
		if isVowel(ls[k].base) {
			return -1
		}
	}
	if j-i > 3 {
		return -1
	}
	last := -1
	for k := i; k < j; k++ {
		if ls[k].mod != 0 {
			last = k
		}
	}
	switch {
	case last >= 0: // the vowel with a hat, breve or horn; ơ in ươ
		return last
	case j < len(ls): // closed syllable: the last vowel (hoàng, toán)
		return j - 1
	case j-i == 3: // khoái, xoáy, khuỷu
		return i + 1
	default: // open: the first of two (hòa, thủy, khỏe, mùa, tài)
		return i
	}
}
