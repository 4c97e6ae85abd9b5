package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// POIRef says what a named place (địa điểm) of the pois layer is: its row, the tag that
// makes it one (amenity, shop, tourism, office, …) and that tag's value (marketplace,
// school, place_of_worship, cafe, …).
type POIRef struct {
	ID       int64
	Category string
	Class    string
}

// POIMatch is a named place whose folded name matched a query, with the pg_trgm similarity
// of the names (1 when they are equal), as a place of kind "poi" with the units at its point.
type POIMatch struct {
	Place
	Similarity float64
}

// sqlPOIsRanked ranks the matches m (id, name, category, class, pt, sim) by similarity, then
// by distance to the focus $3,$4 when one is given, keeps the first $2 and adds the units
// under each.
const sqlPOIsRanked = `
), at AS (
	SELECT m.*, row_number() OVER (ORDER BY sim DESC,
		CASE WHEN $3::float8 IS NULL THEN 0 ELSE pt <-> ST_SetSRID(ST_MakePoint($3, $4), 4326) END, length(name), id) AS n
	FROM m ORDER BY n LIMIT $2
)
SELECT at.id, at.name, at.category, at.class, at.sim, ` + sqlUnitsAtColumns + `
FROM at` + sqlUnitsAt + `
ORDER BY at.n`

// sqlPOIsNamed finds named places by folded name: equal, or similar by trigrams (pg_trgm's
// % operator, through the index pois_name_trgm) with a similarity of at least $5.
const sqlPOIsNamed = `
WITH m AS (
	SELECT id, name, category, class, geom AS pt,
		CASE WHEN name_norm = $1 THEN 1 ELSE similarity(name_norm, $1) END AS sim
	FROM pois
	WHERE name_norm = $1 OR (name_norm % $1 AND similarity(name_norm, $1) >= $5)` + sqlPOIsRanked

// sqlPOIsPrefixed finds named places whose folded name starts with $1, or has a word that
// does ("ben th" finds Chợ Bến Thành), those starting with it first.
const sqlPOIsPrefixed = `
WITH m AS (
	SELECT id, name, category, class, geom AS pt,
		CASE WHEN name_norm LIKE $1 || '%' THEN 1 ELSE 0.9 END AS sim
	FROM pois
	WHERE name_norm LIKE $1 || '%' OR name_norm LIKE '% ' || $1 || '%'` + sqlPOIsRanked

// POIsNamed returns up to limit named places whose folded name is fold, or similar to it by
// trigrams with a similarity of at least minSimilarity, best first; among equals the nearest
// to focus when it is not nil.
func (db *DB) POIsNamed(ctx context.Context, fold string, minSimilarity float64, focus *orb.Point, limit int) ([]POIMatch, error) {
	return readOn(ctx, db, func(db *DB) ([]POIMatch, error) { return db.poIsNamed(ctx, fold, minSimilarity, focus, limit) })
}

// poIsNamed is POIsNamed on the server db stands for.
func (db *DB) poIsNamed(ctx context.Context, fold string, minSimilarity float64, focus *orb.Point, limit int) ([]POIMatch, error) {
	lon, lat := focusArgs(focus)
	return db.pois(ctx, sqlPOIsNamed, fold, limit, lon, lat, minSimilarity)
}

// POIsPrefixed returns up to limit named places a user typing fold may be after, those whose
// name starts with it first; among equals the nearest to focus when it is not nil.
func (db *DB) POIsPrefixed(ctx context.Context, fold string, focus *orb.Point, limit int) ([]POIMatch, error) {
	return readOn(ctx, db, func(db *DB) ([]POIMatch, error) { return db.poIsPrefixed(ctx, fold, focus, limit) })
}

// poIsPrefixed is POIsPrefixed on the server db stands for.
func (db *DB) poIsPrefixed(ctx context.Context, fold string, focus *orb.Point, limit int) ([]POIMatch, error) {
	lon, lat := focusArgs(focus)
	return db.pois(ctx, sqlPOIsPrefixed, escapeLike(fold), limit, lon, lat)
}

func (db *DB) pois(ctx context.Context, sql string, args ...any) ([]POIMatch, error) {
	rows, _ := db.pool.Query(ctx, sql, args...)
	m, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (POIMatch, error) {
		m := POIMatch{Place: Place{Kind: "poi"}}
		err := row.Scan(append([]any{&m.POI.ID, &m.Name, &m.POI.Category, &m.POI.Class, &m.Similarity}, placeDest(&m.Place)...)...)
		return m, err
	})
	return m, translate(err)
}

// focusArgs are a focus point as query arguments, NULL when there is none.
func focusArgs(focus *orb.Point) (lon, lat any) {
	if focus != nil {
		return focus.Lon(), focus.Lat()
	}
	return nil, nil
}
