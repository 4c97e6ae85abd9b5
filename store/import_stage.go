package store

import (
	"context"
	"encoding/json"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/geojson"

	"bandoso/ingest"
)

// sqlImportStage holds a file's features as read (import_stage: the geometry in the file's
// CRS, the attributes as the file has them for a rejects file, the values mapped to the
// layer's fields) and what the checks find (import_problems).
const sqlImportStage = `
CREATE TEMP TABLE import_stage (
	n integer PRIMARY KEY,
	src_id text,
	geom geometry,
	raw_geom text, -- GeoJSON of a geometry the database cannot read as it is
	props jsonb NOT NULL,
	vals jsonb NOT NULL,
	street text,
	reported text[] NOT NULL,
	refused boolean NOT NULL, -- a problem found while reading refuses it
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
			st.refused = st.refused || p.Action == ingest.Refused
			log.add(p)
		}
		s := srid
		if s == 0 {
			s = src.Source().SRID
		}
		row, err := stageRow(rec, st, s)
		if err != nil {
			return nil, err
		}
		return row, nil
	})
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_stage"}, []string{"n", "src_id", "geom", "raw_geom", "props", "vals", "street", "reported", "refused"}, rows)
	if readErr != nil {
		return n, readErr
	}
	return n, err
}

// stageRow is a record as import_stage's columns.
func stageRow(rec ingest.Record, st staged, srid int) ([]any, error) {
	var geom []byte
	var raw *string
	var err error
	if rec.Geom != nil {
		if geom, err = ewkb.Marshal(rec.Geom, srid); err != nil {
			return nil, err
		}
	} else if rec.RawGeom != nil {
		b, err := json.Marshal(geojson.NewGeometry(rec.RawGeom))
		if err != nil {
			return nil, err
		}
		s := string(b)
		raw = &s
	}
	var street, id *string
	if st.street != "" {
		street = &st.street
	}
	if rec.ID != "" {
		id = &rec.ID
	}
	if st.reported == nil {
		st.reported = []string{}
	}
	props := rec.Props
	if props == nil {
		props = map[string]string{}
	}
	return []any{rec.N, id, geom, raw, props, st.vals, street, st.reported, st.refused}, nil
}
