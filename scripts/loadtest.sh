#!/usr/bin/env bash
# loadtest.sh: serve the one-million-parcel city (scripts/bench-city.sh) on a loopback port
# and replay cmd/loadtest's mix against it at a fixed rate: RATE requests/s for DURATION
# (by default the rate and length of the run in docs/benchmarks.md). Arguments go to
# bandoso-loadtest (-json, -seed, the mix's weights; -help lists them). The server starts
# fresh, with a cold tile cache, and is stopped at the end; its log is kept in LOG.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make loadtest sets it)}"
RATE=${RATE:-120}
DURATION=${DURATION:-10m}
LISTEN=${LOADTEST_LISTEN:-127.0.0.1:18080}
LOG=${LOG:-$(mktemp -t bandoso-loadtest-serve.XXXXXX)}

BENCH_URL=$(scripts/bench-city.sh)
${GO:-go} build -o bin/bandoso-loadtest ./cmd/loadtest
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# The load generator stands for many users behind one proxy: the server trusts its
# X-Forwarded-For, so that the default per-client rate limits apply to each user.
bin/bandoso serve --database-url "$BENCH_URL" --listen "$LISTEN" --trusted-proxies 127.0.0.1 >"$LOG" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	curl -fs "http://$LISTEN/readyz" >/dev/null && break
	sleep 0.1
done
status=0
bin/bandoso-loadtest -url "http://$LISTEN" -rate "$RATE" -duration "$DURATION" -forwarded-for "$@" || status=$?
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); server log $LOG: $(grep -c 'status=5' "$LOG" || true) answers 5xx" >&2
exit "$status"
