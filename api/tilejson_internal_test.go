package api

import (
	"testing"

	"bandoso/catalog"
	"bandoso/store"
	"github.com/paulmach/orb"

	"bandoso/geo"
)

func TestLayerCredit(t *testing.T) {
	for _, c := range []struct {
		source, licence string
		synthetic       bool
		want            string
	}{
		{"Sở Tài nguyên và Môi trường", "CC-BY-4.0", false, "Sở Tài nguyên và Môi trường (CC-BY-4.0)"},
		{"OpenStreetMap", "© OpenStreetMap contributors, ODbL", false, "© OpenStreetMap contributors, ODbL"},
		{"", "© OpenStreetMap contributors, ODbL", false, "© OpenStreetMap contributors, ODbL"},
		{"Sở Xây dựng", "", false, "Sở Xây dựng"},
		{"OpenStreetMap", "ODbL", true, attributionSynthetic},
	} {
		l := &catalog.Layer{LayerRow: store.LayerRow{Source: c.source, Licence: c.licence, Synthetic: c.synthetic}}
		if got := layerCredit(l); got != c.want {
			t.Errorf("%q, %q: %q, want %q", c.source, c.licence, got, c.want)
		}
	}
}

func TestFitZoom(t *testing.T) {
	box := func(w, s, e, n float64) orb.Bound { return orb.Bound{Min: orb.Point{w, s}, Max: orb.Point{e, n}} }
	for _, c := range []struct {
		name string
		b    orb.Bound
		want int
	}{
		{"the world", box(-180, -85.0511, 180, 85.0511), 0},
		{"half the world across", box(0, 0, 180, 1), 1},
		// 80° of latitude from the equator is 0.39 of the projected world, not 80/360.
		{"stretched by Mercator", box(0, 0, 1, 80), 1},
		{"the demo city, 0.14° across", box(106.63, 10.71, 106.77, 10.85), 11},
		{"a point", box(106.7, 10.78, 106.7, 10.78), geo.MaxZoom},
	} {
		if got := fitZoom(c.b); got != c.want {
			t.Errorf("%s: zoom %d, want %d", c.name, got, c.want)
		}
	}
}
