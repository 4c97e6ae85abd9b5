package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/schollz/progressbar/v3"

	"bandoso/archive"
	"bandoso/catalog"
	"bandoso/geo"
	"bandoso/store"
	"bandoso/tiles"
)

// exportDefaults are the zooms an export covers unless told: a district to street level.
const (
	exportMinZoom = 10
	exportMaxZoom = 16
)

func runExport(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "export", about: "Export the tiles of an area to a PMTiles or MBTiles file for offline use (field work): the tiles serve sends,\n" +
		"gzipped, byte for byte; tiles without features left out, identical tiles stored once. An export interrupted and run\n" +
		"again with the same flags continues where it stopped; a PMTiles file is written aside and renamed into place at the end."}, env, &cfg)
	bbox := fs.String("bbox", "", "the area: `W,S,E,N` in degrees, e.g. 106.69,10.76,106.71,10.78")
	ward := fs.String("ward", "", "the area: the ward of this `code` (current system first, else the old one), e.g. 26734;\ntiles outside its boundary are left out")
	minZoom := fs.Int("minzoom", exportMinZoom, "lowest zoom exported")
	maxZoom := fs.Int("maxzoom", exportMaxZoom, "highest zoom exported")
	layers := fs.String("layers", "", "`layers` to export, comma-separated, in the order drawn (default: every public layer)")
	out := fs.String("out", "", "`path` of the archive: .pmtiles (PMTiles v3) or .mbtiles (MBTiles 1.3)")
	name := fs.String("name", "", "the archive's name in its metadata (default: the file's name without extension)")
	workers := fs.Int("workers", 2, "tiles made at once")
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	if (*bbox == "") == (*ward == "") {
		return usagef("give the area with one of --bbox and --ward")
	}
	if *out == "" {
		return usagef("--out is required: the archive's path, .pmtiles or .mbtiles")
	}
	if _, err := archive.FormatOf(*out); err != nil {
		return usagef("invalid value %q for --out: not a .pmtiles or .mbtiles file", *out)
	}
	if *minZoom < 0 || *maxZoom > geo.MaxZoom || *minZoom > *maxZoom {
		return usagef("--minzoom %d, --maxzoom %d: want 0 ≤ minzoom ≤ maxzoom ≤ %d", *minZoom, *maxZoom, geo.MaxZoom)
	}
	if *workers < 1 {
		return usagef("invalid value %d for --workers: at least 1", *workers)
	}
	var box orb.Bound
	if *bbox != "" {
		b, err := parseBBox(*bbox)
		if err != nil {
			return usagef("invalid value %q for --bbox: %w", *bbox, err)
		}
		box = b
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(*out), filepath.Ext(*out))
	}

	log := cfg.logger(env.Stderr)
	db, err := store.Open(ctx, string(cfg.Database.URL), store.Options{MaxConns: int32(*workers + 1),
		StatementTimeout: cfg.Database.StatementTimeout, Logger: log, AppName: "bandoso export"})
	if err != nil {
		return err
	}
	defer db.Close()
	cat := catalog.New(db)
	chosen, err := exportLayers(ctx, cat, *layers)
	if err != nil {
		return err
	}
	plan := archive.BoundPlan(box, *minZoom, *maxZoom)
	if *ward != "" {
		area, err := db.WardBoundary(ctx, *ward)
		if errors.Is(err, store.ErrNotFound) {
			return usagef("invalid value %q for --ward: no ward with a boundary has this code", *ward)
		}
		if err != nil {
			return err
		}
		box = area.Bound()
		if plan, err = archive.AreaPlan(area, *minZoom, *maxZoom); err != nil {
			return err
		}
	}
	names := make([]string, len(chosen))
	for i, l := range chosen {
		names[i] = l.Name
	}
	meta := exportMetadata(*name, chosen, box, *minZoom, *maxZoom)
	service := tiles.New(db, cat, nil)
	source := func(ctx context.Context, t geo.Tile) ([]byte, error) {
		tile, err := service.Tile(ctx, names, t)
		if err != nil {
			return nil, err
		}
		return tile.Gzip()
	}
	log.Info("exporting", "out", *out, "layers", strings.Join(names, ","), "tiles", len(plan), "minzoom", *minZoom, "maxzoom", *maxZoom)
	progress := exportProgress(env, len(plan))
	start := time.Now()
	st, err := archive.Export(ctx, *out, plan, meta, source, archive.Options{Workers: *workers, Key: strings.Join(names, ","), Progress: progress.report})
	progress.finish()
	if err != nil {
		return fmt.Errorf("export %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d tiles of %d planned (%d distinct, the rest empty or repeated), %d bytes in %s\n",
		*out, st.Tiles, st.Planned, st.Unique, st.Bytes, time.Since(start).Round(time.Millisecond))
	if st.Resumed > 0 {
		fmt.Fprintf(env.Stdout, "resumed after %d tiles an earlier run had made\n", st.Resumed)
	}
	return nil
}

// exportLayers are the catalog layers list names, or every public one when list is empty.
func exportLayers(ctx context.Context, cat *catalog.Catalog, list string) ([]*catalog.Layer, error) {
	if list == "" {
		public, err := cat.Readable(ctx, catalog.Anyone)
		if err == nil && len(public) == 0 {
			err = errors.New("the catalog has no public layer: name the layers with --layers")
		}
		return public, err
	}
	var out []*catalog.Layer
	for _, n := range strings.Split(list, ",") {
		l, err := cat.Layer(ctx, strings.TrimSpace(n))
		if errors.Is(err, catalog.ErrUnknownLayer) {
			return nil, usagef("invalid value %q for --layers: %w", list, err)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// exportMetadata is the archive's TileJSON: the layers as /tiles/{layers}.json lists
// them, credited as there, over box.
func exportMetadata(name string, layers []*catalog.Layer, box orb.Bound, minZ, maxZ int) archive.Metadata {
	m := archive.Metadata{Name: name, Version: programVersion(), Bounds: box, Center: box.Center(), CenterZoom: minZ, MinZoom: minZ, MaxZoom: maxZ,
		Description: "Vector tiles of bandoso (bản đồ số), exported for offline use; tiles gzipped (Content-Encoding gzip)."}
	var credits []string
	for _, l := range layers {
		m.VectorLayers = append(m.VectorLayers, archive.VectorLayer{ID: l.Name, Description: l.Title + ": " + l.Description,
			MinZoom: max(l.MinZoom, minZ), MaxZoom: min(l.MaxZoom, maxZ), Fields: l.TileFieldKinds()})
		if c := l.Credit(); c != "" && !slices.Contains(credits, c) {
			credits = append(credits, c)
		}
	}
	m.Attribution = strings.Join(credits, "; ")
	return m
}

// progressReport shows an export's progress: a bar on a terminal, else a line after each
// batch of tiles, for logs.
type progressReport struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

func exportProgress(env Env, total int) *progressReport {
	p := &progressReport{w: env.Stderr}
	if env.IsTerminal {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(env.Stderr), progressbar.OptionSetDescription("tiles"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(env.Stderr) }))
	}
	return p
}

func (p *progressReport) report(done, total int) {
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	fmt.Fprintf(p.w, "export: %d/%d tiles (%d%%)\n", done, total, done*100/max(total, 1))
}

func (p *progressReport) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
