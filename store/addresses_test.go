package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"bandoso/store/storetest"
)

// TestAddressesByID checks every field of the joined address against the tables it comes from.
func TestAddressesByID(t *testing.T) {
	db := storetest.New(t)
	storetest.LoadDemo(t, db, 7, 600)
	pool := db.Pool()
	ctx := context.Background()
	rows, _ := pool.Query(ctx, `SELECT id FROM addresses ORDER BY id DESC LIMIT 3`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.AddressesByID(ctx, append(ids, -1))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) || len(ids) == 0 {
		t.Fatalf("%d addresses for ids %v", len(got), ids)
	}
	for i, a := range got {
		if a.ID != ids[i] {
			t.Errorf("address %d at %d, want %d: order of ids kept", a.ID, i, ids[i])
		}
		var want struct{ number, street, ward, oldWard, district, province string }
		err := pool.QueryRow(ctx, `SELECT a.house_number, s.name, w.name, ow.name, d.name, p.name
			FROM addresses a JOIN streets s ON s.id = a.street_id
			JOIN admin_units w ON w.code = a.ward_code AND w.level = 'ward' AND w.valid_to IS NULL
			JOIN admin_units ow ON ow.code = a.old_ward_code AND ow.level = 'ward' AND ow.valid_to IS NOT NULL
			JOIN admin_units d ON d.code = ow.parent_code AND d.level = 'district'
			JOIN admin_units p ON p.code = w.parent_code AND p.level = 'province' AND p.valid_to IS NULL
			WHERE a.id = $1`, a.ID).Scan(&want.number, &want.street, &want.ward, &want.oldWard, &want.district, &want.province)
		if err != nil {
			t.Fatal(err)
		}
		if a.HouseNumber != want.number || a.Street != want.street || a.Ward.Name != want.ward || a.OldWard.Name != want.oldWard ||
			a.OldDistrict.Name != want.district || a.Province.Name != want.province || a.Lon == 0 || a.Lat == 0 {
			t.Errorf("address %d: %+v, want %+v", a.ID, a, want)
		}
	}
}
