#!/usr/bin/env bash
# bench-demo.sh: load the demo city at one million parcels into a fresh database
# (bandoso_bench on the DATABASE_URL server) and print the time, rows and table sizes.
# It drops only the database it creates. SIZE overrides the size (e.g. SIZE=small).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench sets it)}"
SIZE=${SIZE:-1000000}
DB=${BENCH_DB:-bandoso_bench}
BENCH_URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$DATABASE_URL" "$DB")

psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
bin/bandoso migrate --database-url "$BENCH_URL" >/dev/null

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
psql -At "$BENCH_URL" -c "SELECT version()" -c "SELECT postgis_full_version()" | cut -c1-120
echo "== bandoso demo --size $SIZE"
start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v bin/bandoso demo --database-url "$BENCH_URL" --size "$SIZE" 2> >(grep -E 'Maximum resident|Elapsed' >&2)
else
	bin/bandoso demo --database-url "$BENCH_URL" --size "$SIZE"
fi
end=$(date +%s.%N)
echo "== elapsed: $(echo "$end - $start" | bc) s"
psql "$BENCH_URL" -c "
SELECT c.relname AS table, c.reltuples::bigint AS rows,
       pg_size_pretty(pg_table_size(c.oid)) AS table_size,
       pg_size_pretty(pg_indexes_size(c.oid)) AS index_size,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total
FROM pg_class c WHERE c.relname IN ('admin_units','admin_succession','streets','parcels','addresses','plans','planning_zones','road_boundaries')
ORDER BY pg_total_relation_size(c.oid) DESC"
echo "(database $DB kept for inspection; drop it with: psql -c 'DROP DATABASE $DB')"
