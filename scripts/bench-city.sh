#!/usr/bin/env bash
# bench-city.sh: make sure bandoso_bench (BENCH_DB) on the DATABASE_URL server holds the
# one-million-parcel demo city at the newest migration, and print its URL. The database is
# created and loaded only when it lacks that city (`bandoso demo` does nothing when the same
# city is loaded); everything but the URL goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (make bench sets it)}"
DB=${BENCH_DB:-bandoso_bench}
BENCH_URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$DATABASE_URL" "$DB")

if [ -z "$(psql -At "$DATABASE_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
	psql -q "$DATABASE_URL" -c "CREATE DATABASE $DB"
fi
[ -x bin/bandoso ] || go build -o bin/bandoso ./cmd/bandoso
bin/bandoso migrate --database-url "$BENCH_URL" >/dev/null
bin/bandoso demo --database-url "$BENCH_URL" --size 1000000 >&2
echo "$BENCH_URL"
