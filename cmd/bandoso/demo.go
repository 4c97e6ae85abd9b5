package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/schollz/progressbar/v3"

	"bandoso/demo"
	"bandoso/store"
)

func runDemo(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "demo", about: "Generate the synthetic demo city and load it, replacing the demo layers in one transaction.\n" +
		"Does nothing when the same seed, size and generator version are loaded already (see --force).\n" +
		"With --osm, write it as OpenStreetMap data instead, quirks of real OSM included."}, env, &cfg)
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed and size give the same city")
	sizeFlag := fs.String("size", "small", "small (~20k parcels), district (~100k), city (~1M), or a number of parcels")
	force := fs.Bool("force", false, "load even when this city is loaded already, and replace layers holding non-synthetic data")
	boundaries := fs.Bool("boundaries-only", false, "load only the wards' and districts' boundaries, e.g. to import the city's\n"+
		"OpenStreetMap export (--osm) into them")
	osmFile := fs.String("osm", "", "write the city to this OpenStreetMap `file` instead of loading it: .osm.pbf (or .pbf) for PBF,\n"+
		".osm for XML; needs no database")
	importStatementFlag(fs, &cfg)
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	size, err := demo.ParseSize(*sizeFlag)
	if err != nil {
		return usagef("invalid value %q for --size: %w", *sizeFlag, err)
	}
	if *osmFile != "" {
		if *force {
			return usagef("--force applies to loading the city, not to --osm")
		}
		return writeDemoOSM(env, *osmFile, *seed, size)
	}
	if err := cfg.check(); err != nil {
		return err
	}
	log := cfg.logger(env.Stderr)
	opt := cfg.importOptions(log)
	opt.AppName = "bandoso demo"
	db, err := store.Open(ctx, string(cfg.Database.URL), opt)
	if err != nil {
		return err
	}
	defer db.Close()
	if !*force {
		info, err := db.DemoLoaded(ctx)
		switch {
		case err == nil && info.Seed == *seed && info.Size == size && info.Version == demo.GeneratorVersion && info.BoundariesOnly == *boundaries:
			fmt.Fprintf(env.Stdout, "demo city seed %d size %d (generator %s) is loaded already (%d parcels, %d addresses); --force reloads it\n",
				info.Seed, info.Size, info.Version, info.Parcels, info.Addresses)
			return nil
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	start := time.Now()
	city, err := demo.New(*seed, size)
	if err != nil {
		return err
	}
	info, err := db.LoadDemo(ctx, city, store.DemoLoadOptions{Force: *force, Progress: progress(env, log, size), BoundariesOnly: *boundaries})
	if errors.Is(err, store.ErrNotSynthetic) {
		return fmt.Errorf("demo: %w (use --force to replace it)", err)
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(env.Stdout, "loaded demo city seed %d size %d in %s:\n", info.Seed, info.Size, time.Since(start).Round(time.Millisecond))
	for _, t := range []string{"admin_units", "streets", "parcels", "addresses", "plans", "planning_zones", "road_boundaries", "osm_areas", "osm_lines"} {
		fmt.Fprintf(env.Stdout, "  %-17s %9d rows\n", t, info.Rows[t])
	}
	return nil
}

// progress shows a bar per table on a terminal, and otherwise logs each table once done.
// Parcels and addresses are sized from the target, other tables are open-ended.
func progress(env Env, log *slog.Logger, parcels int) func(string, int64) {
	if !env.IsTerminal {
		var last string
		var lastN int64
		return func(table string, n int64) {
			if table != last && last != "" {
				log.Info("demo table loaded", "table", last, "rows", lastN)
			}
			last, lastN = table, n
			if table == "road_boundaries" {
				log.Info("demo table loaded", "table", table, "rows", n)
			}
		}
	}
	var bar *progressbar.ProgressBar
	var current string
	return func(table string, n int64) {
		if table != current {
			if bar != nil {
				_ = bar.Finish()
			}
			current = table
			max := int64(-1)
			switch table {
			case "parcels":
				max = int64(parcels)
			case "addresses":
				max = int64(2 * parcels)
			}
			bar = progressbar.NewOptions64(max, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription(fmt.Sprintf("%-16s", table)),
				progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(env.Stderr) }))
		}
		_ = bar.Set64(n)
	}
}
