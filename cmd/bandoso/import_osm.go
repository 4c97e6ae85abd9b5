package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"bandoso/geo"
	"bandoso/ingest"
	"bandoso/store"
)

// osmLayer is the --layer of an OpenStreetMap extract, which feeds several layers.
const osmLayer = "osm"

// osmImport is what `bandoso import --layer osm` was asked.
type osmImport struct {
	file, bbox, actor, report string
	dryRun                    bool
}

// osmOnly refuses the flags of file imports, which an extract has no use for.
func osmOnly(fs *flag.FlagSet) error {
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "map", "set", "crs", "mode", "on-invalid", "rejects", "fix", "bounds", "format", "source", "licence", "source-layer":
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return usagef("%s: not for --layer osm, whose tags say what each object is (the catalog records %s)",
			strings.Join(bad, ", "), store.OSMLicence)
	}
	return nil
}

// runImportOSM imports an OpenStreetMap extract: streets, addresses, POIs and basemap layers.
func runImportOSM(ctx context.Context, env Env, cfg Config, o osmImport) error {
	opt := ingest.OSMOptions{}
	if o.bbox != "" {
		b, err := parseBBox(o.bbox)
		if err != nil {
			return usagef("invalid value %q for --bbox: %w", o.bbox, err)
		}
		opt.BBox = &b
	}
	if bar := importProgress(env, o.file); bar != nil {
		if fi, err := os.Stat(o.file); err == nil {
			bar.ChangeMax64(fi.Size())
		}
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
		defer bar.Finish()
	}
	r, err := ingest.OpenOSM(o.file, opt)
	if err != nil {
		return err
	}
	defer r.Close()
	log := cfg.logger(env.Stderr)
	db, err := store.Open(ctx, string(cfg.Database.URL), cfg.importOptions(log))
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.ImportOSM(ctx, r, store.OSMImportOptions{File: o.file, Actor: o.actor, DryRun: o.dryRun})
	if err != nil {
		return err
	}
	if o.report == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeOSMReport(env.Stdout, rep)
	return nil
}

// parseBBox reads minlon,minlat,maxlon,maxlat.
func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, fmt.Errorf("%q is not minlon,minlat,maxlon,maxlat", s)
	}
	var b orb.Bound
	for i, v := range []*float64{&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]} {
		x, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		if err != nil {
			return orb.Bound{}, fmt.Errorf("%q is not a number", parts[i])
		}
		*v = x
	}
	if !geo.IsDegreesBox(b) {
		return orb.Bound{}, fmt.Errorf("%q is not a box in degrees, west to east and south to north", s)
	}
	return b, nil
}

// writeOSMReport writes what an extract held and what its import did.
func writeOSMReport(w io.Writer, r store.OSMReport) {
	p := message.NewPrinter(language.English)
	b := r.Bounds.Bound()
	p.Fprintf(w, "%s → OpenStreetMap layers (bounds %.5f,%.5f,%.5f,%.5f)\n", r.File, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	var kinds []string
	for _, k := range []string{ingest.OSMRoad, ingest.OSMRailway, ingest.OSMWaterway, ingest.OSMWater, ingest.OSMPark,
		ingest.OSMLanduse, ingest.OSMBuilding, ingest.OSMPOI, ingest.OSMAddress} {
		if n := r.Records[k]; n > 0 {
			kinds = append(kinds, p.Sprintf("%d %s", n, k))
		}
	}
	fmt.Fprintf(w, "  read: %s\n", strings.Join(kinds, ", "))
	for _, t := range []struct {
		name string
		c    store.OSMCounts
	}{{"lines", r.Lines}, {"areas", r.Areas}, {"pois", r.POIs}, {"streets", r.Streets}, {"addresses", r.Addresses}} {
		p.Fprintf(w, "  %-10s %9d inserted %9d updated %9d unchanged %9d deleted\n", t.name, t.c.Inserted, t.c.Updated, t.c.Unchanged, t.c.Deleted)
	}
	if r.Skipped > 0 {
		p.Fprintf(w, "  %d records skipped:\n", r.Skipped)
	}
	for _, g := range r.Summary {
		p.Fprintf(w, "  %-8s %-20s %d\n", g.Action, g.Problem, g.Count)
		for _, e := range g.Examples {
			fmt.Fprintf(w, "      %s\n", strings.Replace(problemLine(e), "feature", "record", 1))
		}
		if more := g.Count - len(g.Examples); more > 0 {
			p.Fprintf(w, "      … and %d more\n", more)
		}
	}
	verb := "imported"
	if r.DryRun {
		verb = "dry run: nothing written"
	}
	fmt.Fprintf(w, "%s in %.1fs\n", verb, r.Seconds)
}
