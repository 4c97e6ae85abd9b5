#!/usr/bin/env bash
# loadtest.sh: serve the one-million-parcel city (scripts/bench-city.sh) on a loopback port
# and replay cmd/loadtest's mix against it at a fixed rate: RATE requests/s for DURATION
# (by default the rate and length of the run in docs/benchmarks.md). Arguments go to
# bandoso-loadtest (-json, -seed, the mix's weights; -help lists them). The server starts
# fresh, with a cold tile cache, and is stopped at the end; its log is kept in LOG.
#
# With INSTANCES set (e.g. INSTANCES="1 2"), the mix goes through nginx instead: for each
# number in turn, scripts/cluster.sh runs that many instances on the city behind nginx (with
# the replica and Redis where their scripts are there), and the mix is replayed twice, cold
# (instances just started, Redis emptied) then warm (the same walks again). Reports go to
# OUT (a new folder, named at the end) as <n>-cold.txt and <n>-warm.txt, with the cluster's
# logs; CLUSTER_PORT (28080) keeps the cluster apart from a developer's.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make loadtest sets it)}"
RATE=${RATE:-120}
DURATION=${DURATION:-10m}
LISTEN=${LOADTEST_LISTEN:-127.0.0.1:18080}
LOG=${LOG:-$(mktemp -t bandoso-loadtest-serve.XXXXXX)}

machine() {
	echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
}

BENCH_URL=$(scripts/bench-city.sh)
${GO:-go} build -o bin/bandoso-loadtest ./cmd/loadtest
echo "== machine: $(machine); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [ -n "${INSTANCES:-}" ]; then
	export CLUSTER_PORT=${CLUSTER_PORT:-28080} CLUSTER_DIR=${CLUSTER_DIR:-$(mktemp -d -t bandoso-loadtest-cluster.XXXXXX)}
	OUT=${OUT:-$CLUSTER_DIR}
	[ -x bin/bandoso ] || ${GO:-go} build -o bin/bandoso ./cmd/bandoso
	trap 'DATABASE_URL=$BENCH_URL scripts/cluster.sh stop' EXIT
	failed=0
	for n in $INSTANCES; do
		DATABASE_URL=$BENCH_URL scripts/cluster.sh stop
		url=$(DATABASE_URL=$BENCH_URL CLUSTER_INSTANCES=$n CLUSTER_SERVE_ARGS="${CLUSTER_SERVE_ARGS:-}" scripts/cluster.sh start)
		if [ -x scripts/redis.sh ] && [ "${REDIS_URL:-}" != off ]; then
			redis-cli -u "$(scripts/redis.sh url)" flushdb >/dev/null
		fi
		for run in cold warm; do
			echo "== $n instance(s), $run, through $url: machine $(machine); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
			# Memory is read from the first instance: nginx does not pass /metrics on.
			status=0
			bin/bandoso-loadtest -url "$url" -metrics-url "http://127.0.0.1:$((CLUSTER_PORT + 1))/metrics" \
				-rate "$RATE" -duration "$DURATION" -forwarded-for "$@" >"$OUT/$n-$run.txt" || status=$?
			echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg); exit $status" >&2
			cat "$OUT/$n-$run.txt"
			[ "$status" = 0 ] || failed=1
		done
	done
	echo "== reports and logs in $OUT" >&2
	exit "$failed"
fi

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
