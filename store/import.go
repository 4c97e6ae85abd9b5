package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"

	"bandoso/ingest"
)

// ImportOptions say how to import a file into a layer.
type ImportOptions struct {
	Layer  string
	Mode   string            // ModeAppend, ModeUpsert or ModeReplace; "" takes the layer's default
	Fix    bool              // repair invalid geometries with ST_MakeValid
	DryRun bool              // validate and report, never write
	Map    map[string]string // target field → source field
	Set    map[string]string // target field → constant
	Actor  string            // who imports, for the audit log
}

// Outcomes of an import.
const (
	OutcomeWritten = "written"
	OutcomeRefused = "refused" // some feature has a problem: nothing was written
	OutcomeDryRun  = "dry_run" // clean, but --dry-run: nothing was written
)

// MaxListedProblems caps the problems an ImportReport lists; its counts stay complete.
const MaxListedProblems = 1000

// ImportReport says what an import found and did.
type ImportReport struct {
	Layer string `json:"layer"`
	ingest.Source
	CRS      string `json:"crs"`
	Mode     string `json:"mode"`
	DryRun   bool   `json:"dry_run"`
	Fix      bool   `json:"fix"`
	Outcome  string `json:"outcome"`
	Read     int    `json:"features_read"`
	Written  int    `json:"written"`
	Inserted int    `json:"inserted"`
	Updated  int    `json:"updated"`
	// ProblemCounts counts every problem by code; Problems lists the first MaxListedProblems
	// in feature order.
	ProblemCounts map[string]int   `json:"problem_counts"`
	Refusals      int              `json:"refusals"`
	Problems      []ingest.Problem `json:"problems"`
	Seconds       float64          `json:"seconds"`
}

// problemLog keeps the first MaxListedProblems problems and counts them all.
type problemLog struct {
	rep *ImportReport
}

func (l problemLog) add(p ingest.Problem) {
	l.rep.ProblemCounts[p.Problem]++
	if p.Action == ingest.Refused {
		l.rep.Refusals++
	}
	if len(l.rep.Problems) < MaxListedProblems {
		l.rep.Problems = append(l.rep.Problems, p)
	}
}

// Import reads every record of src into a staging table, checks them against the layer, and
// writes them in the same transaction only when no feature has a problem left (and not a dry
// run). Either every feature is written or none: a failure at any point rolls back. A refused
// file is not an error: the report's Outcome says so.
func (db *DB) Import(ctx context.Context, src ingest.Reader, opt ImportOptions) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{Layer: opt.Layer, DryRun: opt.DryRun, Fix: opt.Fix, ProblemCounts: map[string]int{}, Problems: []ingest.Problem{}}
	log := problemLog{&rep}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('bandoso.actor', $1, true)`, opt.Actor); err != nil {
			return err
		}
		t, err := loadImportTarget(ctx, tx, opt.Layer)
		if err != nil {
			return err
		}
		if rep.Mode, err = importMode(t, opt.Mode); err != nil {
			return err
		}
		fm, err := newFieldMap(t, opt.Map, opt.Set)
		if err != nil {
			return err
		}
		srid, err := importSRID(ctx, tx, src.Source())
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlImportStage); err != nil {
			return err
		}
		if rep.Read, err = stageRecords(ctx, tx, src, srid, fm, log); err != nil {
			return err
		}
		rep.Source = src.Source()
		if srid != 0 {
			rep.Source.SRID = srid
		}
		rep.CRS = fmt.Sprintf("EPSG:%d", rep.Source.SRID)
		if f := rep.Source.FileSRID; f != 0 {
			log.add(ingest.Problem{Field: "crs", Problem: ingest.CRSOverridden, Action: ingest.Warning,
				Detail: fmt.Sprintf("%s names EPSG:%d; the CRS given, EPSG:%d, is used instead", ingest.CRSWhere(rep.Source.Format), f, rep.Source.SRID)})
		}
		if rep.Source.XYSwapped {
			log.add(ingest.Problem{Field: "x", Problem: ingest.AxisSwap, Action: ingest.Warning,
				Detail: "the x column holds northings (Vietnamese surveys call northing X): read x as northing and y as easting"})
		}
		ck := importCheck{tx: tx, t: t, fm: fm, mode: rep.Mode, fix: opt.Fix, srid: rep.Source.SRID}
		if err := ck.run(ctx); err != nil {
			return err
		}
		if err := ck.collect(ctx, log); err != nil {
			return err
		}
		switch {
		case rep.Refusals > 0:
			rep.Outcome = OutcomeRefused
			return errRollback
		case opt.DryRun:
			rep.Outcome = OutcomeDryRun
			return errRollback
		}
		res, err := ck.write(ctx)
		if err != nil {
			return err
		}
		if len(res.rejected) > 0 {
			for _, p := range res.rejected {
				log.add(p)
			}
			rep.ProblemCounts[ingest.Rejected] += res.moreRejected
			rep.Refusals += res.moreRejected
			rep.Outcome = OutcomeRefused
			return errRollback
		}
		rep.Inserted, rep.Updated, rep.Written = res.inserted, res.updated, res.inserted+res.updated
		rep.Outcome = OutcomeWritten
		return nil
	})
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Feature < rep.Problems[j].Feature })
	rep.Seconds = time.Since(start).Seconds()
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil {
		rep.Outcome, rep.Written, rep.Inserted, rep.Updated = "", 0, 0, 0
	}
	return rep, err
}

// errRollback ends the import's transaction without writing; not an error to the caller.
var errRollback = errors.New("store: import rolled back")

func importMode(t importTarget, mode string) (string, error) {
	switch mode {
	case "":
		if t.spec.upsert {
			return ModeUpsert, nil
		}
		return ModeAppend, nil
	case ModeAppend, ModeReplace:
		return mode, nil
	case ModeUpsert:
		if len(t.spec.key) == 0 {
			return "", &ImportParamError{Param: "mode", Reason: fmt.Sprintf("layer %s has no natural key to upsert by: use append or replace", t.layer)}
		}
		return mode, nil
	}
	return "", &ImportParamError{Param: "mode", Reason: fmt.Sprintf("%q is not append, upsert or replace", mode)}
}

const sqlImportStage = `
CREATE TEMP TABLE import_stage (
	n integer PRIMARY KEY,
	src_id text,
	geom geometry,
	vals jsonb NOT NULL,
	street text,
	reported text[] NOT NULL,
	g geometry -- geom in EPSG:4326, then checked and repaired
) ON COMMIT DROP;
CREATE TEMP TABLE import_problems (n integer, src_id text, field text, code text, detail text, action text) ON COMMIT DROP`

// stageRecords streams the reader into import_stage with COPY, one record in memory at a time.
// srid, when not 0, is the CRS the coordinates are in; else the reader's, which a CSV settles
// at its first row.
func stageRecords(ctx context.Context, tx pgx.Tx, src ingest.Reader, srid int, fm *fieldMap, log problemLog) (int, error) {
	var n int
	var readErr error
	rows := pgx.CopyFromFunc(func() ([]any, error) {
		rec, err := src.Next()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			readErr = err
			return nil, err
		}
		n = rec.N
		st := fm.apply(&rec)
		for _, p := range rec.Problems {
			p.Feature, p.ID = rec.N, rec.ID
			if p.Problem == ingest.NotUnicode && !fm.uses(p.Field) {
				p.Action = ingest.Warning // a field the layer does not take: not written either
			}
			log.add(p)
		}
		var geom []byte
		if rec.Geom != nil {
			s := srid
			if s == 0 {
				s = src.Source().SRID
			}
			if geom, err = ewkb.Marshal(rec.Geom, s); err != nil {
				return nil, err
			}
		}
		var street *string
		if st.street != "" {
			street = &st.street
		}
		var id *string
		if rec.ID != "" {
			id = &rec.ID
		}
		if st.reported == nil {
			st.reported = []string{}
		}
		return []any{rec.N, id, geom, st.vals, street, st.reported}, nil
	})
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_stage"}, []string{"n", "src_id", "geom", "vals", "street", "reported"}, rows)
	if readErr != nil {
		return n, readErr
	}
	return n, err
}
