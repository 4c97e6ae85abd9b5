package main_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"bandoso/store/storetest"
)

// buildBandoso builds the real binary, for tests of exit codes and of killing an import;
// flags go to go build.
func buildBandoso(t *testing.T, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bandoso")
	args := append(append([]string{"build"}, flags...), "-o", bin, ".")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func addressSum(t *testing.T, url string) string {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(context.Background(), `SELECT count(*) || ' ' || coalesce(md5(string_agg(a::text, '|' ORDER BY id)), '') FROM addresses a`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestImportExitCodes: 0 written or a clean dry run, 3 refused (nothing written), 2 bad flags.
func TestImportExitCodes(t *testing.T) {
	bin := buildBandoso(t)
	url := storetest.NewURL(t)
	load := exec.Command(bin, "demo", "--size", "2000", "--database-url", url)
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	osm := "../../testdata/import/osm_addresses.geojson"
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"import", "--database-url", url}, args...)...)
		out, err := cmd.CombinedOutput()
		return exitCode(err), string(out)
	}
	before := addressSum(t, url)
	if code, out := run("--layer", "addresses", "--file", osm, "--map", "house_number=addr:housenumber,street=addr:street", "--dry-run"); code != 0 || !strings.Contains(out, "dry run") {
		t.Errorf("dry run: exit %d\n%s", code, out)
	}
	if addressSum(t, url) != before {
		t.Error("dry run wrote")
	}
	if code, out := run("--layer", "addresses", "--file", osm, "--map", "house_number=addr:housenumber"); code != 3 || !strings.Contains(out, "missing_field") {
		t.Errorf("refused: exit %d\n%s", code, out)
	}
	if addressSum(t, url) != before {
		t.Error("refused import wrote")
	}
	if code, out := run("--layer", "addresses", "--file", osm, "--map", "nope=addr:street"); code != 2 || !strings.Contains(out, "--map") {
		t.Errorf("bad --map: exit %d\n%s", code, out)
	}
	if code, out := run("--layer", "addresses", "--file", osm, "--map", "house_number=addr:housenumber,street=addr:street"); code != 0 || !strings.Contains(out, "wrote 2") {
		t.Errorf("written: exit %d\n%s", code, out)
	}
}

// TestImportKilledHalfway kills `bandoso import` with SIGKILL while it streams 200,000 points
// and finds the table as it was.
func TestImportKilledHalfway(t *testing.T) {
	bin := buildBandoso(t)
	url := storetest.NewURL(t)
	if out, err := exec.Command(bin, "demo", "--size", "2000", "--database-url", url).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "many.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "lon,lat,house_number,street,ward_code")
	for i := 0; i < 200_000; i++ {
		fmt.Fprintf(f, "%.7f,%.7f,%d,Khánh Hội,26737\n", 106.698+float64(i%1000)*1e-6, 10.778+float64(i/1000)*1e-6, 100000+i)
	}
	f.Close()
	before := addressSum(t, url)
	cmd := exec.Command(bin, "import", "--database-url", url, "--layer", "addresses", "--file", file)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// wait until its COPY is running on the server, then kill it
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(30 * time.Second)
	for {
		var copying bool
		if err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE application_name = 'bandoso import' AND query ILIKE 'copy%import_stage%' AND state = 'active')`).Scan(&copying); err != nil {
			t.Fatal(err)
		}
		if copying {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("import never reached its COPY")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// the server ends the dead client's session and rolls back its transaction
	deadline = time.Now().Add(30 * time.Second)
	for {
		var open int
		if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bandoso import'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := addressSum(t, url); after != before {
		t.Errorf("addresses after the kill: %s, before %s", after, before)
	}
}

// TestImportSkipAndRejects is the round a data steward makes with a messy CSV: --on-invalid
// skip writes the good rows and puts the others, with their reasons, in a rejects CSV in the
// current folder; the text report groups the problems; the fixed rejects import.
func TestImportSkipAndRejects(t *testing.T) {
	bin := buildBandoso(t)
	url := storetest.NewURL(t)
	if out, err := exec.Command(bin, "demo", "--size", "2000", "--database-url", url).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "so_nha.csv")
	rows := "lon,lat,so_nha,duong\n"
	for i := range 12 {
		street := "Khánh Hội"
		if i%4 == 3 {
			street = "Đường Không Có" // no such street
		}
		rows += fmt.Sprintf("%.6f,%.6f,%d,%s\n", 106.6981+float64(i)*1e-5, 10.7781, 7100+2*i, street)
	}
	if err := os.WriteFile(file, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	before := addressSum(t, url)
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, append([]string{"import", "--database-url", url, "--layer", "addresses", "--map", "house_number=so_nha,street=duong"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return exitCode(err), string(out)
	}
	code, out := run("--file", file)
	if code != 3 || !strings.Contains(out, "unknown_street") || !strings.Contains(out, "3 of them with problems") {
		t.Fatalf("refusing: exit %d\n%s", code, out)
	}
	if addressSum(t, url) != before {
		t.Fatal("a refused import wrote")
	}
	code, out = run("--file", file, "--on-invalid", "skip")
	if code != 0 || !strings.Contains(out, "wrote 9") || !strings.Contains(out, "3 refused") || !strings.Contains(out, "so_nha.rejects.csv") {
		t.Fatalf("skipping: exit %d\n%s", code, out)
	}
	rejects, err := os.ReadFile(filepath.Join(dir, "so_nha.rejects.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(rejects)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "so_nha,duong,wkt,import_problems") || !strings.Contains(lines[1], "no street named") {
		t.Fatalf("rejects file:\n%s", rejects)
	}
	fixed := filepath.Join(dir, "fixed.csv")
	if err := os.WriteFile(fixed, []byte(strings.ReplaceAll(string(rejects), "Đường Không Có", "Khánh Hội")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := run("--file", fixed); code != 0 || !strings.Contains(out, "wrote 3") {
		t.Fatalf("the fixed rejects: exit %d\n%s", code, out)
	}
}

// TestImportReportText: past a few examples a group of problems says how many more there
// are, never cutting the list silently; --report json lists every one.
func TestImportReportText(t *testing.T) {
	bin := buildBandoso(t)
	url := storetest.NewURL(t)
	if out, err := exec.Command(bin, "demo", "--size", "2000", "--database-url", url).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "zones.csv")
	rows := "lon,lat,TypeCode\n"
	for i := range 1200 {
		rows += fmt.Sprintf("%.6f,%.6f,98765\n", 106.6981+float64(i%40)*1e-5, 10.7781+float64(i/40)*1e-5)
	}
	if err := os.WriteFile(file, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"import", "--database-url", url, "--layer", "addresses", "--file", file, "--map", "house_number=TypeCode", "--set", "street=Khánh Hội"}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if exitCode(err) != 3 || !strings.Contains(string(out), "… and 1,196 more (--report json lists every one)") {
		t.Fatalf("exit %d\n%s", exitCode(err), out)
	}
	out, err = exec.Command(bin, append(args, "--report", "json")...).Output()
	// every problem, then the summary's group and its three examples
	if exitCode(err) != 3 || strings.Count(string(out), `"problem": "duplicate_key"`) != 1199+1+3 {
		t.Errorf("json: %d duplicate_key entries", strings.Count(string(out), `"problem": "duplicate_key"`))
	}
}

// TestImportKilledMidStatement: an import killed while the server runs one of its long
// statements does not leave that statement running; the server notices the client is gone.
func TestImportKilledMidStatement(t *testing.T) {
	bin := buildBandoso(t)
	url := storetest.NewURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Stands for an INSERT that takes ten minutes on a large file.
	if _, err := conn.Exec(ctx, `CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS
		$$BEGIN PERFORM pg_sleep(600); RETURN NULL; END$$;
		CREATE TRIGGER slow_insert BEFORE INSERT ON addresses FOR EACH STATEMENT EXECUTE FUNCTION slow_insert()`); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "few.csv")
	if err := os.WriteFile(file, []byte("lon,lat,house_number,street,ward_code\n106.698,10.778,12,Khánh Hội,26737\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "import", "--database-url", url, "--layer", "addresses", "--file", file)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	running := func() int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = 'bandoso import' AND state = 'active' AND wait_event = 'PgSleep'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for start := time.Now(); running() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > time.Minute {
			cmd.Process.Kill()
			t.Fatal("the import never reached its INSERT")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed := time.Now()
	for running() > 0 {
		if time.Since(killed) > time.Minute {
			t.Fatalf("the killed import's statement still runs on the server %s later", time.Since(killed).Round(time.Second))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
