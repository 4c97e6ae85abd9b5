package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/geojson"

	"bandoso/ingest"
)

// An OpenStreetMap extract is imported as the basemap (osm_lines, osm_areas), named places
// (pois), logical streets (one per name per ward, from its named highway ways) and addresses
// (every object with a house number). Objects are kept by their OSM id, so importing a newer
// extract of an area updates what changed and removes what vanished inside its bounds.
// Unlike a file import, one messy object does not refuse the extract: it is skipped and
// reported.

// OSMReader is what ImportOSM reads: ingest's OSMReader.
type OSMReader interface {
	Next() (ingest.OSMRecord, error)
	Bounds() orb.Bound
}

// OSMImportOptions say how to import an extract.
type OSMImportOptions struct {
	File   string // the file's name, for the record
	Actor  string // who imports, for the audit log
	DryRun bool   // do everything, then roll back
}

// OSMLicence is what the catalog says of the layers an extract feeds.
const OSMLicence = "© OpenStreetMap contributors, ODbL"

// OSMCounts is what an import did to one table.
type OSMCounts struct {
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Deleted   int `json:"deleted"`
}

// OSMReport says what an extract held and what its import did.
type OSMReport struct {
	File   string       `json:"file"`
	Bounds geojson.BBox `json:"bounds"` // min lon, min lat, max lon, max lat: where vanished objects were removed
	DryRun bool         `json:"dry_run"`
	// Records counts what was read by kind (road, building, address, poi, …).
	Records   map[string]int `json:"records"`
	Lines     OSMCounts      `json:"lines"`
	Areas     OSMCounts      `json:"areas"`
	POIs      OSMCounts      `json:"pois"`
	Streets   OSMCounts      `json:"streets"`
	Addresses OSMCounts      `json:"addresses"`
	// Skipped counts the records not imported (no geometry, an address without a street…);
	// Summary groups their problems with a few examples.
	Skipped       int            `json:"skipped"`
	ProblemCounts map[string]int `json:"problem_counts"`
	Summary       []ProblemGroup `json:"summary"`
	Seconds       float64        `json:"seconds"`
}

// RecordsRead is the number of records the extract held.
func (r OSMReport) RecordsRead() int {
	n := 0
	for _, c := range r.Records {
		n += c
	}
	return n
}

// osmLog collects problems as groups with examples only: a country extract has too many to
// list.
type osmLog struct {
	rep *OSMReport
	at  map[[2]string]int
}

func (l *osmLog) add(p ingest.Problem) {
	l.rep.ProblemCounts[p.Problem]++
	k := [2]string{p.Problem, p.Action}
	i, ok := l.at[k]
	if !ok {
		i = len(l.rep.Summary)
		l.at[k] = i
		l.rep.Summary = append(l.rep.Summary, ProblemGroup{Problem: p.Problem, Action: p.Action, Examples: []ingest.Problem{}})
	}
	g := &l.rep.Summary[i]
	g.Count++
	if len(g.Examples) < groupExamples {
		g.Examples = append(g.Examples, p)
	}
}

// ImportOSM imports an extract in one transaction.
func (db *DB) ImportOSM(ctx context.Context, r OSMReader, opt OSMImportOptions) (OSMReport, error) {
	start := time.Now()
	rep := OSMReport{File: opt.File, DryRun: opt.DryRun, Records: map[string]int{}, ProblemCounts: map[string]int{}, Summary: []ProblemGroup{}}
	log := &osmLog{rep: &rep, at: map[[2]string]int{}}
	err := db.bulkTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('bandoso.actor', $1, true)`, opt.Actor); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlOSMStage); err != nil {
			return err
		}
		if err := stageOSM(ctx, tx, r, &rep, log); err != nil {
			return err
		}
		rep.Bounds = geojson.NewBBox(r.Bounds())
		o := osmImport{tx: tx, rep: &rep, log: log}
		if err := o.run(ctx, opt); err != nil {
			return err
		}
		if opt.DryRun {
			return errRollback
		}
		return nil
	})
	sort.SliceStable(rep.Summary, func(i, j int) bool { return rep.Summary[i].Count > rep.Summary[j].Count })
	rep.Seconds = time.Since(start).Seconds()
	if errors.Is(err, errRollback) {
		err = nil
	}
	return rep, err
}

// sqlOSMStage holds an extract's records: the geometry in WGS84, and for addresses the house
// number and street as read from their tags.
const sqlOSMStage = `
CREATE TEMP TABLE osm_stage (
	n integer NOT NULL,
	osm_id text NOT NULL,
	kind text NOT NULL,
	key text NOT NULL,
	class text NOT NULL,
	name text,
	tags jsonb NOT NULL,
	geom geometry, -- NULL: read but not imported (its problems say why); not vanished either
	house text,
	street text
) ON COMMIT DROP`

// stageOSM streams the records into osm_stage with COPY; records without a geometry, and
// addresses without a house number, are skipped and reported, staged without a geometry so
// that what the area held before is not taken for vanished.
func stageOSM(ctx context.Context, tx pgx.Tx, r OSMReader, rep *OSMReport, log *osmLog) error {
	var readErr error
	rows := pgx.CopyFromFunc(func() ([]any, error) {
		for {
			rec, err := r.Next()
			if err == io.EOF {
				return nil, nil
			}
			if err != nil {
				readErr = err
				return nil, err
			}
			rep.Records[rec.Kind]++
			row, ok, err := osmRow(rec, log)
			if err != nil {
				return nil, err
			}
			if !ok {
				rep.Skipped++
			}
			return row, nil
		}
	})
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"osm_stage"}, []string{"n", "osm_id", "kind", "key", "class", "name", "tags", "geom", "house", "street"}, rows)
	if readErr != nil {
		return readErr
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `CREATE INDEX ON osm_stage (kind, osm_id); ANALYZE osm_stage`)
	return err
}

// osmRow is a record as osm_stage's columns; false (and no geometry) when it cannot be
// imported.
func osmRow(rec ingest.OSMRecord, log *osmLog) ([]any, bool, error) {
	ok := rec.Geom != nil
	for _, p := range rec.Problems {
		p.Feature, p.ID = rec.N, rec.ID
		log.add(p)
		ok = ok && p.Action != ingest.Refused
	}
	var house, street *string
	if ok && rec.Kind == ingest.OSMAddress {
		h, s, p := osmAddress(rec.Tags)
		if p != nil {
			p.Feature, p.ID = rec.N, rec.ID
			log.add(*p)
			ok = false
		}
		house, street = &h, nilIfEmpty(s)
	}
	var geom []byte
	if ok {
		var err error
		if geom, err = ewkb.Marshal(rec.Geom, 4326); err != nil {
			return nil, false, err
		}
	}
	return []any{rec.N, rec.ID, rec.Kind, rec.Key, rec.Class, nilIfEmpty(rec.Name), rec.Tags, geom, house, street}, ok, nil
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// osmImport runs the set-based steps of an import over osm_stage.
type osmImport struct {
	tx  pgx.Tx
	rep *OSMReport
	log *osmLog
}

func (o *osmImport) run(ctx context.Context, opt OSMImportOptions) error {
	b := o.rep.Bounds
	bounds := fmt.Sprintf("ST_MakeEnvelope(%g, %g, %g, %g, 4326)", b[0], b[1], b[2], b[3])
	if _, err := o.tx.Exec(ctx, `CREATE TEMP TABLE osm_bounds ON COMMIT DROP AS SELECT `+bounds+` AS g`); err != nil {
		return err
	}
	// The basemap mirrors OpenStreetMap, whose own history is OpenStreetMap's: its rows are
	// recorded per import (osm_imports), not one audit row each, which for a country would be
	// millions. The streets and addresses derived from it are the city's, audited as edits are.
	steps := []struct {
		counts *OSMCounts
		sql    []string
		audit  string
	}{
		{&o.rep.Lines, sqlOSMLines, "off"},
		{&o.rep.Areas, sqlOSMAreas, "off"},
		{&o.rep.POIs, sqlOSMPOIs, "off"},
		{&o.rep.Streets, sqlOSMStreets, "on"},
		{&o.rep.Addresses, sqlOSMAddresses, "on"},
	}
	for _, s := range steps {
		if _, err := o.tx.Exec(ctx, `SELECT set_config('bandoso.audit', $1, true)`, s.audit); err != nil {
			return err
		}
		if err := o.apply(ctx, s.counts, s.sql); err != nil {
			return err
		}
	}
	if err := o.addressProblems(ctx); err != nil {
		return err
	}
	if err := o.apply(ctx, &o.rep.Streets, sqlOSMStreetsGone); err != nil {
		return err
	}
	counts := map[string]any{"records": o.rep.Records, "lines": o.rep.Lines, "areas": o.rep.Areas, "pois": o.rep.POIs,
		"streets": o.rep.Streets, "addresses": o.rep.Addresses, "skipped": o.rep.Skipped}
	if _, err := o.tx.Exec(ctx, `INSERT INTO osm_imports (file, bounds, actor, counts) SELECT $1, g, $2, $3 FROM osm_bounds`,
		opt.File, opt.Actor, counts); err != nil {
		return err
	}
	_, err := o.tx.Exec(ctx, sqlOSMCatalog, OSMLicence)
	return err
}

// apply runs statements that each return rows of one column, "inserted", "updated",
// "unchanged" or "deleted", and counts them.
func (o *osmImport) apply(ctx context.Context, c *OSMCounts, stmts []string) error {
	for _, q := range stmts {
		rows, _ := o.tx.Query(ctx, q)
		var what string
		_, err := pgx.ForEachRow(rows, []any{&what}, func() error {
			switch what {
			case "inserted":
				c.Inserted++
			case "updated":
				c.Updated++
			case "unchanged":
				c.Unchanged++
			case "deleted":
				c.Deleted++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("osm import: %w", err)
		}
	}
	return nil
}

// addressProblems reports the addresses the SQL steps could not place.
func (o *osmImport) addressProblems(ctx context.Context) error {
	rows, _ := o.tx.Query(ctx, `SELECT n, osm_id, field, code, detail FROM osm_address_problems ORDER BY n`)
	var p ingest.Problem
	_, err := pgx.ForEachRow(rows, []any{&p.Feature, &p.ID, &p.Field, &p.Problem, &p.Detail}, func() error {
		p.Action = ingest.Refused
		o.log.add(p)
		o.rep.Skipped++
		return nil
	})
	return err
}
