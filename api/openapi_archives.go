package api

import "bandoso/geo"

// The tile archives (archives.go) in the OpenAPI document.

// openAPIArchives adds /tiles/archive and the paths of each archive.
func openAPIArchives(add func([]obj, string, obj)) {
	name := obj{"name": paramName, "in": "path", "required": true, "description": "the archive's file name without .pmtiles or .mbtiles",
		"schema": obj{"type": "string", "pattern": `^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`}}
	add(nil, archivesPath, keyOptional(op("archives",
		"The tile archives this server serves (bandoso export's PMTiles and MBTiles files in its --archives folder); "+
			"those holding a restricted layer only for requests with an API key.", "Vector tiles",
		nil, ok200(mediaJSON, ref("Archives")), notModified(), errs())))
	add(nil, archivesPath+"/{name}.json", keyOptional(op("archiveTileJSON", "TileJSON 3.0.0 of an archive's tiles.", "Vector tiles",
		[]any{name}, ok200(mediaJSON, ref("TileJSON")), notModified(), errs(400, 404))))
	add(nil, archivesPath+"/{name}/{z}/{x}/{y}.mvt", keyOptional(op("archiveTile",
		"A tile of an archive as it stores it, with the live tiles' headers; 204 for an empty tile inside its area and zooms, 404 outside them.", "Vector tiles",
		[]any{name, pathInt(paramZ, 0, geo.MaxZoom), pathInt(paramX, 0, -1), pathInt(paramY, 0, -1), acceptEncoding()},
		tileResponses(), errs(400, 404))))
}

func archiveSchemas() obj {
	str := obj{"type": "string"}
	return obj{
		"Archives": obj{"type": "object", "required": []string{"archives"},
			"properties": obj{"archives": obj{"type": "array", "items": obj{"type": "object",
				"required": []string{"name", "format", "layers", "minzoom", "maxzoom", "bounds", "tilejson"},
				"properties": obj{"name": str, "format": obj{"type": "string", "enum": []string{"pmtiles", "mbtiles"}},
					"description": str, "attribution": str, "layers": obj{"type": "array", "items": str},
					"minzoom": obj{"type": "integer"}, "maxzoom": obj{"type": "integer"},
					"bounds":   obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}, "description": "west, south, east, north in degrees"},
					"tilejson": obj{"type": "string", "format": "uri"}}}}}},
	}
}
