package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// clockTick is the unit of a process's times in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// DBCPU is the database's CPU time for a list of tiles, made by the server's statements (rows
// for the service to draw) and by PostGIS drawing the same layers (ST_AsMVT).
type DBCPU struct {
	What            string
	Tiles           int
	Ours, PostGIS   time.Duration
	Rounds          int
	OursB, PostGISB int64 // bytes the database sent, for each
}

// dbCPU measures, on one connection, the CPU time its server process spends on the tiles of
// list, for the server's statements and for PostGIS's drawing, in rounds alternating which
// goes first. It reads the process's user and system time from /proc: the database must run
// on this machine.
func dbCPU(ctx context.Context, pool *pgxpool.Pool, what string, list []Tile, rounds int) (DBCPU, error) {
	res := DBCPU{What: what, Tiles: len(list), Rounds: rounds}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Release()
	var pid int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		return res, err
	}
	if _, err := conn.Exec(ctx, "SET max_parallel_workers_per_gather = 0"); err != nil {
		return res, err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "RESET max_parallel_workers_per_gather") //nolint:errcheck // the pool drops a broken connection
	run := func(postgis bool) (time.Duration, int64, error) {
		before, err := processCPU(pid)
		if err != nil {
			return 0, 0, err
		}
		var sent int64
		for _, t := range list {
			for i, q := range t.qs {
				sql := q.SQL()
				if postgis {
					sql = t.postgis[i]
				}
				rows, err := conn.Query(ctx, sql, int(t.At.Z), int(t.At.X), int(t.At.Y))
				if err != nil {
					return 0, 0, err
				}
				for rows.Next() {
					for _, v := range rows.RawValues() {
						sent += int64(len(v))
					}
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return 0, 0, fmt.Errorf("%s: %w", t.Path(), err)
				}
			}
		}
		after, err := processCPU(pid)
		return after - before, sent, err
	}
	for r := range rounds {
		for _, postgis := range []bool{r%2 == 1, r%2 == 0} {
			took, sent, err := run(postgis)
			if err != nil {
				return res, err
			}
			if postgis {
				res.PostGIS += took
				res.PostGISB = sent
			} else {
				res.Ours += took
				res.OursB = sent
			}
		}
	}
	return res, nil
}

// processCPU is the user and system time process pid has used, from /proc/PID/stat.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("database CPU time (is the database on this machine?): %w", err)
	}
	// The command may hold spaces; the fields after it are fixed: utime and stime are the
	// 12th and 13th after the closing parenthesis.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields))
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: times %q %q", pid, fields[11], fields[12])
	}
	return time.Duration(utime+stime) * clockTick, nil
}

func reportDBCPU(w io.Writer, rows []DBCPU) {
	fmt.Fprintln(w, "| tiles | count | rounds | database CPU ms/tile, rows for the service | with ST_AsMVT | ratio | KB sent/tile, rows | ST_AsMVT |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		n := float64(r.Tiles * r.Rounds)
		ours, theirs := float64(r.Ours.Microseconds())/1000/n, float64(r.PostGIS.Microseconds())/1000/n
		fmt.Fprintf(w, "| %s | %d | %d | %.2f | %.2f | %.2f | %.1f | %.1f |\n", r.What, r.Tiles, r.Rounds, ours, theirs,
			ours/max(theirs, 1e-9), float64(r.OursB)/1024/float64(r.Tiles), float64(r.PostGISB)/1024/float64(r.Tiles))
	}
}

// dbCPU reports the database's CPU time per tile of the list's z16 parcels tiles, and of the
// whole list.
func (r *report) dbCPU(ctx context.Context) error {
	var z16 []Tile
	for _, t := range r.b.List {
		if t.At.Z == 16 && len(t.Layers) == 1 && t.Layers[0] == "parcels" {
			z16 = append(z16, t)
		}
	}
	var rows []DBCPU
	for _, l := range []struct {
		what string
		list []Tile
	}{{"z16 parcels", z16}, {"the whole list", r.b.List}} {
		if len(l.list) == 0 {
			continue
		}
		row, err := dbCPU(ctx, r.b.Pool, l.what, l.list, 2*r.o.Rounds)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	fmt.Fprintf(r.out, "## Database CPU per tile, one connection (its server process's user + system time)\n\n")
	reportDBCPU(r.out, rows)
	fmt.Fprintln(r.out)
	return nil
}
