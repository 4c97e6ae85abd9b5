package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"bandoso/migrations"
	"bandoso/store"
	"bandoso/store/storetest"
)

// sqlReferenceCounts counts what migration 00011 loaded: succession rows, distinct old units,
// new units of Ho Chi Minh City and of Hanoi, and rows by kind.
const sqlReferenceCounts = `SELECT
	(SELECT count(*) FROM admin_succession WHERE source = 'nso-2025'),
	(SELECT count(DISTINCT (old_unit_id, new_unit_id)) FROM admin_succession WHERE source = 'nso-2025'),
	(SELECT count(DISTINCT old_unit_id) FROM admin_succession WHERE source = 'nso-2025'),
	(SELECT count(*) FROM admin_units WHERE source = 'nso-2025' AND level = 'ward' AND valid_to IS NULL AND parent_code = '79'),
	(SELECT count(*) FROM admin_units WHERE source = 'nso-2025' AND level = 'ward' AND valid_to IS NULL AND parent_code = '01'),
	(SELECT count(*) FROM admin_succession WHERE kind = 'part'),
	(SELECT count(*) FROM admin_succession WHERE kind IN ('whole', 'unchanged') AND area_share = 1),
	(SELECT count(*) FROM admin_units WHERE level = 'ward' AND valid_to IS NULL
		AND NOT EXISTS (SELECT 1 FROM admin_succession s WHERE s.new_unit_id = admin_units.id))`

type referenceCounts struct {
	rows, pairs, old, new79, new01, part, whole, orphans int64
}

func countReference(t *testing.T, db *store.DB) referenceCounts {
	t.Helper()
	var c referenceCounts
	err := db.Pool().QueryRow(context.Background(), sqlReferenceCounts).
		Scan(&c.rows, &c.pairs, &c.old, &c.new79, &c.new01, &c.part, &c.whole, &c.orphans)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tableFacts reads the embedded CSV on its own, without migrations.ConversionTable: its data rows,
// its distinct old units (an empty old ward stands for its district) and its rows by note.
func tableFacts(t *testing.T) (rows, old, part, whole int64) {
	t.Helper()
	b, err := migrations.FS.ReadFile("reference/nso_conversion_hcmc_hanoi.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	olds := map[string]bool{}
	for _, r := range recs[1:] {
		olds[r[4]+"|"+r[6]] = true
		switch note := r[5]; {
		case bytes.HasPrefix([]byte(note), []byte("Nhập một phần")):
			part++
		case note == "Nhập toàn bộ", note == "Giữ nguyên", bytes.HasPrefix([]byte(note), []byte("Sắp xếp toàn bộ")):
			whole++
		}
	}
	return int64(len(recs) - 1), int64(len(olds)), part, whole
}

func TestUnitsReference(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	rows, old, part, whole := tableFacts(t)
	// SOURCE.md: 1,288 rows; 168 new units of Ho Chi Minh City, 126 of Hanoi; one row corrected
	// (Đặng Xá), which makes one more distinct old unit than the published codes.
	want := referenceCounts{rows: rows, pairs: rows, old: old, new79: 168, new01: 126, part: part, whole: whole}
	if rows != 1288 {
		t.Errorf("the table has %d rows, SOURCE.md says 1,288", rows)
	}
	got := countReference(t, db)
	if got != want {
		t.Fatalf("loaded %+v, want %+v", got, want)
	}

	t.Run("Đặng Xá is split, Cổ Bi keeps three successors", func(t *testing.T) {
		var dangXa, coBi int
		err := db.Pool().QueryRow(ctx, `SELECT
			(SELECT count(*) FROM admin_succession WHERE old_code = '00556'),
			(SELECT count(*) FROM admin_succession WHERE old_code = '00553')`).Scan(&dangXa, &coBi)
		if err != nil || dangXa != 2 || coBi != 3 {
			t.Errorf("Đặng Xá %d, Cổ Bi %d successors (%v), want 2 and 3", dangXa, coBi, err)
		}
	})

	t.Run("Down removes the rows and Up loads them again", func(t *testing.T) {
		if err := db.MigrateDownTo(ctx, 10); err != nil {
			t.Fatal(err)
		}
		var units, succ int64
		if err := db.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM admin_units), (SELECT count(*) FROM admin_succession)`).Scan(&units, &succ); err != nil {
			t.Fatal(err)
		}
		if units != 0 || succ != 0 {
			t.Errorf("after Down: %d units, %d succession rows, want none", units, succ)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := countReference(t, db); got != want {
			t.Errorf("after Down and Up: %+v, want %+v", got, want)
		}
	})
}

// TestUnitsReferenceOverDemo applies 00011 to a database that holds a demo city from before it,
// as the benchmark database does: the city's units keep their boundaries and become official.
func TestUnitsReferenceOverDemo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 1, 2000)
	var placed int64
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM admin_units WHERE geom IS NOT NULL`).Scan(&placed); err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateDownTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var after, dup int64
	err := db.Pool().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM admin_units WHERE geom IS NOT NULL AND source = 'nso-2025'),
		(SELECT count(*) - count(DISTINCT (level, code, valid_to IS NULL)) FROM admin_units)`).Scan(&after, &dup)
	if err != nil {
		t.Fatal(err)
	}
	if placed == 0 || after != placed || dup != 0 {
		t.Errorf("%d units had boundaries, %d official ones have them after 00011, %d duplicates", placed, after, dup)
	}
	rows, _, _, _ := tableFacts(t)
	if got := countReference(t, db); got.rows != rows {
		t.Errorf("%d succession rows over the demo, want %d", got.rows, rows)
	}
}
