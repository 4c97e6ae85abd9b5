// Package address normalises and parses Vietnamese address text for the digital address pilot.
//
// # Folds
//
// Three foldings of text, each idempotent and each giving the same answer for NFC and NFD input:
//
//   - [Fold] is the diacritic-free matching key: every mark gone, đ → d, lower case, runs of
//     white space made one space. On Vietnamese text it equals the database's norm_text()
//     (migrations/00001_extensions.sql), so a key made in Go finds rows indexed in SQL.
//   - [ToneFold] keeps the diacritics (so "dương" ≠ "đường") but lower-cases and writes every
//     tone mark in one place, so "hoà" = "hòa", "thuỷ" = "thủy", "khoẻ" = "khỏe".
//   - [Key] is [Fold] with punctuation other than "/" turned into spaces, for comparing names
//     written with stray dots, dashes and commas.
//
// # Tone placement
//
// Vietnamese has two conventions for where the tone mark sits in the open syllables oa, oe, uy:
// the traditional one ("hòa", "khỏe", "thủy"), used by the national statistics office's names of
// administrative units, and the newer one ("hoà", "khoẻ", "thuỷ"). [ToneFold] and [Normalize]
// write the traditional one: in a closed syllable or on a vowel with a hat, breve or horn the
// two agree, and a mark misplaced in those ("hòang") is moved too.
//
// # Parsing
//
// [Parse] splits free address text into its parts (room, building, house number, alley path,
// street, neighbourhood, ward, district, province), each with the input's bytes it came from,
// its value and its fold, and lists what it was unsure of. See parse.go.
package address
