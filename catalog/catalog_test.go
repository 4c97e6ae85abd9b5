package catalog_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"bandoso/catalog"
	"bandoso/store"
	"bandoso/store/storetest"
)

// parcelsExtent is the extent of table parcels as the database computes it.
func parcelsExtent(t *testing.T, pool *pgxpool.Pool) orb.Bound {
	t.Helper()
	var b orb.Bound
	err := pool.QueryRow(context.Background(), `SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT ST_Extent(geom) e FROM parcels) s`).Scan(&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameBound(a, b orb.Bound) bool {
	return math.Abs(a.Left()-b.Left()) < 1e-9 && math.Abs(a.Bottom()-b.Bottom()) < 1e-9 &&
		math.Abs(a.Right()-b.Right()) < 1e-9 && math.Abs(a.Top()-b.Top()) < 1e-9
}

func TestCatalog(t *testing.T) {
	db, pool := storetest.NewWithPool(t)
	storetest.LoadDemo(t, db, 1, 500)
	ctx := context.Background()
	c := catalog.New(db)

	t.Run("every layer of the table, by name, with its bands' fields after its own", func(t *testing.T) {
		var want []string
		rows, _ := pool.Query(ctx, `SELECT name FROM layers ORDER BY name COLLATE "C"`)
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			want = append(want, n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		layers, err := c.Layers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range layers {
			got = append(got, l.Name)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Fatalf("layers %v, the table has %v", got, want)
		}
		l, err := c.Layer(ctx, "parcels")
		if err != nil {
			t.Fatal(err)
		}
		if l.Table != "parcels" || len(l.Fields) == 0 || !slices.Equal(l.TileFields[:len(l.Fields)], l.Fields) {
			t.Errorf("parcels: table %q, fields %v, tile fields %v", l.Table, l.Fields, l.TileFields)
		}
		// The ward totals drawn at low zooms carry a parcel count the parcels do not have.
		if slices.Contains(l.Fields, "parcels") || !slices.Contains(l.TileFields, "parcels") || l.FieldKinds["parcels"] != "Number" {
			t.Errorf("parcels: tile fields %v, kinds %v; want the band's count as a Number after the own fields",
				l.TileFields, l.FieldKinds)
		}
		for _, f := range l.TileFields {
			if l.FieldKinds[f] == "" {
				t.Errorf("parcels: tile field %s has no kind", f)
			}
		}
		if src := l.TileSource(10); src.Table != "parcel_ward_totals" || l.TileSource(18).Table != "parcels" ||
			!l.InZoom(18) || l.InZoom(l.MinZoom-1) {
			t.Errorf("parcels: drawn from %q at zoom 10, %q at 18; zooms %d-%d", src.Table,
				l.TileSource(18).Table, l.MinZoom, l.MaxZoom)
		}
	})

	t.Run("an unknown layer is ErrUnknownLayer naming it", func(t *testing.T) {
		_, err := c.Layer(ctx, "moon_craters")
		var le *catalog.LayerError
		if !errors.Is(err, catalog.ErrUnknownLayer) || !errors.As(err, &le) || le.Name != "moon_craters" {
			t.Errorf("got %v, want ErrUnknownLayer naming moon_craters", err)
		}
	})

	t.Run("bounds are the rows' extent, kept until the layer's table changes", func(t *testing.T) {
		l, err := c.Layer(ctx, "parcels")
		if err != nil {
			t.Fatal(err)
		}
		before := parcelsExtent(t, pool)
		b, ok, err := c.Bounds(ctx, l)
		if err != nil || !ok || !sameBound(b, before) || b.Right()-b.Left() <= 0 {
			t.Fatalf("bounds %v, %v, %v; the table's extent is %v", b, ok, err, before)
		}
		// Move the easternmost parcel a tenth of a degree east.
		if _, err := pool.Exec(ctx, `UPDATE parcels SET geom = ST_Translate(geom, 0.1, 0)
			WHERE id = (SELECT id FROM parcels ORDER BY ST_XMax(geom) DESC LIMIT 1)`); err != nil {
			t.Fatal(err)
		}
		after := parcelsExtent(t, pool)
		if b, _, _ := c.Bounds(ctx, l); !sameBound(b, before) {
			t.Errorf("bounds %v before the change reached the catalog, want those kept, %v", b, before)
		}
		c.Apply([]store.Change{{Table: "streets", All: true}})
		if b, _, _ := c.Bounds(ctx, l); !sameBound(b, before) {
			t.Errorf("bounds %v after a change of streets, want those kept, %v", b, before)
		}
		c.Apply([]store.Change{{Table: "parcels", Boxes: []orb.Bound{{Min: orb.Point{after.Right() - 0.01, after.Bottom()}, Max: after.Max}}}})
		if b, ok, err := c.Bounds(ctx, l); err != nil || !ok || !sameBound(b, after) || b.Right() <= before.Right() {
			t.Errorf("bounds %v, %v, %v after the change of parcels, want %v", b, ok, err, after)
		}
	})

	t.Run("a patch and a new layer are read after a change of the catalog", func(t *testing.T) {
		title, public := "Thửa đất (mới)", false
		if err := db.UpdateLayer(ctx, "parcels", store.LayerPatch{Title: &title, Public: &public}, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO layers (name, title, table_name, row_filter, geometry_type, fields)
			VALUES ('no_parcels', 'None', 'parcels', 'false', 'Polygon', '{land_use}')`); err != nil {
			t.Fatal(err)
		}
		if l, err := c.Layer(ctx, "parcels"); err != nil || l.Title == title || !l.Public {
			t.Fatalf("before the change reached the catalog: %+v, %v; want the catalog as read", l, err)
		}
		c.Apply([]store.Change{{Table: "layers", All: true}})
		l, err := c.Layer(ctx, "parcels")
		if err != nil || l.Title != title || l.Public {
			t.Fatalf("after the change: %+v, %v; want title %q, restricted", l, err, title)
		}
		if l.ReadableBy(catalog.Anyone) || !l.ReadableBy(catalog.KeyHolder) {
			t.Error("a restricted layer: readable by anyone, or not by a key holder")
		}
		readable, err := c.Readable(ctx, catalog.Anyone)
		if err != nil {
			t.Fatal(err)
		}
		all, err := c.Readable(ctx, catalog.KeyHolder)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(readable)+1 || slices.ContainsFunc(readable, func(l *catalog.Layer) bool { return l.Name == "parcels" }) {
			t.Errorf("%d layers readable by anyone, %d by a key holder; want all but parcels", len(readable), len(all))
		}
		hidden, err := c.Hidden(ctx, catalog.Anyone)
		if err != nil || len(hidden) != 1 || !hidden["parcels"] {
			t.Errorf("hidden from anyone: %v, %v; want parcels", hidden, err)
		}
		if hidden, err := c.Hidden(ctx, catalog.KeyHolder); err != nil || len(hidden) != 0 {
			t.Errorf("hidden from a key holder: %v, %v; want none", hidden, err)
		}
		empty, err := c.Layer(ctx, "no_parcels")
		if err != nil {
			t.Fatal(err)
		}
		if b, ok, err := c.Bounds(ctx, empty); err != nil || ok {
			t.Errorf("bounds of a layer without rows: %v, %v, %v; want none", b, ok, err)
		}
	})
}
