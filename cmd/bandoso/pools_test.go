package main_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"bandoso/geo"
	"bandoso/internal/testwait"
	"bandoso/store"
	"bandoso/store/storetest"
)

// pooledCity is a small demo city in a database of the test's own, a connection to it, and
// one of its parcels with the tile that draws it; via is the database through a replica or
// pgbouncer.
type pooledCity struct {
	url, via string
	direct   *pgx.Conn
	db       *store.DB
	parcel   int64
	tile     geo.Tile
}

// newPooledCity makes the city, reaching it via (storetest.ReplicaURL or PgbouncerURL, which
// skip the test where the service is not there) before the city is loaded.
func newPooledCity(t *testing.T, via func(testing.TB, string) string) pooledCity {
	t.Helper()
	ctx := context.Background()
	c := pooledCity{url: storetest.NewURL(t)}
	c.via = via(t, c.url)
	var err error
	if c.db, err = store.Open(ctx, c.url, store.Options{MaxConns: 2}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.db.Close)
	storetest.LoadDemo(t, c.db, 1, 200)
	if c.direct, err = pgx.Connect(ctx, c.url); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.direct.Close(context.Background()) })
	var p orb.Point
	if err := c.direct.QueryRow(ctx, `SELECT id, ST_X(c), ST_Y(c) FROM (SELECT id, ST_Transform(ST_PointOnSurface(geom), 4326) c
		FROM parcels ORDER BY id LIMIT 1) p`).Scan(&c.parcel, &p[0], &p[1]); err != nil {
		t.Fatal(err)
	}
	c.tile = geo.TileAt(p, 17)
	return c
}

// editDirectly changes the parcel's land use around the service, so that only the change
// listener tells the service of it.
func (c pooledCity) editDirectly(t *testing.T) {
	t.Helper()
	if _, err := c.direct.Exec(context.Background(), `UPDATE parcels SET land_use = CASE land_use WHEN 'CLN' THEN 'ODT' ELSE 'CLN' END
		WHERE id = $1`, c.parcel); err != nil {
		t.Fatal(err)
	}
}

// fetch GETs u and returns its body, failing on any status but 200.
func fetch(t *testing.T, u string) []byte {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v %.300s", u, res.StatusCode, err, body)
	}
	return body
}

func (c pooledCity) tileURL(s *serving) string {
	return fmt.Sprintf("%s/tiles/parcels/%d/%d/%d.mvt", s.url, c.tile.Z, c.tile.X, c.tile.Y)
}

// waitTileChanges polls the parcel's tile until it differs from before.
func (c pooledCity) waitTileChanges(t *testing.T, s *serving, before []byte) []byte {
	t.Helper()
	var now []byte
	testwait.Until(t, "the tile shows the edit", func() bool {
		now = fetch(t, c.tileURL(s))
		return !bytes.Equal(now, before)
	})
	return now
}

// Through pgbouncer in transaction mode: tiles, items, an edit over HTTP, and a change made
// elsewhere heard by the listener on its own session.
func TestServeThroughPgbouncer(t *testing.T) {
	c := newPooledCity(t, storetest.PgbouncerURL)
	bouncer := c.via
	_, secret, err := c.db.CreateKey(context.Background(), "surveyor", store.RoleEditor, "test")
	if err != nil {
		t.Fatal(err)
	}
	s := mustServe(t, map[string]string{"DATABASE_URL": bouncer}, "--database-pooler", "transaction",
		"--listen-database-url", c.url, "--rate-limit", "0")
	s.waitReadyz(t, http.StatusOK)

	before := fetch(t, c.tileURL(s))
	if items := fetch(t, s.url+"/ogc/collections/parcels/items?limit=5"); !bytes.Contains(items, []byte(`"FeatureCollection"`)) {
		t.Fatalf("items: %.300s", items)
	}
	item := fmt.Sprintf("%s/v1/layers/parcels/features/%d", s.url, c.parcel)
	res, err := http.Get(item)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	req, _ := http.NewRequest(http.MethodPatch, item+"?reason=survey", strings.NewReader(`{"properties":{"land_use":"TMD"}}`))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("If-Match", res.Header.Get("ETag"))
	req.Header.Set("Content-Type", "application/merge-patch+json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH through pgbouncer: %d %s", res.StatusCode, body)
	}
	edited := c.waitTileChanges(t, s, before)

	c.editDirectly(t)
	c.waitTileChanges(t, s, edited)

	// The service's pool is connected through pgbouncer (its totals, SHOW STATS, come only
	// once a minute).
	admin := strings.Replace(bouncer, "/"+dbName(t, c.url)+"?", "/pgbouncer?default_query_exec_mode=simple_protocol&", 1)
	conn, err := pgx.Connect(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), "SHOW CLIENTS")
	if err != nil {
		t.Fatal(err)
	}
	clients := 0
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range rows.FieldDescriptions() {
			if f.Name == "database" && fmt.Sprint(vals[i]) == dbName(t, c.url) {
				clients++
			}
		}
	}
	if clients == 0 {
		t.Errorf("no client of pgbouncer on %s: the service went around it", dbName(t, c.url))
	}
}

// With a replica: /readyz shows it up; a change made on the primary while the replica's
// replay is paused shows in the next tile once the service has heard of it, and stays.
func TestServeWithReplica(t *testing.T) {
	c := newPooledCity(t, storetest.ReplicaURL)
	replica := c.via
	// The city's load must have reached the replica too.
	storetest.WaitReplayed(t, c.url, replica)
	s := mustServe(t, map[string]string{"DATABASE_URL": c.url}, "--replica-url", replica, "--replica-max-lag", "1m", "--rate-limit", "0")
	s.waitReadyz(t, http.StatusOK)
	testwait.Until(t, "/readyz shows the replica up", func() bool {
		_, _, body := get(t, s.url+"/readyz")
		rs, _ := body["replicas"].([]any)
		r, _ := rs[0].(map[string]any)
		return len(rs) == 1 && r["up"] == true
	})
	if metrics := fetch(t, s.url+"/metrics"); !regexp.MustCompile(`(?m)^bandoso_db_replica_up\{replica="[^"]+"\} 1$`).Match(metrics) ||
		!bytes.Contains(metrics, []byte("bandoso_db_replica_lag_seconds{")) {
		t.Errorf("/metrics lacks the replica up and its lag:\n%s", metrics)
	}
	before := fetch(t, c.tileURL(s))

	storetest.PauseReplay(t, replica)
	c.editDirectly(t)
	edited := c.waitTileChanges(t, s, before)
	for range 3 {
		if again := fetch(t, c.tileURL(s)); !bytes.Equal(again, edited) {
			t.Fatal("a tile from before the edit came back while the replica was paused")
		}
	}
	if items := fetch(t, s.url+"/ogc/collections/parcels/items?limit=5"); !bytes.Contains(items, []byte(`"FeatureCollection"`)) {
		t.Fatalf("items: %.300s", items)
	}
}

func dbName(t *testing.T, url string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}
