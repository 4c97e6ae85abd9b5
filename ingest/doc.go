// Package ingest reads the files a data steward imports into a layer: GeoJSON (a
// FeatureCollection, a single Feature or a sequence of them), CSV with coordinate or WKT
// columns, and, through GDAL's ogr2ogr, Shapefile and GeoPackage. OpenOSM reads an
// OpenStreetMap extract (PBF or XML) into streets, addresses, POIs and basemap areas. Readers stream one record at
// a time with bounded memory and keep source coordinates: transforming them is the database's
// job, through the pinned VN-2000 transformation (migration 00002), never PROJ's choice.
//
// Each record carries the problems found while reading it (unreadable geometry, text that is
// not Unicode); the checks that need the layer or the database are store's. The report types
// live here, the lowest package that both store and api see.
package ingest
