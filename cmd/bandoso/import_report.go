package main

import (
	"fmt"
	"io"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"bandoso/ingest"
	"bandoso/store"
)

// writeReport writes the report for people: what was read and how, then the problems grouped
// by kind, each with a count and a few examples, then what happened.
func writeReport(w io.Writer, r store.ImportReport, rejects *rejectsFile) {
	p := message.NewPrinter(language.English) // 1,003
	swapped := ""
	if r.XYSwapped {
		swapped = ", x/y swapped (x held northings)"
	}
	p.Fprintf(w, "%s → layer %s (%s, %s from %s%s, mode %s, bounds %s)\n", r.File, r.Layer, r.Format, r.CRS, r.CRSFrom, swapped, r.Mode, r.Bounds)
	for _, g := range r.Summary {
		p.Fprintf(w, "  %-8s %-20s %d\n", g.Action, g.Problem, g.Count)
		for _, e := range g.Examples {
			fmt.Fprintf(w, "      %s\n", problemLine(e))
		}
		if more := g.Count - len(g.Examples); more > 0 {
			p.Fprintf(w, "      … and %d more (--report json lists every one)\n", more)
		}
	}
	switch {
	case r.Outcome == store.OutcomeRefused:
		p.Fprintf(w, "read %d features: refused, %d of them with problems; nothing written\n", r.Read, r.Rejected)
	case r.DryRun:
		p.Fprintf(w, "read %d features: would write %d (%d inserted, %d updated)", r.Read, r.Written, r.Inserted, r.Updated)
		if r.Rejected > 0 {
			p.Fprintf(w, ", %d refused", r.Rejected)
		}
		fmt.Fprintf(w, "; dry run: nothing written (%.1fs)\n", r.Seconds)
	default:
		p.Fprintf(w, "read %d features, wrote %d (%d inserted, %d updated)", r.Read, r.Written, r.Inserted, r.Updated)
		if r.Rejected > 0 {
			p.Fprintf(w, "; %d refused, not written", r.Rejected)
		}
		fmt.Fprintf(w, " in %.1fs\n", r.Seconds)
	}
	if rejects.w != nil {
		p.Fprintf(w, "the %d refused features, with their reasons in %s, are in %s\n", rejects.w.Count(), ingest.ProblemsField, rejects.path)
	}
}

// problemLine is one problem: where, what, why.
func problemLine(p ingest.Problem) string {
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
	return where + ": " + p.Detail
}
