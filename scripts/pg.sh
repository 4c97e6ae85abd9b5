#!/usr/bin/env bash
# pg.sh: the project-local PostgreSQL + PostGIS cluster used by `make run` and `make test`.
#
#   scripts/pg.sh url    print a DATABASE_URL, setting the cluster up and starting it first
#   scripts/pg.sh stop   stop the cluster (data is kept)
#   scripts/pg.sh status say whether it runs, and where
#   scripts/pg.sh datadir print its data folder (replica.sh and pgbouncer.sh keep theirs beside it)
#
# Where DATABASE_URL is already set, `url` prints it unchanged and installs nothing.
# Everything else goes to stderr so that `url` can be captured: DATABASE_URL=$(scripts/pg.sh url).
# PG_DIR (the cluster's data folder, which its owner must be able to create) and PG_PORT put a
# cluster of its own elsewhere, for a test that stops or lags what it runs.
set -euo pipefail

PG_VERSION=15
DB_NAME=bandoso
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=/usr/lib/postgresql/$PG_VERSION/bin
SHARE=/usr/share/postgresql/$PG_VERSION
PACKAGES="postgresql-$PG_VERSION postgresql-contrib postgresql-$PG_VERSION-postgis-3"

say() { echo "pg.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# shellcheck source=scripts/owner.sh
. "$ROOT/scripts/owner.sh"

install_packages() {
	if [ -x "$BIN/pg_ctl" ] && [ -f "$SHARE/extension/postgis.control" ] && [ -f "$SHARE/extension/unaccent.control" ]; then
		return
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "PostgreSQL $PG_VERSION with PostGIS 3 is missing. Install the Debian packages: sudo apt-get install $PACKAGES
       or set DATABASE_URL to an existing PostGIS database."
	fi
	say "installing $PACKAGES (apt-get)"
	# shellcheck disable=SC2086 # one word per package
	"$ROOT/scripts/apt-get.sh" $PACKAGES || die "apt-get failed"
	# Debian's package creates and starts a system cluster on 5432; we do not use it.
	if command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q "^$PG_VERSION main .* online"; then
		pg_ctlcluster "$PG_VERSION" main stop >&2 || true
	fi
}

# The data folder is .data/pg in the checkout. The cluster's owner must be able to reach it;
# a checkout under a private home folder (/root is 0700) is not reachable by `postgres`, so
# then the cluster lives in a folder named after the checkout under /var/tmp, and we say so.
data_dir() {
	if [ -n "${PG_DIR:-}" ]; then echo "$PG_DIR"; return; fi
	local dir=$ROOT/.data
	mkdir -p "$dir"
	if [ "$RUN_AS" != "$(id -un)" ]; then
		chown "$RUN_AS" "$dir"
		if ! runuser -u "$RUN_AS" -- test -w "$dir"; then
			local key
			key=$(printf %s "$ROOT" | md5sum | cut -c1-12)
			dir=/var/tmp/bandoso-$key
			mkdir -p "$dir" && chown "$RUN_AS" "$dir" && chmod 0700 "$dir"
			[ -f "$ROOT/.data/location" ] || say "$RUN_AS cannot reach $ROOT/.data; the cluster lives in $dir instead"
			echo "$dir" > "$ROOT/.data/location"
		fi
	fi
	echo "$dir/pg"
}

free_port() {
	if [ -n "${PG_PORT:-}" ]; then echo "$PG_PORT"; return; fi
	first_free 54320 || die "no free loopback port from 54320"
}

init_cluster() {
	local pgdata=$1
	[ -f "$pgdata/PG_VERSION" ] && return
	say "creating a PostgreSQL $PG_VERSION cluster in $pgdata"
	as_owner mkdir -p "$pgdata"
	as_owner chmod 0700 "$pgdata"
	as_owner "$BIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	# Loopback and the socket in the data folder only; sized for bulk loads on a small machine.
	as_owner tee -a "$pgdata/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $(free_port)
unix_socket_directories = '$pgdata'
max_connections = 200
shared_buffers = 1GB
work_mem = 32MB
maintenance_work_mem = 1GB
max_wal_size = 8GB
checkpoint_timeout = 15min
# WAL for streaming replicas (scripts/replica.sh); a slot keeps at most this much for a
# replica that is stopped, so that it cannot fill the disk.
wal_level = replica
max_wal_senders = 10
max_slot_wal_keep_size = 4GB
logging_collector = off
CONF
}

port_of() { sed -n "s/^port = \([0-9]*\)$/\1/p" "$1/postgresql.conf" | tail -n1; }

start_cluster() {
	local pgdata=$1
	if as_owner "$BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then return; fi
	# The port chosen at creation may have been taken since by something else: move.
	if port_open "$(port_of "$pgdata")"; then
		local port
		[ -z "${PG_PORT:-}" ] || die "port $PG_PORT (PG_PORT) is taken"
		port=$(free_port)
		say "port $(port_of "$pgdata") is taken; moving the cluster to $port"
		echo "port = $port" | as_owner tee -a "$pgdata/postgresql.conf" >/dev/null
	fi
	say "starting PostgreSQL on 127.0.0.1:$(port_of "$pgdata")"
	as_owner "$BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start >/dev/null ||
		die "PostgreSQL did not start; see $pgdata/server.log"
}

create_db() {
	local pgdata=$1 port
	port=$(port_of "$pgdata")
	if ! as_owner "$BIN/psql" -h "$pgdata" -p "$port" -U postgres -d postgres -Atqc \
		"SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
		as_owner "$BIN/createdb" -h "$pgdata" -p "$port" -U postgres "$DB_NAME"
	fi
}

case "${1:-url}" in
url)
	if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; exit 0; fi
	install_packages
	pgdata=$(data_dir)
	init_cluster "$pgdata"
	start_cluster "$pgdata"
	create_db "$pgdata"
	echo "postgres://postgres@127.0.0.1:$(port_of "$pgdata")/$DB_NAME?sslmode=disable"
	;;
stop)
	pgdata=$(data_dir)
	if [ -f "$pgdata/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
		as_owner "$BIN/pg_ctl" -D "$pgdata" -m fast -w stop >&2
	else
		say "not running"
	fi
	;;
status)
	pgdata=$(data_dir)
	if [ -f "$pgdata/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
		say "running in $pgdata on 127.0.0.1:$(port_of "$pgdata")"
	else
		say "not running ($pgdata)"; exit 3
	fi
	;;
datadir) data_dir ;;
*) die "usage: pg.sh url|stop|status|datadir" ;;
esac
