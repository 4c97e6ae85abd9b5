#!/usr/bin/env bash
# pgbouncer.sh: Debian's pgbouncer in transaction pooling mode in front of the project-local
# primary, for `serve --database-pooler transaction` and the tests that go through a pooler.
#
#   scripts/pgbouncer.sh url     print a PGBOUNCER_URL, installing and starting pgbouncer first
#   scripts/pgbouncer.sh stop    stop it
#   scripts/pgbouncer.sh status  say whether it runs, and where
#
# The primary is DATABASE_URL's server when that is set, else pg.sh's cluster. pgbouncer listens on
# 127.0.0.1:PGBOUNCER_PORT (else the first free port from 56432), keeps its configuration, log and
# pid in PGBOUNCER_DIR (default <data folder>/pgbouncer, beside the primary's data) and passes any database name through, so
# that tests may use the fresh databases they make. Where PGBOUNCER_URL is set, `url` prints it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { echo "pgbouncer.sh: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=scripts/owner.sh
. "$ROOT/scripts/owner.sh"

bouncer_dir() {
	if [ -n "${PGBOUNCER_DIR:-}" ]; then echo "$PGBOUNCER_DIR"; return; fi
	local pgdata
	if [ -n "${DATABASE_URL:-}" ]; then
		pgdata=$(as_owner psql -X -Atq -d "$DATABASE_URL" -c "SHOW data_directory") ||
			die "cannot ask the primary for its data folder (is it running?)"
	else
		pgdata=$("$ROOT/scripts/pg.sh" datadir)
	fi
	echo "$(dirname "$pgdata")/pgbouncer"
}

# bouncer_port DIR: PGBOUNCER_PORT, else the port pgbouncer in DIR was set up on, else a free one.
bouncer_port() {
	if [ -n "${PGBOUNCER_PORT:-}" ]; then echo "$PGBOUNCER_PORT"; return; fi
	local p
	p=$(as_owner sed -n 's/^listen_port = \([0-9]*\)$/\1/p' "$1/pgbouncer.ini" 2>/dev/null)
	if [ -n "$p" ]; then echo "$p"; else first_free 56432 || die "no free loopback port from 56432; set PGBOUNCER_PORT"; fi
}

running() { [ -f "$1/pgbouncer.pid" ] && as_owner kill -0 "$(cat "$1/pgbouncer.pid")" 2>/dev/null; }

configure() {
	local dir=$1 pport=$2
	as_owner mkdir -p "$dir"
	as_owner chmod 0700 "$dir"
	# trust still wants the user listed.
	echo '"postgres" ""' | as_owner tee "$dir/userlist.txt" >/dev/null
	as_owner tee "$dir/pgbouncer.ini" >/dev/null <<INI
; pgbouncer.sh: transaction pooling in front of the primary on port $pport
[databases]
* = host=127.0.0.1 port=$pport

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
; every database's pools together stay well inside the primary's max_connections
max_user_connections = 80
; the pools of tests' databases, dropped after the test, go soon
autodb_idle_timeout = 30
server_idle_timeout = 60
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
}

case "${1:-url}" in
url)
	if [ -n "${PGBOUNCER_URL:-}" ]; then echo "$PGBOUNCER_URL"; exit 0; fi
	primary=$(if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; else "$ROOT/scripts/pg.sh" url; fi)
	pport=$(url_port "$primary")
	[ -n "$pport" ] || die "the primary ($primary) is not on this machine; set PGBOUNCER_URL"
	if ! command -v pgbouncer >/dev/null; then
		[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "pgbouncer is missing: sudo apt-get install pgbouncer"
		say "installing pgbouncer (apt-get)"
		"$ROOT/scripts/apt-get.sh" pgbouncer || die "apt-get failed"
	fi
	dir=$(DATABASE_URL=$primary bouncer_dir)
	PORT=$(bouncer_port "$dir")
	if ! running "$dir"; then
		if port_open "$PORT"; then
			# The set-up is written afresh at each start: only a port asked for must be kept.
			[ -z "${PGBOUNCER_PORT:-}" ] || die "port $PORT is taken; set another PGBOUNCER_PORT"
			PORT=$(first_free 56432) || die "no free loopback port from 56432; set PGBOUNCER_PORT"
		fi
		configure "$dir" "$pport"
		say "starting pgbouncer on 127.0.0.1:$PORT"
		as_owner pgbouncer -q -d "$dir/pgbouncer.ini" || die "pgbouncer did not start; see $dir/pgbouncer.log"
		# -d returns once the daemon forked; wait (up to 30 s) for it to listen.
		for _ in $(seq 300); do port_open "$PORT" && break; sleep 0.1; done
		port_open "$PORT" || die "pgbouncer does not listen on $PORT; see $dir/pgbouncer.log"
	fi
	echo "postgres://postgres@127.0.0.1:$PORT/$(url_db "$primary")?sslmode=disable"
	;;
stop)
	dir=$(bouncer_dir)
	if running "$dir"; then
		pid=$(cat "$dir/pgbouncer.pid")
		as_owner kill -INT "$pid" # SIGINT: safe shutdown, waiting for transactions in flight
		for _ in $(seq 300); do as_owner kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	else
		say "not running"
	fi
	;;
status)
	dir=$(bouncer_dir)
	PORT=$(bouncer_port "$dir")
	if running "$dir"; then say "running in $dir on 127.0.0.1:$PORT"; else say "not running ($dir)"; exit 3; fi
	;;
*) die "usage: pgbouncer.sh url|stop|status" ;;
esac
