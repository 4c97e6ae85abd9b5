package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"
)

// geometryFromJSON reads a GeoJSON geometry. PostGIS refuses whole COPYs over a ring that is
// not closed or a line of one point, so those are caught here, per feature; what PostGIS
// reads but finds invalid (a self-intersecting ring) is left for ST_IsValidReason. A
// geometry that reads but is refused comes back as raw, for --fix to repair and for the
// rejects file.
func geometryFromJSON(data json.RawMessage) (g, raw orb.Geometry, p *Problem) {
	if len(data) == 0 || string(data) == "null" {
		return nil, nil, &Problem{Field: "geometry", Problem: InvalidGeometry, Detail: "no geometry", Action: Refused}
	}
	gj, err := geojson.UnmarshalGeometry(data)
	if err != nil || gj.Coordinates == nil && gj.Geometries == nil {
		detail := "not a GeoJSON geometry"
		if err != nil {
			detail += ": " + err.Error()
		}
		return nil, nil, &Problem{Field: "geometry", Problem: InvalidGeometry, Detail: detail, Action: Refused}
	}
	return readable(gj.Geometry())
}

// readable is checkGeometry keeping what it refuses as raw.
func readable(g orb.Geometry) (ok, raw orb.Geometry, p *Problem) {
	ok, p = checkGeometry(g)
	if p != nil {
		raw = g
	}
	return ok, raw, p
}

// geometryFromWKT reads Well-Known Text, with or without an EWKT "SRID=n;" prefix (ignored:
// the file's CRS applies).
func geometryFromWKT(s string) (g, raw orb.Geometry, p *Problem) {
	if i := strings.IndexByte(s, ';'); i >= 0 && strings.HasPrefix(strings.ToUpper(s), "SRID=") {
		s = s[i+1:]
	}
	g, err := wkt.Unmarshal(strings.TrimSpace(s))
	if err != nil {
		return nil, nil, &Problem{Field: "wkt", Problem: InvalidGeometry, Detail: "not WKT: " + err.Error(), Action: Refused}
	}
	return readable(g)
}

// checkGeometry refuses what PostGIS cannot even read: empty geometries, lines under two
// points, rings under four or not closed, coordinates that are not finite numbers.
func checkGeometry(g orb.Geometry) (orb.Geometry, *Problem) {
	bad := func(format string, a ...any) (orb.Geometry, *Problem) {
		return nil, &Problem{Field: "geometry", Problem: InvalidGeometry, Detail: fmt.Sprintf(format, a...), Action: Refused}
	}
	var msg string
	var walk func(g orb.Geometry)
	point := func(p orb.Point) {
		if msg == "" && (math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0)) {
			msg = "a coordinate is not a finite number"
		}
	}
	line := func(ls orb.LineString) {
		if msg == "" && len(ls) < 2 {
			msg = fmt.Sprintf("a line has %d point(s), fewer than 2", len(ls))
		}
		for _, p := range ls {
			point(p)
		}
	}
	ring := func(r orb.Ring) {
		switch {
		case msg != "":
		case len(r) < 4:
			msg = fmt.Sprintf("a ring has %d point(s), fewer than 4", len(r))
		case r[0] != r[len(r)-1]:
			msg = ringNotClosed
		}
		for _, p := range r {
			point(p)
		}
	}
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.Point:
			point(g)
		case orb.MultiPoint:
			for _, p := range g {
				point(p)
			}
		case orb.LineString:
			line(g)
		case orb.MultiLineString:
			for _, l := range g {
				line(l)
			}
		case orb.Polygon:
			for _, r := range g {
				ring(r)
			}
		case orb.MultiPolygon:
			for _, p := range g {
				walk(p)
			}
		case orb.Collection:
			for _, c := range g {
				walk(c)
			}
		}
	}
	if g == nil || isEmpty(g) {
		return bad("empty geometry")
	}
	walk(g)
	if msg != "" {
		return bad("%s", msg)
	}
	return g, nil
}

// ringNotClosed is the problem --fix repairs by closing the ring.
const ringNotClosed = "a ring is not closed (its first and last points differ)"

func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		return len(g) == 0
	case orb.Polygon:
		return len(g) == 0
	case orb.MultiPolygon:
		return len(g) == 0
	case orb.Collection:
		return len(g) == 0
	}
	return false
}
