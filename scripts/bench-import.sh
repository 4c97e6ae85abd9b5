#!/usr/bin/env bash
# bench-import.sh: the time and peak memory of `bandoso import` on its two large paths, in
# databases it creates on the DATABASE_URL server and drops at the end (its own only):
#   osm  an OpenStreetMap extract of the demo city (`bandoso demo --osm`) imported into a
#        database holding only the city's wards (`demo --boundaries-only`), so that streets
#        and addresses are placed in wards as in real use; at each of OSM_SIZES parcels
#        (default 1000000 and 9000000: PBF files of about 34 and 300 MB), then the same file
#        once more (everything unchanged);
#   csv  a 100,000-row address CSV on the small demo city (CSV_ROWS), clean, and with 1% bad
#        rows (an unknown street, a house number that is none, a point outside the city):
#        all or nothing, refused (exit 3), --on-invalid skip --rejects, --dry-run; RUNS rounds,
#        the four in turn, medians and the ratios of each round.
# ONLY=osm or ONLY=csv runs one part. Generated files stay in BENCH_DIR
# (default /tmp/bandoso-bench-import): the 300 MB extract takes about 100 s to write.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench sets it)}"
OSM_SIZES=${OSM_SIZES:-1000000 9000000}
CSV_ROWS=${CSV_ROWS:-100000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
ONLY=${ONLY:-}
BENCH_DIR=${BENCH_DIR:-/tmp/bandoso-bench-import}
BANDOSO=${BANDOSO:-bin/bandoso}
DBS=(bandoso_bench_osm bandoso_bench_csv bandoso_bench_csv_run)

scripts/debian-tool.sh /usr/bin/time time
mkdir -p "$BENCH_DIR"
url_of() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$DATABASE_URL" "$1"; }
psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" "$@"; }
drop_dbs() { for db in "${DBS[@]}"; do psql_q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done; }
trap drop_dbs EXIT
fresh_db() { psql_q -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
# migrate URL: migrates a fresh database; the first time, prints PostgreSQL's and PostGIS's versions.
versions_shown=
migrate() {
	$BANDOSO migrate --database-url "$1" >/dev/null
	if [ -z "$versions_shown" ]; then
		psql -X -At "$1" -c "SELECT version()" -c "SELECT postgis_full_version()" | cut -c1-120
		versions_shown=1
	fi
}

# measure NAME CMD…: runs CMD with its stdout in $BENCH_DIR/NAME.out and appends
# "wall-seconds peak-RSS-kB exit-code" to $BENCH_DIR/NAME.time.
measure() {
	local name=$1
	shift
	/usr/bin/time -f '%e %M %x' -a -o "$BENCH_DIR/$name.time" "$@" >"$BENCH_DIR/$name.out" 2>"$BENCH_DIR/$name.err" || true
	tail -1 "$BENCH_DIR/$name.time"
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== source $(git describe --always --dirty 2>/dev/null || echo unknown), seed $SEED"

bench_osm() {
	local size=$1 pbf="$BENCH_DIR/city-$1-seed$SEED.osm.pbf" url
	if [ ! -s "$pbf" ] || [ ! -s "$pbf.txt" ]; then
		echo "== writing the demo city of $size parcels as OpenStreetMap data"
		$BANDOSO demo --osm "$pbf" --size "$size" --seed "$SEED" | tee "$pbf.txt"
	fi
	url=$(url_of bandoso_bench_osm)
	fresh_db bandoso_bench_osm
	migrate "$url"
	$BANDOSO demo --database-url "$url" --boundaries-only --size "$size" --seed "$SEED" >/dev/null 2>"$BENCH_DIR/demo.err"
	for pass in first again; do
		rm -f "$BENCH_DIR/osm-$size-$pass.time"
		read -r wall rss code < <(measure "osm-$size-$pass" $BANDOSO import --database-url "$url" --layer osm --file "$pbf" --report json)
		if [ "$code" != 0 ]; then
			cat "$BENCH_DIR/osm-$size-$pass.err" >&2
			echo "import --layer osm failed (exit $code)" >&2
			return 1
		fi
		python3 - "$BENCH_DIR/osm-$size-$pass.out" "$pbf.txt" "$pbf" "$size" "$pass" "$wall" "$rss" <<'EOF'
import json, os, re, sys
rep, txt, pbf, size, pass_, wall, rss = sys.argv[1:]
r = json.load(open(rep))
m = re.search(r"(\d+) nodes, (\d+) ways, (\d+) relations", open(txt).read())
nodes, ways = int(m.group(1)), int(m.group(2))
records, wall = sum(r["records"].values()), float(wall)
print(f"== import --layer osm, {size} parcels, {pass_} import: {os.path.getsize(pbf) / 1e6:.0f} MB, {nodes:,} nodes, {ways:,} ways, {records:,} records")
print(f"   wall {wall:.1f} s, peak RSS {int(rss) / 1024:.0f} MB; {records / wall:,.0f} records/s, {nodes / wall:,.0f} nodes/s, {ways / wall:,.0f} ways/s")
for t in ("lines", "areas", "pois", "streets", "addresses"):
    c = r[t]
    print(f"   {t:10} {c['inserted']:>10,} inserted {c['updated']:>8,} updated {c['unchanged']:>10,} unchanged {c['deleted']:>8,} deleted")
print(f"   skipped {r['skipped']:,}: {r['problem_counts']}")
EOF
		psql -X -At "$url" -c "SELECT '   database ' || pg_size_pretty(pg_database_size(current_database()))"
	done
	psql -X "$url" -c "
SELECT c.relname AS table, c.reltuples::bigint AS rows, pg_size_pretty(pg_table_size(c.oid)) AS table_size,
	pg_size_pretty(pg_indexes_size(c.oid)) AS index_size, pg_size_pretty(pg_total_relation_size(c.oid)) AS total
FROM pg_class c WHERE c.relname IN ('osm_lines', 'osm_areas', 'pois', 'streets', 'addresses', 'audit_log', 'addresses_history', 'streets_history')
ORDER BY pg_total_relation_size(c.oid) DESC"
}

# gen_csv FILE BAD: CSV_ROWS addresses on the demo city's streets, at the points of its
# addresses, with house numbers 1000 above its highest (so none is taken); with BAD, every
# hundredth row is bad in one of three ways in turn.
gen_csv() {
	psql -X -q -v ON_ERROR_STOP=1 -v rows="$CSV_ROWS" -v bad="$2" "$(url_of bandoso_bench_csv)" >"$1" <<'EOF'
COPY (
WITH a AS (
	SELECT row_number() OVER (ORDER BY a.id) - 1 AS k, s.name, a.geom
	FROM addresses a JOIN streets s ON s.id = a.street_id WHERE s.kind = 'street'
), n AS (
	SELECT count(*) AS c, (SELECT coalesce(max(substring(number_norm, '^[0-9]+')::int), 0) + 1000 FROM addresses) AS base FROM a
), r AS (
	SELECT i, a.name, n.base + i AS no, a.geom AS p, CASE WHEN :bad AND i % 100 = 50 THEN (i / 100) % 3 END AS fault
	FROM generate_series(0, :rows - 1) i CROSS JOIN n JOIN a ON a.k = (i * 7919) % n.c
)
SELECT CASE WHEN fault = 2 THEN 105.8342 ELSE round(ST_X(p)::numeric, 7) END AS lon,
	CASE WHEN fault = 2 THEN 21.0278 ELSE round(ST_Y(p)::numeric, 7) END AS lat,
	CASE WHEN fault = 1 THEN 'không rõ' ELSE no::text END AS house_number,
	CASE WHEN fault = 0 THEN 'Đường Không Có Thật' ELSE name END AS street
FROM r ORDER BY i
) TO STDOUT WITH (FORMAT csv, HEADER)
EOF
}

bench_csv() {
	local base run clean="$BENCH_DIR/addresses-clean.csv" bad="$BENCH_DIR/addresses-bad.csv"
	base=$(url_of bandoso_bench_csv)
	run=$(url_of bandoso_bench_csv_run)
	fresh_db bandoso_bench_csv
	migrate "$base"
	$BANDOSO demo --database-url "$base" --size small --seed "$SEED" >/dev/null 2>"$BENCH_DIR/demo.err"
	gen_csv "$clean" false
	gen_csv "$bad" true
	echo "== import --layer addresses, $CSV_ROWS rows, on the small demo city; $RUNS rounds, each import on a fresh copy of the city"
	local variants=(all-or-nothing refused skip dry-run) expect=(0 3 0 0)
	rm -f "$BENCH_DIR"/csv-*.time
	for ((round = 0; round < RUNS; round++)); do
		for ((k = 0; k < 4; k++)); do
			local i=$(((round + k) % 4)) args
			case ${variants[$i]} in
			all-or-nothing) args=(--file "$clean") ;;
			refused) args=(--file "$bad") ;;
			skip) args=(--file "$bad" --on-invalid skip --rejects "$BENCH_DIR/rejects.csv") ;;
			dry-run) args=(--file "$clean" --dry-run) ;;
			esac
			psql_q -c "DROP DATABASE IF EXISTS bandoso_bench_csv_run WITH (FORCE)" -c "CREATE DATABASE bandoso_bench_csv_run TEMPLATE bandoso_bench_csv"
			read -r _ _ code < <(measure "csv-${variants[$i]}" $BANDOSO import --database-url "$run" --layer addresses "${args[@]}" --report json)
			if [ "$code" != "${expect[$i]}" ]; then
				cat "$BENCH_DIR/csv-${variants[$i]}.err" >&2
				echo "${variants[$i]}: exit $code, want ${expect[$i]}" >&2
				return 1
			fi
		done
	done
	python3 - "$BENCH_DIR" "${variants[@]}" <<'EOF'
import json, statistics as st, sys
d, variants = sys.argv[1], sys.argv[2:]
# GNU time writes "Command exited with non-zero status 3" before a refused import's figures
runs = {v: [tuple(map(float, l.split()[:2])) for l in open(f"{d}/csv-{v}.time") if l[:1].isdigit()] for v in variants}
print(f"   {'variant':16} {'written':>8} {'refused':>8} {'wall s (median, min–max)':>26} {'peak RSS MB':>12} {'ratio to all-or-nothing':>24}")
for v in variants:
    r = json.load(open(f"{d}/csv-{v}.out"))
    wall = [w for w, _ in runs[v]]
    ratio = st.median(w / a for (w, _), (a, _) in zip(runs[v], runs[variants[0]]))
    print(f"   {v:16} {r['written']:>8,} {r['rejected']:>8,} {st.median(wall):>10.2f} ({min(wall):.2f}–{max(wall):.2f}) {st.median(m for _, m in runs[v]) / 1024:>12.0f} {ratio:>24.2f}")
print("   (ratio: the median over the rounds of the variant's wall time over the all-or-nothing import's of the same round)")
EOF
}

if [ "$ONLY" != csv ]; then
	for size in $OSM_SIZES; do bench_osm "$size"; done
fi
if [ "$ONLY" != osm ]; then
	bench_csv
fi
