package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"bandoso/store"
)

const insertParcel = `
	INSERT INTO parcels (ward_code, sheet_no, parcel_no, land_use, area_m2, geom)
	VALUES ($1, $2, $3, 'ODT', 72.5, ST_GeomFromText($4, 4326))`

const square = "MULTIPOLYGON(((106.7 10.77, 106.7001 10.77, 106.7001 10.7701, 106.7 10.7701, 106.7 10.77)))"

func TestParcelRules(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, insertParcel, "26740", 12, 34, square); err != nil {
		t.Fatalf("first parcel: %v", err)
	}
	cases := []struct {
		name   string
		ward   string
		sheet  int
		parcel int
		wkt    string
		want   error
	}{
		{"ErrConflict on the same ward, sheet and parcel", "26740", 12, 34, square, store.ErrConflict},
		{"OK with another parcel number", "26740", 12, 35, square, nil},
		{"OK with another sheet", "26740", 13, 34, square, nil},
		{"OK in another ward", "26743", 12, 34, square, nil},
		{"ErrInvalid on a self-intersecting polygon", "26740", 12, 36,
			"MULTIPOLYGON(((106.7 10.77, 106.7001 10.7701, 106.7001 10.77, 106.7 10.7701, 106.7 10.77)))", store.ErrInvalid},
		{"ErrInvalid on a malformed ward code", "2674", 12, 37, square, store.ErrInvalid},
		{"ErrInvalid on sheet 0", "26740", 0, 38, square, store.ErrInvalid},
	}
	for _, c := range cases {
		_, err := pool.Exec(ctx, insertParcel, c.ward, c.sheet, c.parcel, c.wkt)
		err = store.Translate(err)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	var n int
	err := pool.QueryRow(ctx, "SELECT 1 FROM parcels WHERE id = -1").Scan(&n)
	if err := store.Translate(err); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no rows: %v, want ErrNotFound", err)
	}
	_, err = pool.Exec(ctx, "SET statement_timeout = 50; SELECT pg_sleep(2)")
	if err := store.Translate(err); !errors.Is(err, store.ErrTimeout) {
		t.Errorf("statement timeout: %v, want ErrTimeout", err)
	}
	_, err = pool.Exec(ctx, "SELECT ST_GeomFromText('POLYGON((0 0, 1 1')")
	if err := store.Translate(err); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("unparseable geometry: %v, want ErrInvalid", err)
	}
	if err := store.Translate(nil); err != nil {
		t.Errorf("nil: %v", err)
	}
	// A restart ends every session (57P01); a connection cut mid-answer reads EOF.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	_, err = conn.Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
	if err := store.Translate(err); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("session terminated: %v, want ErrUnavailable", err)
	}
	if err := store.Translate(fmt.Errorf("read: %w", io.ErrUnexpectedEOF)); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("connection cut: %v, want ErrUnavailable", err)
	}
}

func TestNormText(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	cases := []struct{ in, want string }{
		{"Hòa", "hoa"},       // old tone-mark placement, NFC
		{"Hoà", "hoa"},       // new placement, NFC
		{"Hoa\u0300", "hoa"}, // NFD: a + combining grave
		{"HOÀ", "hoa"},       // capitals
		{"Đường", "duong"},   // đ is a letter of its own, not a + mark
		{"  Nguyễn   Thị\tMinh Khai ", "nguyen thi minh khai"},
		{"Phường Bến Nghé", "phuong ben nghe"},
	}
	for _, c := range cases {
		var got string
		if err := pool.QueryRow(context.Background(), "SELECT norm_text($1)", c.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("norm_text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStreetNameTrigramIndex(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `
		INSERT INTO streets (name, geom)
		SELECT name, ST_Multi(ST_MakeLine(ST_MakePoint(106.7, 10.77 + i * 1e-4), ST_MakePoint(106.71, 10.77 + i * 1e-4)))::geometry(MultiLineString, 4326)
		FROM unnest(ARRAY['Nguyễn Trãi', 'Lê Lợi', 'Hai Bà Trưng', 'Võ Văn Tần']) WITH ORDINALITY AS s(name, i)`)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// Four rows cost less to scan than an index; forbid the scan to see the index is usable.
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	const q = "SELECT name FROM streets WHERE name_norm % norm_text($1) ORDER BY name_norm <-> norm_text($1) LIMIT 1"
	var plan strings.Builder
	rows, err := tx.Query(ctx, "EXPLAIN "+q, "nguyen trai")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	plan.WriteString(strings.Join(lines, "\n"))
	if !strings.Contains(plan.String(), "streets_name_trgm") {
		t.Errorf("similarity search does not use streets_name_trgm:\n%s", plan.String())
	}
	var name string
	if err := tx.QueryRow(ctx, q, "NGUYEN TRAI").Scan(&name); err != nil || name != "Nguyễn Trãi" {
		t.Errorf("search without diacritics found %q, %v; want Nguyễn Trãi", name, err)
	}
}

func TestRoadReserve(t *testing.T) {
	t.Parallel()
	pool := sqlPool(t)
	cases := []struct {
		name  string
		wkt   string
		width float64
	}{
		{"east-west 30 m", "MULTILINESTRING((106.70 10.77, 106.71 10.77))", 30},
		{"north-south 12 m", "MULTILINESTRING((106.70 10.77, 106.70 10.78))", 12},
		{"bent 20 m", "MULTILINESTRING((106.70 10.77, 106.705 10.77, 106.705 10.775))", 20},
	}
	for _, c := range cases {
		var length, area, distEdge float64
		err := pool.QueryRow(context.Background(), `
			WITH r AS (
				INSERT INTO road_boundaries (street_name, width_m, geom)
				VALUES ($1, $2, ST_GeomFromText($3, 4326)) RETURNING geom, reserve)
			SELECT ST_Length(geom::geography), ST_Area(reserve::geography),
			       ST_Distance(ST_Boundary(reserve)::geography, ST_PointOnSurface(geom)::geography)
			FROM r`, c.name, c.width, c.wkt).Scan(&length, &area, &distEdge)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		// A band of the full width along the line, plus round caps at its two ends.
		want := length*c.width + math.Pi*c.width*c.width/4
		if math.Abs(area-want)/want > 0.03 {
			t.Errorf("%s: reserve %.0f m², want ≈ %.0f m² (length %.0f m × width %.0f m + caps)", c.name, area, want, length, c.width)
		}
		if math.Abs(distEdge-c.width/2) > 0.1*c.width/2 {
			t.Errorf("%s: reserve edge %.2f m from the centre line, want half the width %.1f m", c.name, distEdge, c.width/2)
		}
	}
}
