package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"bandoso/store/storetest"
	"bandoso/web"
)

// The viewer's legend names each land use of the style's colours in Vietnamese and English,
// as the national list in the database (land_use_codes) names it.
func TestStyleLegendNames(t *testing.T) {
	t.Parallel()
	url := newWebServer(t, web.Embedded())
	_, body := send(t, http.MethodGet, url+"/styles/default.json")
	var style struct {
		Metadata struct {
			Colors map[string]string                  `json:"bandoso:land_use_colors"`
			Names  map[string]struct{ VI, EN string } `json:"bandoso:land_use_names"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(body, &style); err != nil {
		t.Fatal(err)
	}
	names := style.Metadata.Names
	for code := range style.Metadata.Colors {
		if n := names[code]; n.VI == "" || n.EN == "" {
			t.Errorf("land use %s has a colour but names %+v", code, n)
		}
	}
	for code := range names {
		if style.Metadata.Colors[code] == "" {
			t.Errorf("land use %s has names but no colour", code)
		}
	}
	pool, err := pgxpool.New(context.Background(), storetest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	rows, err := pool.Query(context.Background(), `SELECT code, name, name_en FROM land_use_codes`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var code, vi, en string
		if err := rows.Scan(&code, &vi, &en); err != nil {
			t.Fatal(err)
		}
		n++
		if got := names[code]; got.VI != vi || got.EN != en {
			t.Errorf("land use %s: the style names it %q / %q, the database %q / %q", code, got.VI, got.EN, vi, en)
		}
	}
	if rows.Err() != nil || n < 10 {
		t.Fatalf("%d land-use codes, %v", n, rows.Err())
	}
}
