package main_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"bandoso/store/storetest"
)

// TestDemoRefusesRealData: loading the demo over a layer holding data that is not synthetic
// fails naming the table and the flag that would replace it.
func TestDemoRefusesRealData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.NewURL(t)
	p := newProgram(map[string]string{"DATABASE_URL": url})
	if err := p.run(ctx, "demo", "--size", "200"); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE layers SET synthetic = false WHERE name = 'parcels'`); err != nil {
		t.Fatal(err)
	}
	err = p.run(ctx, "demo", "--seed", "2", "--size", "200")
	if err == nil || !strings.Contains(err.Error(), "parcels") || !strings.Contains(err.Error(), "use --force to replace it") {
		t.Fatalf("demo over real parcels: %v, want an error naming parcels and --force", err)
	}
}
