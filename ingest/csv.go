package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Coordinate column names, lower case, first axis then second.
var coordColumns = [][2]string{
	{"lon", "lat"}, {"lng", "lat"}, {"long", "lat"}, {"longitude", "latitude"},
	{"easting", "northing"}, {"x", "y"},
}

var wktColumns = []string{"wkt", "geometry", "geom", "the_geom"}

// csvReader reads a CSV file with a header row. The delimiter (comma, semicolon or tab) is
// sniffed from the header, a byte-order mark skipped, and a decimal comma accepted in
// coordinates of semicolon files.
type csvReader struct {
	r        *csv.Reader
	src      Source
	header   []string
	ix, iy   int // coordinate columns, or -1
	iwkt     int // WKT column, or -1
	xy       bool
	decided  bool // the axis order and CRS are settled (at the first row with coordinates)
	swap     bool
	decComma bool
	n        int
	closer   io.Closer
}

func newCSV(r io.Reader, src Source) (*csvReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		_, _ = br.Discard(3)
	}
	first, _ := br.Peek(4096)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	c := &csvReader{r: csv.NewReader(br), src: src, ix: -1, iy: -1, iwkt: -1}
	c.r.Comma = sniffDelimiter(first)
	c.decComma = c.r.Comma == ';'
	c.r.FieldsPerRecord = -1
	c.r.LazyQuotes = true
	c.r.ReuseRecord = true
	head, err := c.r.Read()
	if err != nil {
		return nil, fmt.Errorf("ingest: CSV header: %w", err)
	}
	for _, h := range head {
		c.header = append(c.header, strings.TrimSpace(h))
	}
	c.findColumns()
	for i, h := range c.header {
		if i != c.ix && i != c.iy && i != c.iwkt {
			c.src.Columns = append(c.src.Columns, h)
		}
	}
	if c.ix < 0 && c.iwkt < 0 {
		return nil, errors.New("ingest: CSV has no coordinate columns: name them lon/lat (lng, longitude/latitude), x/y, easting/northing, or give a wkt column")
	}
	return c, nil
}

func sniffDelimiter(line []byte) rune {
	best, n := ',', bytes.Count(line, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if k := bytes.Count(line, []byte(string(d))); k > n {
			best, n = d, k
		}
	}
	return best
}

func (c *csvReader) findColumns() {
	col := map[string]int{}
	for i, h := range c.header {
		if _, ok := col[strings.ToLower(h)]; !ok {
			col[strings.ToLower(h)] = i
		}
	}
	for _, pair := range coordColumns {
		ix, okx := col[pair[0]]
		iy, oky := col[pair[1]]
		if okx && oky {
			c.ix, c.iy, c.xy = ix, iy, pair[0] == "x"
			return
		}
	}
	for _, name := range wktColumns {
		if i, ok := col[name]; ok {
			c.iwkt = i
			return
		}
	}
}

func (c *csvReader) Source() Source { return c.src }

func (c *csvReader) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}

func (c *csvReader) Next() (Record, error) {
	row, err := c.r.Read()
	if err != nil {
		if err == io.EOF {
			return Record{}, io.EOF
		}
		return Record{}, fmt.Errorf("ingest: CSV line %d: %w", c.n+2, err)
	}
	c.n++
	rec := Record{N: c.n, Props: make(map[string]string, len(row))}
	for i, v := range row {
		if i >= len(c.header) || i == c.ix || i == c.iy || i == c.iwkt || strings.TrimSpace(v) == "" {
			continue
		}
		t, p := checkText(c.header[i], strings.TrimSpace(v))
		if p != nil {
			rec.Problems = append(rec.Problems, *p)
			continue
		}
		rec.Props[c.header[i]] = t
	}
	var p *Problem
	if c.iwkt >= 0 {
		if !c.decided {
			c.decide(0, 0, false)
		}
		rec.Geom, rec.RawGeom, p = geometryFromWKT(field(row, c.iwkt))
	} else {
		rec.Geom, p, err = c.point(row)
		if err != nil {
			return Record{}, err
		}
	}
	if p != nil {
		rec.Problems = append(rec.Problems, *p)
	}
	return rec, nil
}

func field(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func (c *csvReader) number(s string) (float64, error) {
	if c.decComma && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	return strconv.ParseFloat(s, 64)
}

func (c *csvReader) point(row []string) (orb.Geometry, *Problem, error) {
	xs, ys := field(row, c.ix), field(row, c.iy)
	x, errx := c.number(xs)
	y, erry := c.number(ys)
	if errx != nil || erry != nil {
		name, v := c.header[c.ix], xs
		if errx == nil {
			name, v = c.header[c.iy], ys
		}
		return nil, &Problem{Field: name, Problem: InvalidGeometry, Detail: fmt.Sprintf("coordinate %q is not a number", v), Action: Refused}, nil
	}
	if !c.decided {
		if err := c.decide(x, y, true); err != nil {
			return nil, nil, err
		}
	}
	if c.swap {
		x, y = y, x
	}
	g, p := checkGeometry(orb.Point{x, y})
	return g, p, nil
}

// decide settles the CRS and axis order at the first row: coordinates that are not degrees
// need a CRS; in a projected CRS an "x" column holding Vietnam's northings (1,000,000 to
// 2,700,000 m) beside a "y" under 1,000,000 can only be a northing (Vietnamese surveys call
// northing X), so the axes are swapped.
func (c *csvReader) decide(x, y float64, haveXY bool) error {
	c.decided = true
	if c.src.SRID == 0 {
		if haveXY && (x < -180 || x > 180 || y < -90 || y > 90) {
			return needCRS(FormatCSV, fmt.Sprintf("cannot name one, and its first coordinates (%g, %g) are not degrees", x, y))
		}
		c.src.SRID, c.src.CRSFrom = 4326, "default"
	}
	if c.xy && x >= 1_000_000 && x <= 2_700_000 && y >= 0 && y < 1_000_000 {
		c.swap, c.src.XYSwapped = true, true
	}
	return nil
}
