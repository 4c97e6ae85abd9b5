#!/usr/bin/env bash
# bench-export.sh: `bandoso export` of the whole one-million-parcel demo city in bandoso_bench
# on the DATABASE_URL server (made ready by scripts/bench-city.sh), every public layer from
# zoom MINZOOM to MAXZOOM (10 to 17), to PMTiles and then to MBTiles: the time each takes, the
# tiles stored, the distinct ones among them and the file's bytes (docs/benchmarks.md, "Export").
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench sets it)}"
MINZOOM=${MINZOOM:-10}
MAXZOOM=${MAXZOOM:-17}
BENCH_URL=$(scripts/bench-city.sh)
go build -o bin/bandoso ./cmd/bandoso
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
BBOX=$(psql -At "$BENCH_URL" -c "SELECT concat_ws(',', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)) FROM (SELECT ST_Extent(geom) e FROM parcels) s")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for f in city.pmtiles city.mbtiles; do
	echo "== export $f: zooms $MINZOOM-$MAXZOOM over $BBOX"
	/usr/bin/time -f "%e s, %M KB peak memory" bin/bandoso export --database-url "$BENCH_URL" --log-level warn \
		--bbox "$BBOX" --minzoom "$MINZOOM" --maxzoom "$MAXZOOM" --out "$OUT/$f" 2> >(grep -v '^export: ' >&2)
done
