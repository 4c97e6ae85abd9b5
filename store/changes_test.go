package store_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"bandoso/store"
	"bandoso/store/storetest"
)

// changesEnv is a store and a plain pool on one fresh database.
func changesEnv(t *testing.T, demoParcels int) (*store.DB, *pgxpool.Pool) {
	t.Helper()
	url := storetest.NewURL(t)
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if demoParcels > 0 {
		storetest.LoadDemo(t, db, 1, demoParcels)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return db, pool
}

// squareParcel inserts parcels n of ward 26734 as squares of side 0.0002° from (lon, lat),
// one every 0.001° eastwards.
const sqlSquareParcels = `
INSERT INTO parcels (ward_code, sheet_no, parcel_no, land_use, area_m2, geom)
SELECT '26734', 1, i, 'ODT', 100,
	ST_Multi(ST_MakeEnvelope($1::float8 + i * 0.001, $2::float8, $1::float8 + i * 0.001 + 0.0002, $2::float8 + 0.0002, 4326))
FROM generate_series(1, $3::int) i`

func changesHead(t *testing.T, db *store.DB) store.ChangeCursor {
	t.Helper()
	head, err := db.ChangesHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return head
}

func changesAfter(t *testing.T, db *store.DB, c store.ChangeCursor) ([]store.Change, store.ChangeCursor) {
	t.Helper()
	got, next, err := db.ChangesSince(context.Background(), c, 100)
	if err != nil {
		t.Fatal(err)
	}
	return got, next
}

func near(a, b orb.Bound) bool {
	for i := range 2 {
		if math.Abs(a.Min[i]-b.Min[i]) > 1e-9 || math.Abs(a.Max[i]-b.Max[i]) > 1e-9 {
			return false
		}
	}
	return true
}

func TestChangesAnnounceEachStatement(t *testing.T) {
	t.Parallel()
	db, pool := changesEnv(t, 0)
	ctx := context.Background()
	listener, err := pgx.Connect(ctx, pool.Config().ConnConfig.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, "LISTEN "+store.ChangesChannel); err != nil {
		t.Fatal(err)
	}
	head := changesHead(t, db)

	if _, err := pool.Exec(ctx, sqlSquareParcels, 106.70, 10.78, 3); err != nil {
		t.Fatal(err)
	}
	got, cursor := changesAfter(t, db, head)
	if len(got) != 1 {
		t.Fatalf("an insert of 3 parcels wrote %d changes, want 1: %+v", len(got), got)
	}
	c := got[0]
	var want []orb.Bound
	for i := 1; i <= 3; i++ {
		w := 106.70 + float64(i)*0.001
		want = append(want, orb.Bound{Min: orb.Point{w, 10.78}, Max: orb.Point{w + 0.0002, 10.7802}})
	}
	if c.Table != "parcels" || c.All || len(c.Boxes) != 3 {
		t.Fatalf("change %+v, want parcels with 3 boxes", c)
	}
	for _, w := range want {
		if !slices.ContainsFunc(c.Boxes, func(b orb.Bound) bool { return near(b, w) }) {
			t.Errorf("boxes %v lack the parcel's envelope %v", c.Boxes, w)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := listener.WaitForNotification(wctx)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	if n.Channel != store.ChangesChannel || n.Payload != strconv.FormatInt(c.ID, 10) {
		t.Errorf("notification %s %q, want %s %q", n.Channel, n.Payload, store.ChangesChannel, strconv.FormatInt(c.ID, 10))
	}

	// An update moving a parcel records where it was and where it is.
	if _, err := pool.Exec(ctx, `UPDATE parcels SET geom = ST_Multi(ST_Translate(geom, 0.01, 0)) WHERE parcel_no = 1`); err != nil {
		t.Fatal(err)
	}
	got, cursor = changesAfter(t, db, cursor)
	if len(got) != 1 || len(got[0].Boxes) != 2 || !near(got[0].Boxes[0], want[0]) && !near(got[0].Boxes[1], want[0]) {
		t.Errorf("moving a parcel: %+v, want one change with its old and new envelopes", got)
	}
	// A statement changing nothing is not announced.
	if _, err := pool.Exec(ctx, `DELETE FROM parcels WHERE parcel_no = 999`); err != nil {
		t.Fatal(err)
	}
	if got, _ = changesAfter(t, db, cursor); len(got) != 0 {
		t.Errorf("a delete of no rows wrote %+v", got)
	}
}

func TestChangesBulkStatementRecordsItsExtent(t *testing.T) {
	t.Parallel()
	db, pool := changesEnv(t, 0)
	ctx := context.Background()
	head := changesHead(t, db)
	// Bulk loads turn the audit off; they are announced all the same.
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL bandoso.audit = 'off'"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlSquareParcels, 106.60, 10.70, 2000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := changesAfter(t, db, head)
	want := orb.Bound{Min: orb.Point{106.601, 10.70}, Max: orb.Point{106.60 + 2.0 + 0.0002, 10.7002}}
	if len(got) != 1 || got[0].Table != "parcels" || len(got[0].Boxes) != 1 || !near(got[0].Boxes[0], want) {
		t.Fatalf("a 2000-row insert with audit off wrote %+v, want one change with the extent %v", got, want)
	}
	var audited int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE table_name = 'parcels'").Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 0 {
		t.Errorf("audit off wrote %d audit rows", audited)
	}
	// A truncate and a catalog edit change everything.
	if _, err := pool.Exec(ctx, "TRUNCATE parcels CASCADE"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "UPDATE layer_bands SET simplify_px = 1 WHERE layer = 'parcels'"); err != nil {
		t.Fatal(err)
	}
	got, _ = changesAfter(t, db, head)
	var tables []string
	for _, c := range got[1:] {
		if !c.All {
			t.Errorf("change %+v is not of the whole table", c)
		}
		tables = append(tables, c.Table)
	}
	if !slices.Contains(tables, "parcels") || !slices.Contains(tables, "layers") {
		t.Errorf("truncate and catalog edit wrote changes of %v, want parcels and layers", tables)
	}
}

// slowParcel begins a transaction that adds a parcel, taking its change's id, and leaves it
// open for the test to commit; it is rolled back at the end otherwise.
func slowParcel(t *testing.T, pool *pgxpool.Pool) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slow.Rollback(ctx) }) //nolint:errcheck // a no-op after Commit
	if _, err := slow.Exec(ctx, sqlSquareParcels, 106.70, 10.78, 1); err != nil {
		t.Fatal(err)
	}
	return slow
}

// A transaction that took its change's id early and committed late is still read.
func TestChangesSinceFindsLateCommits(t *testing.T) {
	t.Parallel()
	db, pool := changesEnv(t, 0)
	ctx := context.Background()
	head := changesHead(t, db)
	slow := slowParcel(t, pool)
	if _, err := pool.Exec(ctx, "INSERT INTO streets (name, geom) VALUES ('Lê Lợi', 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))')"); err != nil {
		t.Fatal(err)
	}
	got, cursor := changesAfter(t, db, head)
	if len(got) != 1 || got[0].Table != "streets" {
		t.Fatalf("first read %+v, want the street only", got)
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = changesAfter(t, db, cursor)
	var tables []string
	for _, c := range got {
		tables = append(tables, fmt.Sprintf("%s#%d", c.Table, c.ID))
	}
	if !slices.ContainsFunc(got, func(c store.Change) bool { return c.Table == "parcels" && c.ID < cursor.ID }) {
		t.Errorf("after the slow commit: %v, want the parcels change with an id below %d", tables, cursor.ID)
	}
}

// TestChangesSincePagesPastWhatItSaw: more changes than one read takes, all of transactions
// the cursor must look at again (one still running holds xmin back), are read page by page,
// each once, and the late commit after them.
func TestChangesSincePagesPastWhatItSaw(t *testing.T) {
	t.Parallel()
	const statements = 250 // two and a half reads of 100
	db, pool := changesEnv(t, 0)
	ctx := context.Background()
	cursor := changesHead(t, db)
	slow := slowParcel(t, pool)
	if _, err := pool.Exec(ctx, `DO $$ BEGIN FOR i IN 1..`+strconv.Itoa(statements)+` LOOP
		INSERT INTO streets (name, geom) VALUES ('Đường ' || i, 'SRID=4326;MULTILINESTRING((106.70 10.77, 106.71 10.77))');
	END LOOP; END $$`); err != nil {
		t.Fatal(err)
	}
	told := map[int64]int{}
	var got []store.Change
	read := func() {
		for reads := 0; ; reads++ {
			if reads > statements {
				t.Fatalf("still reading after %d reads: %d changes told", reads, len(told))
			}
			var page []store.Change
			page, cursor = changesAfter(t, db, cursor)
			if len(page) == 0 {
				return
			}
			for _, c := range page {
				told[c.ID]++
			}
			got = append(got, page...)
		}
	}
	read()
	if len(told) != statements || len(got) != statements {
		t.Fatalf("%d changes told, %d distinct; want %d", len(got), len(told), statements)
	}
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	read()
	if len(got) != statements+1 || got[statements].Table != "parcels" || len(told) != statements+1 {
		t.Errorf("after the slow commit: %d changes told (%d distinct), the last of %s; want %d, the last of parcels",
			len(got), len(told), got[len(got)-1].Table, statements+1)
	}
}

// sqlWardTotalsFromScratch counts each ward's parcels apart from the migration's view.
const sqlWardTotalsFromScratch = `
SELECT ward_code, count(*)::int, sum(area_m2)::float8 FROM parcels GROUP BY ward_code ORDER BY ward_code`

const sqlWardTotals = `
SELECT ward_code, parcels, area_m2 FROM parcel_ward_totals ORDER BY ward_code`

func wardTotals(t *testing.T, pool *pgxpool.Pool, sql string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var code string
	var n int
	var area float64
	_, err = pgx.ForEachRow(rows, []any{&code, &n, &area}, func() error {
		out = append(out, fmt.Sprintf("%s %d %.1f", code, n, area))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParcelWardTotalsFollowEdits(t *testing.T) {
	t.Parallel()
	db, pool := changesEnv(t, 500)
	ctx := context.Background()
	if got, want := wardTotals(t, pool, sqlWardTotals), wardTotals(t, pool, sqlWardTotalsFromScratch); !slices.Equal(got, want) {
		t.Fatalf("after the demo load: totals %v, want %v", got, want)
	}
	head := changesHead(t, db)
	var ward string
	var victim int64
	if err := pool.QueryRow(ctx, "SELECT ward_code, id FROM parcels ORDER BY id LIMIT 1").Scan(&ward, &victim); err != nil {
		t.Fatal(err)
	}
	// Turn the ward's whole land over to one use, then take a parcel away.
	if _, err := pool.Exec(ctx, "UPDATE parcels SET land_use = 'CLN', area_m2 = area_m2 + 1 WHERE ward_code = $1", ward); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "DELETE FROM parcels WHERE id = $1", victim); err != nil {
		t.Fatal(err)
	}
	if got, want := wardTotals(t, pool, sqlWardTotals), wardTotals(t, pool, sqlWardTotalsFromScratch); !slices.Equal(got, want) {
		t.Errorf("after edits: totals %v, want %v", got, want)
	}
	var use string
	if err := pool.QueryRow(ctx, "SELECT land_use FROM parcel_ward_totals WHERE ward_code = $1", ward).Scan(&use); err != nil || use != "CLN" {
		t.Errorf("ward %s's land use %q (%v), want CLN", ward, use, err)
	}
	got, _ := changesAfter(t, db, head)
	var totals []store.Change
	for _, c := range got {
		if c.Table == "parcel_ward_totals" {
			totals = append(totals, c)
		}
	}
	var wardBox orb.Bound
	if err := pool.QueryRow(ctx, `SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g)
		FROM (SELECT ST_Transform(geom_3857, 4326) g FROM parcel_ward_totals WHERE ward_code = $1) s`, ward).
		Scan(&wardBox.Min[0], &wardBox.Min[1], &wardBox.Max[0], &wardBox.Max[1]); err != nil {
		t.Fatal(err)
	}
	if len(totals) != 2 || len(totals[0].Boxes) != 1 || !near(totals[0].Boxes[0], wardBox) {
		t.Errorf("totals changes %+v, want two, each with the ward's box %v", totals, wardBox)
	}

	// refresh_tile_tables rebuilds them whole and says so.
	if _, err := pool.Exec(ctx, "UPDATE parcel_ward_totals SET parcels = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "SELECT refresh_tile_tables()"); err != nil {
		t.Fatal(err)
	}
	if got, want := wardTotals(t, pool, sqlWardTotals), wardTotals(t, pool, sqlWardTotalsFromScratch); !slices.Equal(got, want) {
		t.Errorf("after refresh_tile_tables: totals %v, want %v", got, want)
	}
	got, _ = changesAfter(t, db, head)
	if last := got[len(got)-1]; last.Table != "parcel_ward_totals" || !last.All {
		t.Errorf("refresh announced %+v, want the whole of parcel_ward_totals", last)
	}
}
