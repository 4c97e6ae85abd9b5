# owner.sh, sourced by pg.sh, replica.sh, pgbouncer.sh and redis.sh: who runs the project-local
# servers, and the loopback ports they take.
# PostgreSQL (and pgbouncer) refuse to run as root, so as root they belong to the `postgres` user.
if [ "$(id -u)" = 0 ]; then RUN_AS=postgres; else RUN_AS=$(id -un); fi
as_owner() {
	# from /, since the owner may not be allowed into the current folder
	if [ "$(id -un)" = "$RUN_AS" ]; then "$@"; else (cd / && runuser -u "$RUN_AS" -- "$@"); fi
}

# port_open PORT: whether something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# first_free FROM: the first port from FROM up (fifty tried) that nothing listens on, so that a
# second checkout's servers sit beside the first's.
first_free() {
	local p
	for p in $(seq "$1" $(($1 + 50))); do port_open "$p" || { echo "$p"; return 0; }; done
	return 1
}

# url_port URL: the port of a postgres:// URL on this machine (127.0.0.1 or localhost), or nothing.
url_port() { sed -n 's#^postgres\(ql\)\?://[^@/]*@\?\(127\.0\.0\.1\|localhost\):\([0-9]*\)/.*#\3#p' <<<"$1"; }

# url_db URL: the database name of a postgres:// URL.
url_db() { sed -n 's#^postgres\(ql\)\?://[^/]*/\([^?]*\).*#\2#p' <<<"$1"; }
