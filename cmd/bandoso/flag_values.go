package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// prefixList is a flag of comma-separated networks (10.0.0.0/8) or single addresses.
type prefixList struct{ p *[]netip.Prefix }

func (l prefixList) String() string {
	if l.p == nil {
		return ""
	}
	s := make([]string, len(*l.p))
	for i, p := range *l.p {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Set replaces the list: a flag or a variable names every network at once.
func (l prefixList) Set(v string) error {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return fmt.Errorf("%q is neither a network (10.0.0.0/8) nor an address", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	*l.p = out
	return nil
}

// km2 is a flag in square kilometres of a setting kept in square metres.
type km2 struct{ m2 *float64 }

func (k km2) String() string {
	if k.m2 == nil {
		return "0"
	}
	return strconv.FormatFloat(*k.m2/1e6, 'g', -1, 64)
}

func (k km2) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", v)
	}
	*k.m2 = f * 1e6
	return nil
}

// Get makes km2 a flag.Getter, as the flag package's own values are.
func (k km2) Get() any { return *k.m2 / 1e6 }
