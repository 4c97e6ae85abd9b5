package api

import (
	"testing"

	"bandoso/catalog"
	"bandoso/store"
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
