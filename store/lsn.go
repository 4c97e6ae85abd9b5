package store

import "fmt"

// LSN is a position in the primary's write-ahead log, which a replica replays: a replica that
// has replayed past a commit's position shows that commit.
type LSN uint64

// String writes l as PostgreSQL does (pg_lsn): two hexadecimal halves.
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint32(l)) }

// sqlPrimaryLSN is the primary's position now. Read after changes are visible, it is at or past
// their commits.
const sqlPrimaryLSN = `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint`

// sqlReadLSN is how much of the primary's WAL the server a statement runs on shows: on a
// replica what it has replayed, on the primary (no replay) its current position, which is past
// every change seen before. A statement after it in the same session has a snapshot at least
// that fresh.
const sqlReadLSN = `SELECT (coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) - '0/0'::pg_lsn)::bigint`
