package osmwrite

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// xmlEncoder writes OSM XML 0.6 (https://wiki.openstreetmap.org/wiki/OSM_XML) as osmium
// does: one element per line, two-space indents, tags as <tag k v/> children. It writes the
// text itself rather than through paulmach/osm's types, whose encoding/xml tags would emit
// visible="false" and empty metadata for elements without metadata.
type xmlEncoder struct {
	w *bufio.Writer
}

func newXML(out io.Writer, b orb.Bound) (*xmlEncoder, error) {
	e := &xmlEncoder{w: bufio.NewWriterSize(out, 64<<10)}
	e.w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	e.w.WriteString(`<osm version="0.6" generator="` + Generator + `">` + "\n")
	minLon, minLat, _ := units(b.Min[0], b.Min[1])
	maxLon, maxLat, _ := units(b.Max[0], b.Max[1])
	e.w.WriteString(`  <bounds minlat="` + degrees(minLat) + `" minlon="` + degrees(minLon) +
		`" maxlat="` + degrees(maxLat) + `" maxlon="` + degrees(maxLon) + `"/>` + "\n")
	return e, nil
}

func (e *xmlEncoder) node(id, lon7, lat7 int64, tags osm.Tags) error {
	e.w.WriteString(`  <node id="`)
	e.w.WriteString(strconv.FormatInt(id, 10))
	e.w.WriteString(`" lat="` + degrees(lat7) + `" lon="` + degrees(lon7) + `"`)
	if len(tags) == 0 {
		_, err := e.w.WriteString("/>\n")
		return err
	}
	e.w.WriteString(">\n")
	e.tags(tags)
	_, err := e.w.WriteString("  </node>\n")
	return err
}

func (e *xmlEncoder) way(id int64, refs []int64, tags osm.Tags) error {
	e.w.WriteString(`  <way id="` + strconv.FormatInt(id, 10) + "\">\n")
	for _, r := range refs {
		e.w.WriteString(`    <nd ref="` + strconv.FormatInt(r, 10) + "\"/>\n")
	}
	e.tags(tags)
	_, err := e.w.WriteString("  </way>\n")
	return err
}

func (e *xmlEncoder) relation(id int64, members osm.Members, tags osm.Tags) error {
	e.w.WriteString(`  <relation id="` + strconv.FormatInt(id, 10) + "\">\n")
	for _, m := range members {
		e.w.WriteString(`    <member type="` + string(m.Type) + `" ref="` + strconv.FormatInt(m.Ref, 10) + `" role="`)
		e.text(m.Role)
		e.w.WriteString("\"/>\n")
	}
	e.tags(tags)
	_, err := e.w.WriteString("  </relation>\n")
	return err
}

func (e *xmlEncoder) tags(tags osm.Tags) {
	for _, t := range tags {
		e.w.WriteString(`    <tag k="`)
		e.text(t.Key)
		e.w.WriteString(`" v="`)
		e.text(t.Value)
		e.w.WriteString("\"/>\n")
	}
}

// text escapes s for an attribute value: EscapeText also escapes quotes, tabs and line
// breaks, which attribute normalisation would otherwise turn into spaces.
func (e *xmlEncoder) text(s string) {
	_ = xml.EscapeText(e.w, []byte(s)) // a bufio.Writer's error resurfaces at the next write
}

func (e *xmlEncoder) close() error {
	if _, err := e.w.WriteString("</osm>\n"); err != nil {
		return err
	}
	return e.w.Flush()
}

// degrees formats units of 1e-7 degrees exactly, without trailing zeros: 107000000 is
// "10.7", -5 is "-0.0000005".
func degrees(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/1e7, 10)
	if frac := v % 1e7; frac != 0 {
		f := strconv.FormatInt(frac+1e7, 10)[1:] // seven digits with leading zeros
		for f[len(f)-1] == '0' {
			f = f[:len(f)-1]
		}
		s += "." + f
	}
	if neg {
		s = "-" + s
	}
	return s
}
