package geo

import (
	"errors"
	"strings"
)

// RegistryCodeDigits is the length of a registry code: 11 payload digits and a check digit.
const RegistryCodeDigits = 12

// MaxRegistrySerial is the largest serial a registry code can carry.
const MaxRegistrySerial = 99_999_999_999

// Errors of RegistryCode and ParseRegistryCode, apart so that an answer can say which.
var (
	ErrRegistrySerial      = errors.New("geo: registry serial needs more than 11 digits")
	ErrRegistryCodeLength  = errors.New("geo: registry code must have 12 digits")
	ErrRegistryCodeChar    = errors.New("geo: registry code has a character other than a digit, space or hyphen")
	ErrRegistryCodeCheck   = errors.New("geo: registry code check digit does not match")
	ErrNationalCodeLength  = errors.New("geo: national address code must have 10 digits")
	ErrNationalCodeChar    = errors.New("geo: national address code has a character other than a digit")
	ErrNationalCodeGrouped = errors.New("geo: national address code may be split only between postcode and serial")
)

// damm10 is the totally anti-symmetric quasigroup of order 10 from H. Michael Damm's thesis
// (2004), the table every Damm check digit implementation uses. Its diagonal is zero, so the
// check digit of a payload is the interim digit after it, and a whole code runs to zero.
var damm10 = [10][10]byte{
	{0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
	{7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
	{4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
	{1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
	{6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
	{3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
	{5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
	{8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
	{9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
	{2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}

// DammCheck is the Damm check digit of a string of ASCII digits, as a digit; it is '0' exactly
// when digits already ends in its own check digit. Any other byte makes it return 0.
func DammCheck(digits string) byte {
	var interim byte
	for i := 0; i < len(digits); i++ {
		d := digits[i] - '0'
		if d > 9 {
			return 0
		}
		interim = damm10[interim][d]
	}
	return '0' + interim
}

// RegistryCode is the registry code (mã định danh địa chỉ) of serial: its 11 digits, zero
// padded, then a Damm check digit, which catches every single-digit error and every swap of
// two adjacent digits. The code says nothing of ward or postcode, which change; FormatRegistryCode
// groups it for display.
func RegistryCode(serial uint64) (string, error) {
	if serial > MaxRegistrySerial {
		return "", ErrRegistrySerial
	}
	var b [RegistryCodeDigits]byte
	for i := RegistryCodeDigits - 2; i >= 0; i-- {
		b[i] = '0' + byte(serial%10)
		serial /= 10
	}
	b[RegistryCodeDigits-1] = DammCheck(string(b[:RegistryCodeDigits-1]))
	return string(b[:]), nil
}

// ParseRegistryCode checks a registry code and returns its serial. Spaces and hyphens between
// digits are ignored, so "1234 5678 9012", "1234-5678-9012" and "123456789012" are one code.
// The errors say which fault it found first: ErrRegistryCodeChar, ErrRegistryCodeLength or
// ErrRegistryCodeCheck.
func ParseRegistryCode(s string) (uint64, error) {
	digits, err := digitsOf(s, ErrRegistryCodeChar)
	if err != nil {
		return 0, err
	}
	if len(digits) != RegistryCodeDigits {
		return 0, ErrRegistryCodeLength
	}
	if DammCheck(digits) != '0' {
		return 0, ErrRegistryCodeCheck
	}
	var serial uint64
	for i := 0; i < RegistryCodeDigits-1; i++ {
		serial = serial*10 + uint64(digits[i]-'0')
	}
	return serial, nil
}

// FormatRegistryCode shows a registry code as people read it, XXXX XXXX XXXX. Anything that is
// not 12 digits (spaces and hyphens aside) comes back unchanged.
func FormatRegistryCode(code string) string {
	d, err := digitsOf(code, ErrRegistryCodeChar)
	if err != nil || len(d) != RegistryCodeDigits {
		return code
	}
	return d[0:4] + " " + d[4:8] + " " + d[8:12]
}

// digitsOf is s, trimmed, without spaces and hyphens, or bad when it holds anything but ASCII
// digits, or a space or hyphen that is not between two digits.
func digitsOf(s string, bad error) (string, error) {
	s = strings.TrimSpace(s)
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			b = append(b, c)
		case (c == ' ' || c == '-') && i > 0 && i < len(s)-1 && isDigit(s[i-1]) && isDigit(s[i+1]):
		default:
			return "", bad
		}
	}
	return string(b), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// NationalAddressCode is the national digital address code (địa chỉ số): a 5-digit postcode and
// a 5-digit serial within it. It has no check digit.
type NationalAddressCode struct {
	Postcode string // mã bưu chính, 5 digits
	Serial   string // 5 digits, leading zeros kept
}

// String is the code's 10 digits.
func (c NationalAddressCode) String() string { return c.Postcode + c.Serial }

// ParseNationalAddressCode reads a national address code: 10 digits, written whole or with one
// space or hyphen between postcode and serial ("70000 12345", "70000-12345"). Only the shape is
// checked; nothing says whether the postcode exists.
func ParseNationalAddressCode(s string) (NationalAddressCode, error) {
	s = strings.TrimSpace(s)
	if len(s) == 11 && (s[5] == ' ' || s[5] == '-') {
		s = s[:5] + s[6:]
	}
	for i := 0; i < len(s); i++ {
		switch {
		case isDigit(s[i]):
		case s[i] == ' ' || s[i] == '-':
			return NationalAddressCode{}, ErrNationalCodeGrouped
		default:
			return NationalAddressCode{}, ErrNationalCodeChar
		}
	}
	if len(s) != 10 {
		return NationalAddressCode{}, ErrNationalCodeLength
	}
	return NationalAddressCode{Postcode: s[:5], Serial: s[5:]}, nil
}
