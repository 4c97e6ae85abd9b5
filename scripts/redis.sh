#!/usr/bin/env bash
# redis.sh: the project-local Redis that `make test` uses, and `serve --redis-url` can.
#
#   scripts/redis.sh url    print a REDIS_URL, installing and starting Redis first
#   scripts/redis.sh stop   stop it
#   scripts/redis.sh status say whether it runs, and where
#
# Where REDIS_URL is already set, `url` prints it unchanged and installs nothing.
# Redis here holds a cache and counters only, so it keeps nothing on disk: no snapshots, no
# append-only file; past 256 MB it forgets the least recently used keys that expire anyway
# (tiles, counters), never those that do not (tile generations). It listens on 127.0.0.1
# only, on port 56379 or the next free one. REDIS_PORT and REDIS_DIR (the data folder) put a
# Redis of its own elsewhere, for a test or a cluster beside the shared one.
# Everything else goes to stderr so that `url` can be captured: REDIS_URL=$(scripts/redis.sh url).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIRST_PORT=56379

say() { echo "redis.sh: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=scripts/owner.sh
. "$ROOT/scripts/owner.sh"

install_packages() {
	if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
		return
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "Redis is missing. Install the Debian package: sudo apt-get install redis-server
       or set REDIS_URL to an existing Redis."
	fi
	say "installing redis-server (apt-get)"
	"$ROOT/scripts/apt-get.sh" redis-server || die "apt-get failed"
	# Debian's package may start a system Redis on 6379; we do not use it.
	if command -v service >/dev/null; then service redis-server stop >/dev/null 2>&1 || true; fi
}

# The data folder is the one pg.sh uses: .data in the checkout, or where .data/location says.
data_dir() {
	if [ -n "${REDIS_DIR:-}" ]; then mkdir -p "$REDIS_DIR" && echo "$REDIS_DIR"; return; fi
	local dir=$ROOT/.data
	if [ -f "$ROOT/.data/location" ]; then dir=$(cat "$ROOT/.data/location"); fi
	mkdir -p "$dir/redis"
	echo "$dir/redis"
}

# running says whether our Redis is up: its pid file names a live redis-server.
running() {
	local dir=$1 pid
	[ -f "$dir/redis.pid" ] || return 1
	pid=$(cat "$dir/redis.pid")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa redis-server "/proc/$pid/cmdline" 2>/dev/null
}

port_of() {
	if [ -n "${REDIS_PORT:-}" ]; then echo "$REDIS_PORT"; else cat "$1/port" 2>/dev/null || echo "$FIRST_PORT"; fi
}

start() {
	local dir=$1 port
	running "$dir" && return
	port=$(port_of "$dir")
	# Another checkout's Redis may hold the port: take the next free one and remember it.
	if port_open "$port" && [ -n "${REDIS_PORT:-}" ]; then die "port $port (REDIS_PORT) is taken"; fi
	if port_open "$port"; then
		port=$(first_free "$FIRST_PORT") || die "no free loopback port from $FIRST_PORT"
		say "port $(port_of "$dir") is taken; using $port"
	fi
	echo "$port" >"$dir/port"
	say "starting Redis on 127.0.0.1:$port"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --pidfile "$dir/redis.pid" \
		--logfile "$dir/redis.log" --daemonize yes --save "" --appendonly no \
		--maxmemory 256mb --maxmemory-policy volatile-lru >/dev/null ||
		die "Redis did not start; see $dir/redis.log"
	for _ in $(seq 100); do
		if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then return; fi
		sleep 0.1
	done
	die "Redis did not answer on 127.0.0.1:$port; see $dir/redis.log"
}

case "${1:-url}" in
url)
	if [ -n "${REDIS_URL:-}" ]; then echo "$REDIS_URL"; exit 0; fi
	install_packages
	dir=$(data_dir)
	start "$dir"
	echo "redis://127.0.0.1:$(port_of "$dir")/0"
	;;
stop)
	dir=$(data_dir)
	if running "$dir"; then
		pid=$(cat "$dir/redis.pid")
		kill "$pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	else
		say "not running"
	fi
	;;
status)
	dir=$(data_dir)
	if running "$dir"; then
		say "running in $dir on 127.0.0.1:$(port_of "$dir")"
	else
		say "not running ($dir)"; exit 3
	fi
	;;
*) die "usage: redis.sh url|stop|status" ;;
esac
