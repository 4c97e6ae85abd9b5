package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"bandoso/ingest"
)

// ImportOptions say how to import a file into a layer.
type ImportOptions struct {
	Layer  string
	Mode   string // ModeAppend, ModeUpsert or ModeReplace; "" takes the layer's default
	Fix    bool   // repair invalid geometries with ST_MakeValid
	DryRun bool   // do everything but commit
	// OnInvalid is OnInvalidRefuse ("" too: one refused feature refuses the file) or
	// OnInvalidSkip (the valid features are written, the others handed to Rejects).
	OnInvalid string
	// Bounds is the plausibility box: "" (the catalog's region, else the country), a region
	// of import_regions by code or name, or "minlon,minlat,maxlon,maxlat".
	Bounds string
	Map    map[string]string // target field → source field
	Set    map[string]string // target field → constant
	// Source and Licence, when not empty, become the layer's catalog entry's.
	Source, Licence string
	Actor           string // who imports, for the audit log
	// Rejects, when set, is given every feature with a refused problem, in file order, before
	// Import returns: the features a rejects file gives back.
	Rejects func(ingest.RejectedFeature) error
}

// What an import does with a file some features of which are refused.
const (
	OnInvalidRefuse = "refuse" // write nothing
	OnInvalidSkip   = "skip"   // write the others
)

// Outcomes of an import.
const (
	OutcomeWritten = "written"
	OutcomeRefused = "refused" // some feature has a problem (and OnInvalidRefuse): nothing was written
	OutcomeDryRun  = "dry_run" // everything was done and rolled back
)

// ImportReport says what an import found and did.
type ImportReport struct {
	Layer string `json:"layer"`
	ingest.Source
	CRS       string `json:"crs"`
	Bounds    string `json:"bounds"`
	Mode      string `json:"mode"`
	OnInvalid string `json:"on_invalid"`
	DryRun    bool   `json:"dry_run"`
	Fix       bool   `json:"fix"`
	Outcome   string `json:"outcome"`
	Read      int    `json:"features_read"`
	// Written, Inserted and Updated count the rows written, or, in a dry run, that would be.
	Written  int `json:"written"`
	Inserted int `json:"inserted"`
	Updated  int `json:"updated"`
	// Rejected counts the features refused: not written.
	Rejected int `json:"rejected"`
	// ProblemCounts counts every problem by code; Summary groups them by code and action with
	// a few examples; Problems lists every one in feature order.
	ProblemCounts map[string]int   `json:"problem_counts"`
	Refusals      int              `json:"refusals"`
	Summary       []ProblemGroup   `json:"summary"`
	Problems      []ingest.Problem `json:"problems"`
	Seconds       float64          `json:"seconds"`
}

// ProblemGroup is the problems of one code and action: how many, and the first few.
type ProblemGroup struct {
	Problem  string           `json:"problem"`
	Action   string           `json:"action"`
	Count    int              `json:"count"`
	Examples []ingest.Problem `json:"examples"`
}

// groupExamples is how many problems of a group a summary shows.
const groupExamples = 3

// problemLog collects an import's problems.
type problemLog struct {
	rep *ImportReport
}

func (l problemLog) add(p ingest.Problem) {
	l.rep.ProblemCounts[p.Problem]++
	if p.Action == ingest.Refused {
		l.rep.Refusals++
	}
	l.rep.Problems = append(l.rep.Problems, p)
}

// summarize sorts the problems by feature and groups them, the most frequent first.
func (r *ImportReport) summarize() {
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].Feature < r.Problems[j].Feature })
	at := map[[2]string]int{}
	r.Summary = []ProblemGroup{}
	for _, p := range r.Problems {
		k := [2]string{p.Problem, p.Action}
		i, ok := at[k]
		if !ok {
			i = len(r.Summary)
			at[k] = i
			r.Summary = append(r.Summary, ProblemGroup{Problem: p.Problem, Action: p.Action, Examples: []ingest.Problem{}})
		}
		g := &r.Summary[i]
		g.Count++
		if len(g.Examples) < groupExamples {
			g.Examples = append(g.Examples, p)
		}
	}
	rank := map[string]int{ingest.Refused: 0, ingest.Repaired: 1, ingest.Warning: 2}
	sort.SliceStable(r.Summary, func(i, j int) bool {
		a, b := r.Summary[i], r.Summary[j]
		if rank[a.Action] != rank[b.Action] {
			return rank[a.Action] < rank[b.Action]
		}
		return a.Count > b.Count
	})
}

// Import reads every record of src into a staging table, checks them against the layer and
// writes them, in one transaction. By default a single refused feature refuses the file and
// nothing is written; with OnInvalidSkip the others are. A dry run does the same and rolls
// back, so every check and constraint of the real run is evaluated. A refused file is not an
// error: the report's Outcome says so.
func (db *DB) Import(ctx context.Context, src ingest.Reader, opt ImportOptions) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{Layer: opt.Layer, DryRun: opt.DryRun, Fix: opt.Fix, OnInvalid: opt.OnInvalid,
		ProblemCounts: map[string]int{}, Problems: []ingest.Problem{}}
	if rep.OnInvalid == "" {
		rep.OnInvalid = OnInvalidRefuse
	}
	if rep.OnInvalid != OnInvalidRefuse && rep.OnInvalid != OnInvalidSkip {
		return rep, &ImportParamError{Param: "on_invalid", Reason: fmt.Sprintf("%q is neither refuse nor skip", opt.OnInvalid)}
	}
	log := problemLog{&rep}
	err := db.bulkTx(ctx, func(tx pgx.Tx) error {
		ck, err := prepareImport(ctx, tx, src, opt, &rep)
		if err != nil {
			return err
		}
		if rep.Read, err = stageRecords(ctx, tx, src, ck.srid, ck.fm, log); err != nil {
			return err
		}
		rep.Source = src.Source()
		if ck.srid != 0 {
			rep.Source.SRID = ck.srid
		}
		ck.srid = rep.Source.SRID
		rep.CRS = fmt.Sprintf("EPSG:%d", rep.Source.SRID)
		sourceNotes(rep.Source, log)
		if err := ck.run(ctx); err != nil {
			return err
		}
		if err := ck.collect(ctx, log); err != nil {
			return err
		}
		return ck.finish(ctx, opt, &rep, log)
	})
	rep.summarize()
	rep.Seconds = time.Since(start).Seconds()
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil {
		rep.Outcome, rep.Written, rep.Inserted, rep.Updated = "", 0, 0, 0
	}
	return rep, err
}

// prepareImport settles what the import needs before reading: the layer, mode, fields, CRS
// and bounds.
func prepareImport(ctx context.Context, tx pgx.Tx, src ingest.Reader, opt ImportOptions, rep *ImportReport) (*importCheck, error) {
	if _, err := tx.Exec(ctx, `SELECT set_config('bandoso.actor', $1, true)`, opt.Actor); err != nil {
		return nil, err
	}
	t, err := loadImportTarget(ctx, tx, opt.Layer)
	if err != nil {
		return nil, err
	}
	if rep.Mode, err = importMode(t, opt.Mode); err != nil {
		return nil, err
	}
	fm, err := newFieldMap(t, opt.Map, opt.Set)
	if err != nil {
		return nil, err
	}
	srid, err := importSRID(ctx, tx, src.Source())
	if err != nil {
		return nil, err
	}
	bounds, err := resolveBounds(ctx, tx, opt.Bounds)
	if err != nil {
		return nil, err
	}
	rep.Bounds = bounds.name
	if _, err := tx.Exec(ctx, sqlImportStage); err != nil {
		return nil, err
	}
	return &importCheck{tx: tx, t: t, fm: fm, mode: rep.Mode, fix: opt.Fix, srid: srid, bounds: bounds}, nil
}

// sourceNotes reports what reading the file decided on its own: a swapped axis, a CRS the
// file names set aside for the one given.
func sourceNotes(src ingest.Source, log problemLog) {
	if src.XYSwapped {
		log.add(ingest.Problem{Field: "x", Problem: ingest.AxisSwap, Action: ingest.Warning,
			Detail: "the x column holds northings (Vietnamese surveys call northing X): read x as northing and y as easting"})
	}
	if src.FileSRID != 0 {
		log.add(ingest.Problem{Field: "crs", Problem: ingest.CRSOverridden, Action: ingest.Warning,
			Detail: fmt.Sprintf("%s names EPSG:%d; the CRS given, EPSG:%d, is used instead", ingest.CRSWhere(src.Format), src.FileSRID, src.SRID)})
	}
}

// finish writes what may be written and settles the outcome: refused files and dry runs roll
// back (errRollback), after the rejected features have gone to opt.Rejects.
func (c *importCheck) finish(ctx context.Context, opt ImportOptions, rep *ImportReport, log problemLog) error {
	skip := rep.OnInvalid == OnInvalidSkip
	refused, err := c.markRefused(ctx)
	if err != nil {
		return err
	}
	// The others are written even when the file is refused already, so that the report holds
	// every feature the database would refuse too; all is rolled back then.
	res, err := c.write(ctx, skip, log)
	if err != nil {
		return err
	}
	rep.Inserted, rep.Updated, rep.Written = res.inserted, res.updated, res.inserted+res.updated
	if refused, err = c.markRefused(ctx); err != nil {
		return err
	}
	rep.Rejected = refused
	if opt.Rejects != nil && refused > 0 {
		if err := c.rejects(ctx, rep.Problems, opt.Rejects); err != nil {
			return err
		}
	}
	switch {
	case refused > 0 && !skip:
		rep.Outcome, rep.Written, rep.Inserted, rep.Updated = OutcomeRefused, 0, 0, 0
		return errRollback
	case opt.DryRun:
		rep.Outcome = OutcomeDryRun
		return errRollback
	}
	rep.Outcome = OutcomeWritten
	return c.touchLayer(ctx, opt)
}

// touchLayer records in the catalog that the layer changed, and its provenance when given.
// The layer now holds the city's records, which `bandoso demo` must not overwrite.
func (c *importCheck) touchLayer(ctx context.Context, opt ImportOptions) error {
	_, err := c.tx.Exec(ctx, `UPDATE layers SET updated_at = now(), synthetic = false,
		source = coalesce(nullif($2, ''), source), licence = coalesce(nullif($3, ''), licence) WHERE name = $1`,
		c.t.layer, opt.Source, opt.Licence)
	return err
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
