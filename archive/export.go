package archive

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/sync/errgroup"

	"bandoso/geo"
)

// Source makes one tile, gzipped as it is served; nil or empty for a tile without features,
// which the archive leaves out.
type Source func(ctx context.Context, t geo.Tile) ([]byte, error)

// Options tune an export.
type Options struct {
	// Workers is how many tiles are made at once; 0 is 2.
	Workers int
	// Key names what besides the plan decides the tiles (the layers, say): an unfinished
	// export is resumed only by one of the same plan and key.
	Key string
	// Progress, when set, hears after each batch how many tiles of the plan are done.
	Progress func(done, total int)
}

// Stats is what an export wrote.
type Stats struct {
	// Planned is the number of tiles of the plan; Resumed those an earlier run had done.
	Planned, Resumed int
	// Tiles is the number of tiles stored (the plan's tiles with features), Unique the
	// number of distinct ones among them, each stored once.
	Tiles, Unique int
	// Bytes is the archive file's size.
	Bytes int64
}

// batch is how many tiles an export makes between checkpoints: an interrupted export
// loses at most this many.
const batch = 256

// writer is one format's archive being written.
type writer interface {
	// done is how many tiles of the plan an earlier run finished; 0 for a fresh file.
	done() int
	// put stores tile t, gzipped; tiles come in plan order.
	put(t geo.Tile, gz []byte) error
	// checkpoint records that the first n tiles of the plan are done.
	checkpoint(n int) error
	// finish writes the metadata and completes the file; the counts are its tiles.
	finish(m Metadata) (tiles, unique int, err error)
	// abort stops writing, keeping what may be resumed.
	abort()
}

// Export writes the tiles of plan that src makes into the archive at path, its format by
// the extension, with metadata m. An export interrupted (ctx cancelled, an error, a crash)
// and run again with the same plan and key continues from its last checkpoint: an MBTiles
// file records it in itself, a PMTiles export in temporary files beside path, the archive
// being written whole and renamed into place at the end, so that path never holds a broken
// one.
func Export(ctx context.Context, path string, plan Plan, m Metadata, src Source, opt Options) (Stats, error) {
	format, err := FormatOf(path)
	if err != nil {
		return Stats{}, err
	}
	var w writer
	if format == PMTiles {
		w, err = createPMTiles(path, plan.key(opt.Key))
	} else {
		w, err = createMBTiles(path, plan.key(opt.Key))
	}
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Planned: len(plan), Resumed: min(w.done(), len(plan))}
	if err := run(ctx, w, plan, st.Resumed, src, opt); err != nil {
		w.abort()
		return st, err
	}
	if st.Tiles, st.Unique, err = w.finish(m); err != nil {
		return st, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return st, err
	}
	st.Bytes = fi.Size()
	return st, nil
}

// run makes the tiles of plan from start on, a batch at a time, workers at once, and
// hands them to w in plan order.
func run(ctx context.Context, w writer, plan Plan, start int, src Source, opt Options) error {
	workers := opt.Workers
	if workers < 1 {
		workers = 2
	}
	tiles := make([][]byte, batch)
	for from := start; from < len(plan); from += batch {
		to := min(from+batch, len(plan))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for i := from; i < to; i++ {
			g.Go(func() error {
				gz, err := src(gctx, plan[i])
				if err != nil {
					return fmt.Errorf("tile %s: %w", plan[i], err)
				}
				tiles[i-from] = gz
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for i := from; i < to; i++ {
			if gz := tiles[i-from]; len(gz) > 0 {
				if err := w.put(plan[i], gz); err != nil {
					return err
				}
			}
		}
		if err := w.checkpoint(to); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(to, len(plan))
		}
	}
	return nil
}
