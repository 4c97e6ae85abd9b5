package store

import (
	"context"
	"fmt"
	"time"
)

// sessionGuards are settings of every session that keep the server's work bounded by the
// client's: a request's end sends PostgreSQL a cancel request (pgx does on a cancelled
// context), but a client that dies sends nothing, and some work does not stop for a cancel.
var sessionGuards = map[string]string{
	// Check every 2 s, while a statement runs, that the client is still connected, and end
	// the session when it is gone (PostgreSQL 14+): a killed import or service no longer
	// leaves its statement running on the server until it finishes.
	"client_connection_check_interval": "2000",
	// A client whose host vanished sends no FIN either: probe an idle socket after 60 s.
	"tcp_keepalives_idle":     "60",
	"tcp_keepalives_interval": "10",
	"tcp_keepalives_count":    "6",
	// LLVM compiling a large expression (a filter of many predicates) takes seconds during
	// which neither a cancel nor statement_timeout is noticed; the service's statements are
	// too short to gain from JIT.
	"jit": "off",
}

// pooledGuards are the settings of sessionGuards that still mean something per transaction,
// where a pooler in transaction mode leaves no session of our own to set them on.
const pooledGuards = "SET LOCAL jit = off"

// txLimits are the SET LOCAL statements, one a string, that bound a transaction's statements
// to what is left of ctx's deadline, and to limit (0: none) when sooner. A negative limit
// marks bulk work: its statements get -limit, which replaces the session's
// statement_timeout, and the transaction may sit idle as long. pooled (a pooler in
// transaction mode) sets the limit and the guards in every transaction: the session is not
// ours to have them.
func txLimits(ctx context.Context, limit time.Duration, pooled bool) []string {
	bulk := limit < 0
	if bulk {
		limit = -limit
	}
	var sql []string
	if pooled {
		sql = append(sql, pooledGuards)
		// Idle in a transaction, a client holds a server session from every other client.
		if !bulk {
			sql = append(sql, "SET LOCAL idle_in_transaction_session_timeout = 60000")
		}
	}
	if dl, ok := ctx.Deadline(); ok {
		// A deadline already past still sets 1 ms rather than 0, PostgreSQL's "no limit".
		left := max(time.Until(dl), time.Millisecond)
		if limit == 0 || left < limit {
			limit = left
		}
	} else if !bulk && (!pooled || limit == 0) {
		return sql // the session's statement_timeout applies
	}
	ms := max(limit.Milliseconds(), 1)
	sql = append(sql, fmt.Sprintf("SET LOCAL statement_timeout = %d", ms))
	if bulk {
		sql = append(sql, fmt.Sprintf("SET LOCAL idle_in_transaction_session_timeout = %d", ms))
	}
	return sql
}
