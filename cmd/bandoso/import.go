package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"bandoso/ingest"
	"bandoso/store"
)

func runImport(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "import", about: "Import a GeoJSON, CSV, Shapefile or GeoPackage file into a layer. Every feature is checked first\n" +
		"(geometry, type, bounds, required fields, keys, every rule of the layer's table, Unicode text). By default one\n" +
		"refused feature refuses the whole file (exit code 3, nothing written); --on-invalid skip writes the others and\n" +
		"gives the refused ones back in a rejects file. Shapefile and GeoPackage need GDAL's ogr2ogr (gdal-bin)."}, env, &cfg)
	layer := fs.String("layer", "", "`layer` to import into (parcels, addresses, planning_zones, wards, wards_2024, streets, plans, road_boundaries),\n"+
		"or osm: an OpenStreetMap extract into streets, addresses, pois and the basemap layers")
	file := fs.String("file", "", "`path` of the file: .geojson/.json, .csv, .shp (or .zip of one), .gpkg; with --layer osm .osm.pbf or .osm")
	format := fs.String("format", "", "file format when the extension does not say: geojson, csv, shapefile or geopackage")
	sourceLayer := fs.String("source-layer", "", "the `layer` of the file to read, for a GeoPackage (or a .zip of Shapefiles) holding several")
	crs := fs.String("crs", "", "CRS of the file's coordinates, overriding what the file says: any EPSG code the database knows,\n"+
		"e.g. EPSG:9210 (VN-2000 TM-3 105°45'), EPSG:32648 (WGS 84 / UTM 48N), EPSG:4326")
	var mapping, set keyValues
	fs.Var(&mapping, "map", "`target=source,…`: take the layer's field target from the file's field source (repeatable)")
	fs.Var(&set, "set", "`target=value,…`: a constant for every feature, e.g. plan_id=3 (repeatable)")
	mode := fs.String("mode", "", "append (default; a key already in the layer is a problem), upsert (update by natural key; the default of the ward layers) or replace")
	onInvalid := fs.String("on-invalid", store.OnInvalidRefuse, "refuse: one refused feature refuses the file; skip: write the valid features, the others go to --rejects")
	rejects := fs.String("rejects", "", "`path` to write the refused features to, with their reasons, ready to fix and import again\n"+
		"(.geojson, .csv, .shp, .gpkg; default with --on-invalid skip: <file>.rejects.<ext> in the current folder)")
	bounds := fs.String("bounds", "", "plausibility box features must fall in: vn, a province of 2025 (79, \"Hồ Chí Minh\"), or minlon,minlat,maxlon,maxlat\n"+
		"(default: the catalog's region, dataset_info import_region, else vn)")
	fix := fs.Bool("fix", false, "repair geometries: close rings, remove repeated points, ST_MakeValid (the report names each repair)")
	dryRun := fs.Bool("dry-run", false, "do everything but commit: every check and constraint is evaluated, nothing is written")
	source := fs.String("source", "", "where the data comes from, for the layer's catalog entry (e.g. \"Sở Tài nguyên và Môi trường, 2024\")")
	licence := fs.String("licence", "", "the data's licence, for the layer's catalog entry (e.g. CC-BY-4.0)")
	bbox := fs.String("bbox", "", "with --layer osm: `minlon,minlat,maxlon,maxlat`, the part of the extract to import")
	actor := fs.String("actor", "", "who imports, for the audit log (default import:<user>)")
	reportFormat := fs.String("report", "text", "report format on stdout: text (counts by problem with examples) or json (every problem)")
	importStatementFlag(fs, &cfg)
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	if *layer == "" || *file == "" {
		return usagef("--layer and --file are required")
	}
	if *reportFormat != "text" && *reportFormat != "json" {
		return usagef("invalid value %q for --report: text or json", *reportFormat)
	}
	if *actor == "" {
		*actor = "import:" + osUser()
	}
	if *layer == osmLayer {
		if err := osmOnly(fs); err != nil {
			return err
		}
		return runImportOSM(ctx, env, cfg, osmImport{file: *file, bbox: *bbox, actor: *actor, dryRun: *dryRun, report: *reportFormat})
	}
	if *bbox != "" {
		return usagef("--bbox is for --layer osm; a file's plausibility box is --bounds")
	}
	if *onInvalid == store.OnInvalidSkip && *rejects == "" {
		*rejects = defaultRejectsPath(*file)
	}
	if *rejects != "" {
		if f, err := ingest.FormatOf(*rejects); err != nil || f == ingest.FormatOSM {
			return usagef("invalid value %q for --rejects: not a .geojson, .csv, .shp or .gpkg file", *rejects)
		}
	}
	opt := ingest.Options{Format: *format, Fix: *fix, Layer: *sourceLayer}
	if *crs != "" {
		srid, ok := ingest.ParseCRS(*crs)
		if !ok {
			return usagef("invalid value %q for --crs: not an EPSG code, e.g. EPSG:9210 (VN-2000 TM-3 105°45') or EPSG:32648 (WGS 84 / UTM 48N)", *crs)
		}
		opt.SRID = srid
	}
	bar := importProgress(env, *file)
	if bar != nil {
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
	}
	src, err := ingest.Open(*file, opt)
	if errors.Is(err, ingest.ErrLayer) {
		return usagef("%w: name one with --source-layer", err)
	}
	if errors.Is(err, ingest.ErrOSM) {
		return usagef("%w: import it with --layer osm", err)
	}
	if errors.Is(err, ingest.ErrNeedCRS) {
		return usagef("%w; pass --crs, e.g. --crs EPSG:9210 (VN-2000 TM-3 105°45') or EPSG:32648 (WGS 84 / UTM 48N)", err)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	log := cfg.logger(env.Stderr)
	db, err := store.Open(ctx, string(cfg.Database.URL), cfg.importOptions(log))
	if err != nil {
		return err
	}
	defer db.Close()
	rw := &rejectsFile{path: *rejects, src: src}
	iopt := store.ImportOptions{Layer: *layer, Mode: *mode, Fix: *fix, DryRun: *dryRun, OnInvalid: *onInvalid, Bounds: *bounds,
		Map: mapping.m, Set: set.m, Source: *source, Licence: *licence, Actor: *actor}
	if *rejects != "" {
		iopt.Rejects = rw.write
	}
	rep, err := db.Import(ctx, src, iopt)
	if bar != nil {
		_ = bar.Finish()
	}
	if cerr := rw.close(); err == nil {
		err = cerr
	}
	if err != nil {
		var pe *store.ImportParamError
		if errors.As(err, &pe) {
			return usagef("--%s: %s", strings.ReplaceAll(pe.Param, "_", "-"), pe.Reason)
		}
		return err
	}
	if *reportFormat == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		writeReport(env.Stdout, rep, rw)
	}
	if rep.Outcome == store.OutcomeRefused {
		return &exitError{code: ExitRefused, err: fmt.Errorf("import refused: %d feature(s) with problems, nothing written", rep.Rejected)}
	}
	return nil
}

// defaultRejectsPath is <name>.rejects.<ext> in the current folder, in the input's format.
func defaultRejectsPath(file string) string {
	base := filepath.Base(file)
	ext := filepath.Ext(base)
	name := strings.TrimSuffix(base, ext)
	switch strings.ToLower(ext) {
	case ".zip":
		name, ext = strings.TrimSuffix(name, filepath.Ext(name)), ".shp"
	case ".json", ".geojsonl", ".geojsons", ".ndjson", ".jsonl":
		ext = ".geojson"
	case ".tsv", ".txt":
		ext = ".csv"
	}
	return name + ".rejects" + ext
}

// rejectsFile writes refused features to path, created at the first one.
type rejectsFile struct {
	path string
	src  ingest.Reader
	w    *ingest.RejectsWriter
}

func (r *rejectsFile) write(f ingest.RejectedFeature) error {
	if r.w == nil {
		w, err := ingest.NewRejectsWriter(r.path, f.SRID, r.src.Source().Columns)
		if err != nil {
			return fmt.Errorf("--rejects: %w", err)
		}
		r.w = w
	}
	return r.w.Write(f)
}

func (r *rejectsFile) close() error {
	if r.w == nil {
		return nil
	}
	return r.w.Close()
}

// importProgress is a bar over the bytes of the file, on a terminal only.
func importProgress(env Env, file string) *progressbar.ProgressBar {
	if !env.IsTerminal {
		return nil
	}
	max := int64(-1)
	if fi, err := os.Stat(file); err == nil {
		if f, _ := ingest.FormatOf(file); f == ingest.FormatGeoJSON || f == ingest.FormatCSV {
			max = fi.Size()
		}
	}
	return progressbar.NewOptions64(max, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(env.Stderr) }))
}

// keyValues is a repeatable flag of target=value pairs separated by commas.
type keyValues struct{ m map[string]string }

func (k *keyValues) String() string {
	pairs := make([]string, 0, len(k.m))
	for key, v := range k.m {
		pairs = append(pairs, key+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

func (k *keyValues) Set(s string) error {
	if k.m == nil {
		k.m = map[string]string{}
	}
	return ingest.ParseKeyValues(s, k.m)
}
