package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"bandoso/ingest"
	"bandoso/store"
)

// ExitRefused is the exit code of an import whose file validation refused: nothing was written.
const ExitRefused = 3

// exitError ends the program with a code of its own, after its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func runImport(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet("import", "Import a GeoJSON, CSV, Shapefile or GeoPackage file into a layer, all or nothing. Every feature is\n"+
		"checked first (geometry, type, bounds, required fields, keys, Unicode text); one problem refuses the whole file\n"+
		"(exit code 3) and the report lists them all. Shapefile and GeoPackage need GDAL's ogr2ogr (gdal-bin).", env, &cfg)
	layer := fs.String("layer", "", "`layer` to import into (parcels, addresses, planning_zones, wards, wards_2024, streets, plans, road_boundaries)")
	file := fs.String("file", "", "`path` of the file: .geojson/.json, .csv, .shp (or .zip of one), .gpkg")
	format := fs.String("format", "", "file format when the extension does not say: geojson, csv, shapefile or geopackage")
	crs := fs.String("crs", "", "CRS of the file's coordinates, overriding what the file says: any EPSG code the database knows,\ne.g. EPSG:9210 (VN-2000 TM-3 105°45'), EPSG:32648 (WGS 84 / UTM 48N), EPSG:4326")
	var mapping, set keyValues
	fs.Var(&mapping, "map", "`target=source,…`: take the layer's field target from the file's field source (repeatable)")
	fs.Var(&set, "set", "`target=value,…`: a constant for every feature, e.g. plan_id=3 (repeatable)")
	mode := fs.String("mode", "", "append (default; a key already in the layer is a problem), upsert (update by natural key; the default of the ward layers) or replace")
	fix := fs.Bool("fix", false, "repair invalid geometries with ST_MakeValid (the report names each)")
	dryRun := fs.Bool("dry-run", false, "validate and report, write nothing")
	actor := fs.String("actor", "", "who imports, for the audit log (default import:<user>)")
	reportFormat := fs.String("report", "text", "report format on stdout: text or json")
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	if *layer == "" || *file == "" {
		return fmt.Errorf("%w: --layer and --file are required", errUsage)
	}
	if *reportFormat != "text" && *reportFormat != "json" {
		return fmt.Errorf("%w: --report: %q is neither text nor json", errUsage, *reportFormat)
	}
	opt := ingest.Options{Format: *format}
	if *crs != "" {
		srid, ok := ingest.ParseCRS(*crs)
		if !ok {
			return fmt.Errorf("%w: --crs: %q is not an EPSG code, e.g. EPSG:9210 (VN-2000 TM-3 105°45') or EPSG:32648 (WGS 84 / UTM 48N)", errUsage, *crs)
		}
		opt.SRID = srid
	}
	if *actor == "" {
		*actor = "import:" + osUser()
	}
	bar := importProgress(env, *file)
	if bar != nil {
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
	}
	src, err := ingest.Open(*file, opt)
	if errors.Is(err, ingest.ErrNeedCRS) {
		return fmt.Errorf("%w: %w; pass --crs, e.g. --crs EPSG:9210 (VN-2000 TM-3 105°45') or EPSG:32648 (WGS 84 / UTM 48N)", errUsage, err)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	log := cfg.logger(env.Stderr)
	db, err := store.Open(ctx, string(cfg.DatabaseURL), store.Options{MaxConns: 2, StatementTimeout: -1, Logger: log, AppName: "bandoso import"})
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Import(ctx, src, store.ImportOptions{Layer: *layer, Mode: *mode, Fix: *fix, DryRun: *dryRun,
		Map: mapping.m, Set: set.m, Actor: *actor})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		var pe *store.ImportParamError
		if errors.As(err, &pe) {
			return fmt.Errorf("%w: --%s: %s", errUsage, pe.Param, pe.Reason)
		}
		return err
	}
	if *reportFormat == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		writeReport(env.Stdout, rep)
	}
	if rep.Outcome == store.OutcomeRefused {
		return &exitError{code: ExitRefused, err: fmt.Errorf("import refused: %d problem(s), nothing written", rep.Refusals)}
	}
	return nil
}

// writeReport writes the report as lines for people.
func writeReport(w io.Writer, r store.ImportReport) {
	swapped := ""
	if r.XYSwapped {
		swapped = ", x/y swapped (x held northings)"
	}
	fmt.Fprintf(w, "%s → layer %s (%s, %s from %s%s, mode %s)\n", r.File, r.Layer, r.Format, r.CRS, r.CRSFrom, swapped, r.Mode)
	for _, p := range r.Problems {
		where := fmt.Sprintf("feature %d", p.Feature)
		if p.Feature == 0 {
			where = "file"
		}
		if p.ID != "" {
			where += " (id " + p.ID + ")"
		}
		if p.Field != "" {
			where += " " + p.Field
		}
		fmt.Fprintf(w, "  %s: %s: %s [%s]\n", where, p.Problem, p.Detail, p.Action)
	}
	if n := countAll(r.ProblemCounts); n > len(r.Problems) {
		fmt.Fprintf(w, "  … %d more problems\n", n-len(r.Problems))
	}
	switch r.Outcome {
	case store.OutcomeWritten:
		fmt.Fprintf(w, "read %d features, wrote %d (%d inserted, %d updated) in %.1fs\n", r.Read, r.Written, r.Inserted, r.Updated, r.Seconds)
	case store.OutcomeDryRun:
		fmt.Fprintf(w, "read %d features: all would be written (dry run: nothing written)\n", r.Read)
	default:
		fmt.Fprintf(w, "read %d features: refused, %d problem(s); nothing written\n", r.Read, r.Refusals)
	}
}

func countAll(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
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

func (k *keyValues) String() string { return "" }

func (k *keyValues) Set(s string) error {
	if k.m == nil {
		k.m = map[string]string{}
	}
	return ingest.ParseKeyValues(s, k.m)
}
