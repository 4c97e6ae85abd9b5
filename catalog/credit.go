package catalog

import "strings"

// AttributionSynthetic credits layers whose rows were generated, so no one mistakes them
// for the city's records.
const AttributionSynthetic = "bandoso demo city: synthetic data, generated, not the city's records"

// Credit is what the layer's attribution says: its source and licence, or that its data
// is synthetic.
func (l *Layer) Credit() string {
	if l.Synthetic {
		return AttributionSynthetic
	}
	switch {
	case l.Licence == "":
		return l.Source
	case l.Source == "" || strings.Contains(l.Licence, l.Source):
		return l.Licence // "© OpenStreetMap contributors, ODbL" says its source itself
	}
	return l.Source + " (" + l.Licence + ")"
}

// TileFieldKinds gives each attribute the layer's tiles carry its kind in a tile, as
// TileJSON's vector_layers fields do.
func (l *Layer) TileFieldKinds() map[string]string {
	fields := make(map[string]string, len(l.TileFields))
	for _, f := range l.TileFields {
		fields[f] = l.FieldKinds[f]
	}
	return fields
}
