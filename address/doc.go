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
// its value and its fold, and lists what it was unsure of. See parse.go. What opens a segment
// may instead say where the place lies from the address (a qualifier: "Đối diện", "Góc") or
// name a place (a landmark: "Chợ Bến Thành", "UBND Phường 6"), never a street: see
// parse_places.go for when a known street wins.
//
// # Units by name
//
// With [WithUnits], Parse first reads the administrative units at the end of the text by name,
// right to left, with a [UnitMatcher] (package gazetteer has every unit of the country): every
// way of cutting the end into names, each with or without its kind word (Phường, P., F, Q,
// TP., Thị trấn, …), is tried, and units named together must lie in one another, in any order.
// A name without its kind word must be a province's or fit another unit read, and never stands
// where the street does (first in the text, after the house number or after a street word). The reading covering the
// most words wins; then each unit is picked, or every unit that fits equally is kept (see
// units_choose.go). What is left before the units is read by keywords as before.
//
// # House numbers
//
// Addresses keep their house number as written; [ParseHouseNumber] reads it and
// [NormHouseNumber] gives its canonical form, the key it is matched by (the database's
// house_number_norm() gives the same). The forms it reads:
//
//   - a number with a letter, bis or ter: "12", "12A", "25b", "120 bis", "120BIS", "12 Bis A",
//     "563B bis";
//   - an alley path, outermost first, the house last: "12A/3", "123/45/6A";
//   - a range: "176-181", "176 - 181", "181–176" (low end first);
//   - Đà Nẵng's kiệt and hẻm: "K448 H20/2", "K448/H20/2" (house 2 in hẻm 20 of kiệt 448);
//   - Hà Nội's ngõ, ngách and hẻm in any order, after or before the house: "số 5 ngõ 12 ngách
//     3", "số 5, ngõ 12, ngách 3, hẻm 4", "5 ngõ 12";
//   - an alley without a house: "Ngõ 100", "Hẻm 12/5", "Kiệt 448";
//   - a lot (lô): "Lô B2", "Lô LK12", "Lô A1.05"; a kilometre mark: "Km 7", "Km7+500";
//   - after số, số nhà, nhà số, SN or No.: "Số 12", "SN12", "No. 12".
//
// The canonical form is upper-case ASCII without spaces: diacritics dropped (Đ and Ð are D),
// leading zeros dropped from numbers ("05" is 5), Unicode dashes and spaces read as "-" and " ".
// A house is its path joined by "/", alleys by depth (ngõ or kiệt, then ngách, then hẻm, then
// the alleys of the number itself) and the house last: "12/3/4/5", "448/20/2", "120BIS",
// "176-181". Other kinds carry a marker so that they never equal a house: "ALLEY:100",
// "LOT:B2", "KM:7+500". The canonical form reads as itself. Anything else is refused with the
// reason: empty text, no number, a word that is not one of the above ("12 Nguyễn Trãi"), two
// house numbers ("12 34"), a number of more than six digits, control characters, more than
// [MaxHouseNumber] characters.
package address
