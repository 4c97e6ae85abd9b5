package geo

import (
	"errors"
	"strings"
)

// addressAlphabet is Crockford's base 32: digits and letters without I, L, O and U, so a code
// read aloud or copied by hand cannot confuse 1/I/L, 0/O or spell words by accident.
const addressAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// AddressCodeDigits is the number of payload characters of a digital address code; one
// check character follows. 32^6 codes cover about a billion addresses.
const AddressCodeDigits = 6

// MaxAddressSerial is the largest serial an address code can carry.
const MaxAddressSerial = 1<<(5*AddressCodeDigits) - 1

// Errors of ParseAddressCode.
var (
	ErrAddressCodeLength = errors.New("geo: address code must have 7 characters")
	ErrAddressCodeChar   = errors.New("geo: address code has a character outside its alphabet")
	ErrAddressCodeCheck  = errors.New("geo: address code check character does not match")
)

// AddressCode is the digital address code (mã địa chỉ số) of serial: six base-32 characters
// and a check character. Serials above MaxAddressSerial are reduced modulo 2^30.
//
// The check character is Damm's algorithm over the quasigroup x∗y = 2x + y in GF(2^5)
// (polynomial x^5 + x^2 + 1). That operation is totally anti-symmetric, so the check catches
// every single-character substitution and every transposition of adjacent characters, which
// Luhn mod 32 does not (it misses 0↔Z).
func AddressCode(serial uint32) string {
	var b [AddressCodeDigits + 1]byte
	v := serial & MaxAddressSerial
	for i := AddressCodeDigits - 1; i >= 0; i-- {
		b[i] = addressAlphabet[v&31]
		v >>= 5
	}
	var interim byte
	for i := range AddressCodeDigits {
		interim = dammOp(interim, byte(strings.IndexByte(addressAlphabet, b[i])))
	}
	// interim ∗ c = 0 ⇔ 2·interim + c = 0 ⇔ c = 2·interim in characteristic 2.
	b[AddressCodeDigits] = addressAlphabet[gfDouble(interim)]
	return string(b[:])
}

// ParseAddressCode checks a code and returns its serial. It accepts lower case, hyphens and
// spaces, and reads O as 0 and I or L as 1, as Crockford's base 32 does.
func ParseAddressCode(s string) (uint32, error) {
	var vals []byte
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		i := strings.IndexRune(addressAlphabet, r)
		if i < 0 {
			return 0, ErrAddressCodeChar
		}
		vals = append(vals, byte(i))
	}
	if len(vals) != AddressCodeDigits+1 {
		return 0, ErrAddressCodeLength
	}
	var interim byte
	var serial uint32
	for i, v := range vals {
		interim = dammOp(interim, v)
		if i < AddressCodeDigits {
			serial = serial<<5 | uint32(v)
		}
	}
	if interim != 0 {
		return 0, ErrAddressCodeCheck
	}
	return serial, nil
}

// ValidAddressCode reports whether s is a well-formed code with a matching check character.
func ValidAddressCode(s string) bool {
	_, err := ParseAddressCode(s)
	return err == nil
}

// dammOp is the quasigroup operation x∗y = 2x + y over GF(2^5).
func dammOp(x, y byte) byte { return gfDouble(x) ^ y }

// gfDouble multiplies by the generator x in GF(2^5) modulo x^5 + x^2 + 1.
func gfDouble(v byte) byte {
	v <<= 1
	if v&0x20 != 0 {
		v ^= 0x25
	}
	return v
}
