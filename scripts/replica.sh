#!/usr/bin/env bash
# replica.sh: a streaming replica (hot standby) of the project-local primary that scripts/pg.sh
# runs, for `serve --replica-url` and the tests that read from a replica.
#
#   scripts/replica.sh url     print a REPLICA_URL, making the replica and starting it first
#   scripts/replica.sh stop    stop the replica (its data and replication slot are kept)
#   scripts/replica.sh status  say whether it runs, where, and how far behind the primary it is
#   scripts/replica.sh remove  stop it, drop its replication slot and delete its folder
#
# The primary is DATABASE_URL's server when that is set (it must run on this machine, and we must
# be able to act as its owner), else pg.sh's cluster. The replica is made once with pg_basebackup -R
# through a replication slot into a folder beside the primary's data (REPLICA_DIR, default
# <data folder>/replica) and listens on 127.0.0.1:REPLICA_PORT (else the first free port from 54321,
# kept for the replica's life). A primary made before
# replicas were possible (wal_level minimal) is switched to wal_level replica, which takes one
# restart of a few seconds. Where REPLICA_URL is already set, `url` prints it and does nothing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=/usr/lib/postgresql/15/bin

say() { echo "replica.sh: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=scripts/owner.sh
. "$ROOT/scripts/owner.sh"

# primary_url starts pg.sh's cluster where DATABASE_URL is unset.
primary_url() { if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; else "$ROOT/scripts/pg.sh" url; fi; }
psql_primary() { as_owner "$BIN/psql" -X -Atq -d "$PRIMARY" -v ON_ERROR_STOP=1 -c "$1"; }

primary_dir() {
	if [ -n "${DATABASE_URL:-}" ]; then
		psql_primary "SHOW data_directory" || die "cannot ask the primary for its data folder (is it running?)"
	else
		"$ROOT/scripts/pg.sh" datadir
	fi
}

replica_dir() { echo "${REPLICA_DIR:-$(dirname "$(primary_dir)")/replica}"; }
# replica_port DIR: REPLICA_PORT, else the port the replica in DIR was made with (the last `port`
# of its configuration: replica.sh's own lines come after the primary's), else a free one.
replica_port() {
	if [ -n "${REPLICA_PORT:-}" ]; then echo "$REPLICA_PORT"; return; fi
	local p
	p=$(as_owner sed -n 's/^port = \([0-9]*\)$/\1/p' "$1/postgresql.conf" 2>/dev/null | tail -1)
	if [ -n "$p" ]; then echo "$p"; else first_free 54321 || die "no free loopback port from 54321; set REPLICA_PORT"; fi
}

running() { [ -f "$1/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# prepare_primary turns on what streaming needs. wal_level and max_wal_senders take a restart,
# done only when they are off (a primary made by an older pg.sh), fast and waited for.
prepare_primary() {
	local pgdata=$1 level senders
	level=$(psql_primary "SHOW wal_level")
	senders=$(psql_primary "SHOW max_wal_senders")
	if [ "$level" = minimal ] || [ "$senders" = 0 ]; then
		say "the primary has wal_level=$level, max_wal_senders=$senders: switching to replica, 10 (restarting it)"
		psql_primary "ALTER SYSTEM SET wal_level = replica"
		psql_primary "ALTER SYSTEM SET max_wal_senders = 10"
		as_owner "$BIN/pg_ctl" -D "$pgdata" -m fast -w -t 60 restart -l "$pgdata/server.log" >/dev/null ||
			die "the primary did not restart; see $pgdata/server.log"
	fi
	if [ "$(psql_primary "SHOW max_slot_wal_keep_size")" = -1 ]; then
		# A stopped replica's slot must not keep WAL without bound.
		psql_primary "ALTER SYSTEM SET max_slot_wal_keep_size = '4GB'"
		psql_primary "SELECT pg_reload_conf()" >/dev/null
	fi
}

make_replica() {
	local dir=$1 pport=$2 slot="bandoso_replica_$PORT"
	say "copying the primary into $dir (pg_basebackup, slot $slot)"
	# A slot left by a replica whose folder was removed would hold WAL for nothing: start afresh.
	psql_primary "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
		WHERE slot_name = '$slot' AND NOT active" >/dev/null
	as_owner mkdir -p "$dir"
	as_owner chmod 0700 "$dir"
	as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$dir" -R -X stream \
		-C -S "$slot" --checkpoint=fast ||
		{ as_owner rm -rf "$dir"; die "pg_basebackup failed"; }
	as_owner rm -f "$dir/server.log"
	# Later lines win over the primary's settings copied with the data.
	as_owner tee -a "$dir/postgresql.conf" >/dev/null <<CONF
# replica.sh: a hot standby of the primary on port $pport
port = $PORT
unix_socket_directories = '$dir'
hot_standby = on
# The primary keeps rows the replica's queries still read, so that replay need not cancel them.
hot_standby_feedback = on
shared_buffers = 256MB
CONF
}

case "${1:-url}" in
url)
	if [ -n "${REPLICA_URL:-}" ]; then echo "$REPLICA_URL"; exit 0; fi
	PRIMARY=$(primary_url)
	pport=$(url_port "$PRIMARY")
	[ -n "$pport" ] || die "the primary ($PRIMARY) is not on this machine; set REPLICA_URL to its replica"
	dir=$(replica_dir)
	PORT=$(replica_port "$dir")
	if ! running "$dir"; then
		if port_open "$PORT"; then die "port $PORT is taken; set REPLICA_PORT"; fi
		prepare_primary "$(primary_dir)"
		[ -f "$dir/PG_VERSION" ] || make_replica "$dir" "$pport"
		say "starting the replica on 127.0.0.1:$PORT"
		as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 300 start >/dev/null ||
			die "the replica did not start; see $dir/server.log"
	fi
	echo "postgres://postgres@127.0.0.1:$PORT/$(url_db "$PRIMARY")?sslmode=disable"
	;;
stop)
	PRIMARY=${DATABASE_URL:-}
	dir=$(replica_dir)
	if running "$dir"; then as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w stop >&2; else say "not running"; fi
	;;
status)
	PRIMARY=${DATABASE_URL:-}
	dir=$(replica_dir)
	PORT=$(replica_port "$dir")
	if running "$dir"; then
		lag=$(as_owner "$BIN/psql" -X -Atq -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c \
			"SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp())::int || ' s since the last replayed commit', 'nothing replayed yet') ||
			        CASE WHEN pg_is_wal_replay_paused() THEN ', replay paused' ELSE '' END")
		say "running in $dir on 127.0.0.1:$PORT ($lag)"
	else
		say "not running ($dir)"; exit 3
	fi
	;;
remove)
	PRIMARY=$(primary_url)
	dir=$(replica_dir)
	PORT=$(replica_port "$dir")
	if running "$dir"; then as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w stop >&2; fi
	psql_primary "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
		WHERE slot_name = 'bandoso_replica_$PORT' AND NOT active" >/dev/null
	if [ -f "$dir/PG_VERSION" ]; then as_owner rm -rf "$dir"; fi
	say "removed $dir and its slot"
	;;
*) die "usage: replica.sh url|stop|status|remove" ;;
esac
