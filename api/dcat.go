package api

import (
	"fmt"
	"net/http"
	"time"

	"bandoso/catalog"
	"bandoso/ingest"
)

// The layer catalog as DCAT (W3C Data Catalog Vocabulary, version 3) in JSON-LD, after the
// DCAT-AP profile that national and city open-data portals (CKAN's ckanext-dcat, data.europa.eu,
// the Vietnamese national portal) harvest: a dcat:Catalog, a dcat:Dataset per layer the request
// may read, each with a dcat:Distribution per download format and per service, and the OGC API
// and the tiles as dcat:DataService.

// catalogPath is the DCAT catalog's route.
const catalogPath = "/v1/catalog.jsonld"

const mediaJSONLD = "application/ld+json"

// dcatContext maps the document's prefixes to their vocabularies.
var dcatContext = obj{
	"dcat": "http://www.w3.org/ns/dcat#",
	"dct":  "http://purl.org/dc/terms/",
	"foaf": "http://xmlns.com/foaf/0.1/",
	"rdfs": "http://www.w3.org/2000/01/rdf-schema#",
	"xsd":  "http://www.w3.org/2001/XMLSchema#",
	"gsp":  "http://www.opengis.net/ont/geosparql#",
	"adms": "http://www.w3.org/ns/adms#",
}

// dcatFormats are the download formats as distributions: f, title, media type and the EU
// file-type authority's term (DCAT-AP's dct:format vocabulary).
var dcatFormats = []struct{ f, title, media, fileType string }{
	{formatGeoJSON, "GeoJSON", "application/geo+json", "GEOJSON"},
	{formatCSV, "CSV (WKT geometry, UTF-8)", "text/csv", "CSV"},
	{formatGPKG, "GeoPackage", mediaGeoPackage, "GPKG"},
}

// handleDCATCatalog serves GET /v1/catalog.jsonld: the catalog as DCAT in JSON-LD. Restricted
// layers are in it only for a request with an API key, as in /v1/layers.
func (s *Server) handleDCATCatalog(w http.ResponseWriter, r *http.Request) error {
	layers, err := s.visibleLayers(r)
	if err != nil {
		return err
	}
	base := externalBase(r)
	ogcAPI := obj{"@id": base + ogcPrefix, "@type": "dcat:DataService",
		"dct:title":                "OGC API – Features",
		"dcat:endpointURL":         obj{"@id": base + ogcPrefix},
		"dcat:endpointDescription": obj{"@id": base + ogcPrefix + "/api"},
		"dct:conformsTo":           obj{"@id": "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"}}
	tilesAPI := obj{"@id": base + ogcPrefix + "/tiles", "@type": "dcat:DataService",
		"dct:title":                "OGC API – Tiles (Mapbox Vector Tiles)",
		"dcat:endpointURL":         obj{"@id": base + ogcPrefix + "/tiles"},
		"dcat:endpointDescription": obj{"@id": base + ogcPrefix + "/api"},
		"dct:conformsTo":           obj{"@id": "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core"}}
	datasets := []obj{}
	var served []obj
	var modified time.Time
	for _, l := range layers {
		d, updated, err := s.dcatDataset(r, l, base)
		if err != nil {
			return err
		}
		datasets = append(datasets, d)
		served = append(served, obj{"@id": d["@id"]})
		if updated.After(modified) {
			modified = updated
		}
	}
	ogcAPI["dcat:servesDataset"], tilesAPI["dcat:servesDataset"] = served, served
	doc := obj{
		"@context":        dcatContext,
		"@id":             base + catalogPath,
		"@type":           "dcat:Catalog",
		"dct:title":       ogcTitle,
		"dct:description": ogcDescription,
		"dct:publisher":   agent(s.publisher("")),
		"foaf:homepage":   obj{"@id": base + "/"},
		"dcat:dataset":    datasets,
		"dcat:service":    []obj{ogcAPI},
	}
	if s.Tiles != nil {
		doc["dcat:service"] = []obj{ogcAPI, tilesAPI}
	}
	if !modified.IsZero() {
		doc["dct:modified"] = dateTime(modified)
	}
	return s.writeDocument(w, r, mediaJSONLD, doc)
}

// dcatDataset is layer l as a dcat:Dataset, and when it last changed.
func (s *Server) dcatDataset(r *http.Request, l *catalog.Layer, base string) (obj, time.Time, error) {
	e, err := s.catalogEntry(r, l)
	if err != nil {
		return nil, time.Time{}, err
	}
	id := base + "/v1/layers/" + l.Name
	items := base + ogcPrefix + "/collections/" + l.Name + "/items"
	var licence any
	if u := licenceURL(l.Licence); u != "" {
		licence = obj{"@id": u, "@type": "dct:LicenseDocument", "rdfs:label": l.Licence}
	} else if l.Licence != "" {
		licence = obj{"@type": "dct:LicenseDocument", "rdfs:label": l.Licence}
	}
	var dists []obj
	for _, f := range dcatFormats {
		if f.f == formatGPKG && ingest.HaveGDAL() != nil {
			continue // this server cannot make it
		}
		u := id + downloadSuffix + "?f=" + f.f
		dists = append(dists, withLicence(obj{"@id": u, "@type": "dcat:Distribution",
			"dct:title":      l.Title + ": " + f.title,
			"dcat:accessURL": obj{"@id": u}, "dcat:downloadURL": obj{"@id": u},
			"dcat:mediaType": obj{"@id": "https://www.iana.org/assignments/media-types/" + f.media},
			"dct:format":     obj{"@id": "http://publications.europa.eu/resource/authority/file-type/" + f.fileType},
		}, licence))
	}
	dists = append(dists, withLicence(obj{"@id": items, "@type": "dcat:Distribution",
		"dct:title":          l.Title + ": OGC API – Features items",
		"dcat:accessURL":     obj{"@id": items},
		"dcat:mediaType":     obj{"@id": "https://www.iana.org/assignments/media-types/application/geo+json"},
		"dcat:accessService": obj{"@id": base + ogcPrefix}}, licence))
	if s.Tiles != nil {
		dists = append(dists, withLicence(obj{"@id": base + "/tiles/" + l.Name + ".json", "@type": "dcat:Distribution",
			"dct:title":          l.Title + ": vector tiles (TileJSON)",
			"dcat:accessURL":     obj{"@id": base + "/tiles/" + l.Name + ".json"},
			"dcat:mediaType":     obj{"@id": "https://www.iana.org/assignments/media-types/" + mediaMVT},
			"dcat:accessService": obj{"@id": base + ogcPrefix + "/tiles"}}, licence))
	}
	d := obj{"@id": id, "@type": "dcat:Dataset",
		"dct:identifier":    l.Name,
		"dct:title":         l.Title,
		"dct:description":   l.Description,
		"dct:publisher":     agent(s.publisher(l.Source)),
		"dct:modified":      dateTime(e.UpdatedAt),
		"dcat:landingPage":  obj{"@id": base + ogcPrefix + "/collections/" + l.Name},
		"dcat:distribution": dists,
		"adms:status":       obj{"@id": "http://purl.org/adms/status/Completed"},
	}
	if credit := layerCredit(l); credit != "" {
		d["dct:provenance"] = obj{"@type": "dct:ProvenanceStatement", "rdfs:label": credit}
	}
	if licence != nil {
		d["dct:license"] = licence
	}
	if len(e.Extent) == 4 {
		w, south, east, n := e.Extent[0], e.Extent[1], e.Extent[2], e.Extent[3]
		d["dct:spatial"] = obj{"@type": "dct:Location",
			"dcat:bbox": obj{"@type": "gsp:wktLiteral",
				"@value": fmt.Sprintf("POLYGON((%[1]g %[2]g,%[3]g %[2]g,%[3]g %[4]g,%[1]g %[4]g,%[1]g %[2]g))", w, south, east, n)}}
	}
	return d, e.UpdatedAt, nil
}

// publisher names who publishes a layer from source: the configured publisher, else the
// layer's source, else the service.
func (s *Server) publisher(source string) string {
	switch {
	case s.Config.OpenData.Publisher != "":
		return s.Config.OpenData.Publisher
	case source != "":
		return source
	}
	return ogcTitle
}

func agent(name string) obj { return obj{"@type": "foaf:Agent", "foaf:name": name} }

func dateTime(t time.Time) obj {
	return obj{"@type": "xsd:dateTime", "@value": t.UTC().Format(time.RFC3339)}
}

// withLicence adds licence, when there is one, to distribution d.
func withLicence(d obj, licence any) obj {
	if licence != nil {
		d["dct:license"] = licence
	}
	return d
}
