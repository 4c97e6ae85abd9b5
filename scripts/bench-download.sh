#!/usr/bin/env bash
# bench-download.sh: download the one-million-parcel layer of bandoso_bench (made ready by
# scripts/bench-city.sh) from a `bandoso serve` in each format, and report the time, the size
# and the server's peak resident memory (VmHWM of /proc/PID/status, reset before each format
# through /proc/PID/clear_refs), which must stay under LIMIT_MB (100): a download streams rows
# as they come and holds no file in memory. Arguments are formats (default: geojson csv gpkg).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench sets it)}"
LIMIT_MB=${LIMIT_MB:-100}
PORT=${PORT:-18950}
FORMATS=("$@")
[ ${#FORMATS[@]} -gt 0 ] || FORMATS=(geojson csv gpkg)
BENCH_URL=$(scripts/bench-city.sh)
go build -o bin/bandoso ./cmd/bandoso
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== parcels: $(psql -At "$BENCH_URL" -c 'SELECT count(*) FROM parcels')"

bin/bandoso serve --database-url "$BENCH_URL" --listen "127.0.0.1:$PORT" --log-level warn &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
	curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
	sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/v1/layers" # the catalog read once, as in service
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER/status"; }
echo "== server at start: VmRSS $(( $(kb VmRSS) / 1024 )) MB, VmHWM $(( $(kb VmHWM) / 1024 )) MB"

fail=0
for f in "${FORMATS[@]}"; do
	echo 5 >"/proc/$SERVER/clear_refs" # VmHWM starts again from the current RSS
	out=$(curl -fsS -o /dev/null -w '%{size_download} %{time_total}' "http://127.0.0.1:$PORT/v1/layers/parcels/download?f=$f")
	read -r bytes secs <<<"$out"
	peak=$(( $(kb VmHWM) / 1024 ))
	printf '%-8s %6.0f MB in %6.1f s (%5.1f MB/s), server peak RSS %d MB\n' "$f" \
		"$(echo "$bytes / 1048576" | bc -l)" "$secs" "$(echo "$bytes / 1048576 / $secs" | bc -l)" "$peak"
	if [ "$peak" -ge "$LIMIT_MB" ]; then
		echo "   peak RSS $peak MB is not under $LIMIT_MB MB" >&2
		fail=1
	fi
done
exit $fail
