package api

import (
	"net/http"
	"strconv"
	"time"
)

// paramAsOf reads items, parcel lookups and tiles as the city was at a past time.
const paramAsOf = "as_of"

// vietnam is the city's time zone (UTC+7, no daylight saving): a date in as_of is a day there.
var vietnam = time.FixedZone("ICT", 7*60*60)

// asOf reads ?as_of=: a date (YYYY-MM-DD) means the end of that day in Vietnam, the state
// just before the next day began there; an RFC 3339 time means that instant. nil means now:
// no parameter, or a time not yet come.
func asOf(r *http.Request) (*time.Time, error) {
	raw := r.URL.Query().Get(paramAsOf)
	if raw == "" {
		return nil, nil
	}
	t, err := parseRFC3339(raw)
	if err != nil {
		day, derr := time.ParseInLocation(time.DateOnly, raw, vietnam)
		if derr != nil {
			return nil, &ParamError{paramAsOf, "want a date (YYYY-MM-DD, a day in Vietnam time) or an RFC 3339 time, not " + strconv.Quote(raw)}
		}
		t = day.AddDate(0, 0, 1).Add(-time.Microsecond)
	}
	if t.Year() < 1900 {
		return nil, &ParamError{paramAsOf, "before 1900: the city's records begin later"}
	}
	if t.After(time.Now()) {
		return nil, nil
	}
	return &t, nil
}
