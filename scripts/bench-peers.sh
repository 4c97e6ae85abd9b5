#!/usr/bin/env bash
# bench-peers.sh: bandoso against pg_tileserv, tegola and pg_featureserv on the one-million-
# parcel city in bandoso_bench (scripts/bench-city.sh), each server on a loopback port with a
# pool as large as bandoso's (16), and cmd/tilebench -run peers asking them all the same
# lists in rotation. The peers' binaries and tegola's configuration come from PEERS_DIR
# (default ../shared/peers beside the checkout; see its README); an absent one is left out
# with a message. The peers log in as the role bench_peer, made here, whose
# max_parallel_workers_per_gather is 0, as bandoso sets for its own tile statements. The
# report is printed and kept in .artifacts/bench-peers-<time>.md; the servers' logs beside it.
# Arguments go to tilebench (-peer-rounds, -peer-requests, -peer-clients; -help lists them).
# BANDOSO_ARGS go to bandoso serve (e.g. --tile-cache-mb 0); BANDOSO_BASELINE, a bandoso
# binary (another build), is served beside it with BASELINE_ARGS and the same settings
# otherwise, and asked in rotation as "bandoso (baseline)".
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench-peers sets it)}"
PEERS_DIR=${PEERS_DIR:-../shared/peers}
PORT=${PEERS_PORT:-19002}
POOL=16
mkdir -p .artifacts
OUT=.artifacts/bench-peers-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

BENCH_URL=$(scripts/bench-city.sh)
${GO:-go} build -o bin/bandoso ./cmd/bandoso
${GO:-go} build -o bin/tilebench ./cmd/tilebench

# The peers' role: reads the city, no parallel workers.
psql -q -v ON_ERROR_STOP=1 "$BENCH_URL" <<'SQL'
DO $$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_peer') THEN CREATE ROLE bench_peer LOGIN; END IF;
END $$;
ALTER ROLE bench_peer SET max_parallel_workers_per_gather = 0;
GRANT USAGE ON SCHEMA public TO bench_peer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO bench_peer;
SQL
PEER_URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(netloc="bench_peer@"+p.hostname+":"+str(p.port))))' "$BENCH_URL")

# Each server's pid goes in $OUT/NAME.pid: start runs in a command substitution's subshell.
# At the end the servers stop and tegola's file cache goes; the logs stay.
stop_all() {
	for f in "$OUT"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
		rm -f "$f"
	done
	rm -rf "$OUT/tegola-cache"
}
trap stop_all EXIT
# start NAME PORT HEALTH-PATH COMMAND…: runs COMMAND in the background, logging to $OUT/NAME.log,
# and waits until it answers; prints its URL.
start() {
	local name=$1 port=$2 health=$3
	shift 3
	"$@" >"$OUT/$name.log" 2>&1 &
	echo $! >"$OUT/$name.pid"
	for _ in $(seq 300); do
		if curl -fs -o /dev/null "http://127.0.0.1:$port$health"; then
			echo "http://127.0.0.1:$port"
			return
		fi
		sleep 0.2
	done
	echo "$name did not answer on port $port: see $OUT/$name.log" >&2
	return 1
}
# peer NAME: the binary's path, or nothing and a message when it is absent.
peer() {
	if [ -x "$PEERS_DIR/bin/$1" ]; then echo "$PEERS_DIR/bin/$1"; else echo "== $1: not in $PEERS_DIR/bin, left out" >&2; fi
}

# bandoso with its defaults but no rate limit and one client allowed every place of database
# work: the load generator is one address standing for many users.
serve=(serve --database-url "$BENCH_URL" --max-conns $POOL --rate-limit 0 --db-work-per-client $((POOL - 2)))
# shellcheck disable=SC2086 # the extra arguments are words
args=(-bandoso-url "$(start bandoso "$PORT" /readyz bin/bandoso "${serve[@]}" --listen "127.0.0.1:$PORT" ${BANDOSO_ARGS:-})")
if [ -n "${BANDOSO_BASELINE:-}" ]; then
	# shellcheck disable=SC2086
	args+=(-bandoso-baseline-url "$(start bandoso-baseline $((PORT + 5)) /readyz "$BANDOSO_BASELINE" "${serve[@]}" \
		--listen "127.0.0.1:$((PORT + 5))" ${BANDOSO_ARGS:-} ${BASELINE_ARGS:-})")
fi
if bin=$(peer pg_tileserv) && [ -n "$bin" ]; then
	args+=(-pg-tileserv-url "$(DATABASE_URL=$PEER_URL TS_HTTPHOST=127.0.0.1 TS_HTTPPORT=$((PORT + 1)) \
		TS_DBPOOLMAXCONNS=$POOL TS_DEFAULTBUFFER=64 start pg_tileserv $((PORT + 1)) /index.json "$bin")")
fi
if bin=$(peer tegola) && [ -n "$bin" ]; then
	conf=$PEERS_DIR/conf/tegola.toml
	if [ -r "$conf" ]; then
		# the same configuration with a file cache, for warm tiles
		cached=$OUT/tegola-cached.toml
		{ cat "$conf"; printf '\n[cache]\ntype = "file"\nbasepath = "%s"\n' "$PWD/$OUT/tegola-cache"; } >"$cached"
		args+=(-tegola-url "$(DATABASE_URL="$PEER_URL&pool_max_conns=$POOL" TEGOLA_PORT=$((PORT + 2)) \
			start tegola $((PORT + 2)) /capabilities "$bin" serve --config "$conf")")
		args+=(-tegola-cached-url "$(DATABASE_URL="$PEER_URL&pool_max_conns=$POOL" TEGOLA_PORT=$((PORT + 3)) \
			start tegola-cached $((PORT + 3)) /capabilities "$bin" serve --config "$cached")")
	else
		echo "== tegola: no $conf, left out" >&2
	fi
fi
if bin=$(peer pg_featureserv) && [ -n "$bin" ]; then
	args+=(-pg-featureserv-url "$(DATABASE_URL=$PEER_URL PGFS_SERVER_HTTPHOST=127.0.0.1 PGFS_SERVER_HTTPPORT=$((PORT + 4)) \
		PGFS_DATABASE_DBPOOLMAXCONNS=$POOL start pg_featureserv $((PORT + 4)) /collections.json "$bin")")
fi

{
	echo "# bandoso against its peers"
	echo
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at the start $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "$(psql -At "$BENCH_URL" -c 'SELECT version()' | cut -c1-60); pools of $POOL connections; the peers log in as bench_peer (max_parallel_workers_per_gather = 0)."
	echo
} | tee "$OUT/report.md"
status=0
bin/tilebench --database-url "$BENCH_URL" -run peers "${args[@]}" "$@" | tee -a "$OUT/report.md" || status=$?
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." | tee -a "$OUT/report.md"
echo "== report $OUT/report.md; servers' logs beside it" >&2
exit "$status"
