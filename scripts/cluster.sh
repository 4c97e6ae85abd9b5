#!/usr/bin/env bash
# cluster.sh: a whole deployment on loopback, for trying and testing what runs in production:
# the primary PostGIS (scripts/pg.sh), its streaming replica (scripts/replica.sh), Redis
# (scripts/redis.sh), CLUSTER_INSTANCES `bandoso serve` instances reading from the replica
# and sharing Redis, and nginx balancing them with deploy/nginx.conf.
#
#   scripts/cluster.sh start   start what is not running, then print nginx's URL
#   scripts/cluster.sh stop    stop nginx and the instances (the primary, the replica and Redis
#                              are the scripts' own, shared with tests: scripts/replica.sh stop …)
#   scripts/cluster.sh status  say what runs where; exit 3 when something is down
#
# Settings (environment), so that a test can run a cluster of its own beside a developer's:
#   CLUSTER_DIR        state: logs, pids, nginx's prefix (default .data/cluster)
#   CLUSTER_INSTANCES  how many instances (2)
#   CLUSTER_PORT       nginx's port (18080); instance i listens on CLUSTER_PORT+i
#   BANDOSO_BIN        the program (bin/bandoso; `make cluster` builds it)
#   DATABASE_URL       the primary's database (else scripts/pg.sh starts the local one)
#   REDIS_URL, REPLICA_URL   use these instead of starting scripts/redis.sh, scripts/replica.sh;
#                      "off" for none. REDIS_PORT, REPLICA_PORT and their data folders are
#                      passed on to those scripts.
#   CLUSTER_SERVE_ARGS more flags for every instance
# Everything but `start`'s URL goes to stderr: URL=$(scripts/cluster.sh start).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${CLUSTER_DIR:-$ROOT/.data/cluster}
INSTANCES=${CLUSTER_INSTANCES:-2}
PORT=${CLUSTER_PORT:-18080}
BIN=${BANDOSO_BIN:-$ROOT/bin/bandoso}
NGINX=${NGINX:-/usr/sbin/nginx}
URL=http://127.0.0.1:$PORT

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

instance_ports() { seq $((PORT + 1)) $((PORT + INSTANCES)); }

# alive PIDFILE: the process the file names runs. A process killed after cluster.sh exited
# is nobody's child here, and stays a zombie where init does not reap (containers): not alive.
alive() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat")" != Z ]
}

# wait_for URL WHAT PIDFILE: until URL answers 2xx, for as long as the process lives (a
# busy machine may take long to start one; a dead process will never answer).
wait_for() {
	local url=$1 what=$2 pidfile=$3
	until curl -fs -o /dev/null --max-time 5 "$url"; do
		alive "$pidfile" || die "$what exited; see its log in $DIR"
		sleep 0.2
	done
}

# with_database URL NAME: URL with its database replaced by NAME.
with_database() {
	python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$1" "$2"
}
database_of() {
	python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$1"
}

# service NAME: the URL scripts/NAME.sh prints (starting it), "off" when switched off or when
# the script is not there.
service() {
	local name=$1 var
	var=$(echo "$name" | tr a-z A-Z)_URL
	if [ "${!var:-}" = off ]; then echo off; return; fi
	if [ ! -x "$ROOT/scripts/$name.sh" ]; then
		say "scripts/$name.sh is missing: running without $name"
		echo off
		return
	fi
	"$ROOT/scripts/$name.sh" url
}

# serve_flag FLAG: the program has FLAG. (The help is read whole first: grep -q would stop
# reading at the first match, and the program's failed write fail the pipeline.)
serve_flag() {
	local help
	help=$("$BIN" serve --help 2>&1 || true)
	grep -q -- "$1 " <<<"$help"
}

start_instance() {
	local port=$1 pidfile=$DIR/serve-$1.pid log=$DIR/serve-$1.log
	if alive "$pidfile"; then return; fi
	local args=(serve --listen "127.0.0.1:$port" --database-url "$DATABASE_URL"
		--trusted-proxies 127.0.0.1/32 --public-url "$URL")
	if [ "$REDIS" = off ]; then :
	elif serve_flag --redis-url; then args+=(--redis-url "$REDIS")
	else say "$BIN has no --redis-url: the instances share no Redis (make build)"
	fi
	if [ "$REPLICA" = off ]; then :
	elif serve_flag --replica-url; then args+=(--replica-url "$(with_database "$REPLICA" "$(database_of "$DATABASE_URL")")")
	else say "$BIN has no --replica-url: the instances read from the primary only (make build)"
	fi
	# shellcheck disable=SC2206 # flags are words
	args+=(${CLUSTER_SERVE_ARGS:-})
	say "instance on 127.0.0.1:$port (log $log)"
	# setsid: its own process group, so that a terminal's ^C or a test's end does not reach it
	setsid "$BIN" "${args[@]}" >>"$log" 2>&1 </dev/null &
	echo $! >"$pidfile"
}

# nginx_conf: deploy/nginx.conf as shipped, with only the instances' list, the listen address
# and the log path replaced, inside a main configuration whose paths are all under DIR.
nginx_conf() {
	local n=$DIR/nginx servers
	mkdir -p "$n/logs" "$n/tmp"
	servers=$(for p in $(instance_ports); do printf '127.0.0.1:%s\n' "$p"; done)
	awk -v servers="$servers" -v listen="127.0.0.1:$PORT" -v logpath="$n/logs/access.log" '
		/^\tserver 127\.0\.0\.1:[0-9]+ / {
			if (!done) {
				params = $0; sub(/^\tserver [^ ]+ /, "", params)
				split(servers, list, "\n")
				for (i = 1; i in list; i++) if (list[i] != "") print "\tserver " list[i] " " params
				done = 1
			}
			next
		}
		/^\tlisten \[::\]:80;$/ { next }
		/^\tlisten 80;$/ { print "\tlisten " listen ";"; next }
		/^\taccess_log / { sub(/access_log [^ ;]+/, "access_log " logpath) }
		{ print }
	' "$ROOT/deploy/nginx.conf" >"$n/bandoso.conf"
	grep -q "server 127.0.0.1:$((PORT + 1)) " "$n/bandoso.conf" || die "deploy/nginx.conf: no upstream server line to replace"
	cat >"$n/nginx.conf" <<CONF
# made by scripts/cluster.sh: Debian's nginx.conf cut down, every path under $n
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 2;
pid $n/nginx.pid;
error_log $n/logs/error.log;
events { worker_connections 4096; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	sendfile on;
	client_body_temp_path $n/tmp/body;
	proxy_temp_path $n/tmp/proxy;
	fastcgi_temp_path $n/tmp/fastcgi;
	uwsgi_temp_path $n/tmp/uwsgi;
	scgi_temp_path $n/tmp/scgi;
	# which instance answered, for tests and for watching the balance (not in production:
	# it shows internal addresses)
	add_header X-Served-By \$upstream_addr always;
	include $n/bandoso.conf;
}
CONF
}

start_nginx() {
	local n=$DIR/nginx
	if [ ! -x "$NGINX" ]; then
		"$ROOT/scripts/debian-tool.sh" "$NGINX" nginx || die "nginx is missing"
	fi
	nginx_conf
	"$NGINX" -t -q -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log" || die "nginx refused its configuration ($n/nginx.conf)"
	if alive "$n/nginx.pid"; then
		"$NGINX" -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log" -s reload
	else
		say "nginx on $URL"
		"$NGINX" -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log"
	fi
	wait_for "$URL/healthz" nginx "$n/nginx.pid"
}

stop_pid() {
	local pidfile=$1 pid
	alive "$pidfile" || { rm -f "$pidfile"; return; }
	pid=$(cat "$pidfile")
	kill -TERM "$pid"
	# bandoso finishes requests in flight for up to --shutdown-timeout (20 s)
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	rm -f "$pidfile"
}

case "${1:-}" in
start)
	[ -x "$BIN" ] || die "$BIN is missing: make build (or make cluster)"
	mkdir -p "$DIR"
	DATABASE_URL=$("$ROOT/scripts/pg.sh" url)
	REDIS=$(service redis)
	REPLICA=$(service replica)
	for p in $(instance_ports); do start_instance "$p"; done
	for p in $(instance_ports); do wait_for "http://127.0.0.1:$p/readyz" "the instance on $p" "$DIR/serve-$p.pid"; done
	start_nginx
	echo "$URL"
	;;
stop)
	if alive "$DIR/nginx/nginx.pid"; then
		"$NGINX" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/nginx/logs/error.log" -s quit
		for _ in $(seq 100); do alive "$DIR/nginx/nginx.pid" || break; sleep 0.1; done
	fi
	for f in "$DIR"/serve-*.pid; do
		if [ -e "$f" ]; then stop_pid "$f"; fi
	done
	;;
status)
	down=0
	if alive "$DIR/nginx/nginx.pid"; then say "nginx on $URL"; else say "nginx: not running"; down=1; fi
	for p in $(instance_ports); do
		if alive "$DIR/serve-$p.pid"; then say "instance on 127.0.0.1:$p, pid $(cat "$DIR/serve-$p.pid")"; else say "instance on 127.0.0.1:$p: not running"; down=1; fi
	done
	for s in pg replica redis; do
		var=$(echo "$s" | tr a-z A-Z)_URL
		[ "$s" = pg ] && var=DATABASE_URL
		if [ -n "${!var:-}" ]; then
			[ "${!var}" = off ] || say "$s: ${!var} (given)"
		elif [ -x "$ROOT/scripts/$s.sh" ]; then
			"$ROOT/scripts/$s.sh" status || down=1
		fi
	done
	exit $((down * 3))
	;;
*) die "usage: cluster.sh start|stop|status" ;;
esac
