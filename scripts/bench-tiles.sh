#!/usr/bin/env bash
# bench-tiles.sh: the tile benchmark (cmd/tilebench) on the one-million-parcel demo city in
# bandoso_bench on the DATABASE_URL server, made ready by scripts/bench-city.sh: after
# scripts/bench-demo.sh it measures the city just loaded without loading it again. Arguments
# go to tilebench (e.g. -run cold,warm; -help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench sets it)}"
BENCH_URL=$(scripts/bench-city.sh)
go build -o bin/tilebench ./cmd/tilebench
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
psql -At "$BENCH_URL" -c "SELECT version()" -c "SELECT postgis_full_version()" | cut -c1-120
bin/tilebench --database-url "$BENCH_URL" "$@"
# The same city for OGC API – Features pages and planning reports (api/benchmarks_city_test.go).
echo "== items and planning reports on the same city"
BANDOSO_BENCH_URL="$BENCH_URL" ${GO:-go} test -run '^$' -bench City -benchtime 300x ./api
