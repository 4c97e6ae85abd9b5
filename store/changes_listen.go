package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangesPoll is how often a listener wakes without a notification, in case one was lost
// (NOTIFY is not sent for a transaction whose commit the listener's connection missed).
const ChangesPoll = 5 * time.Second

// ListenChanges calls wake whenever changes may have committed: on every notification on
// ChangesChannel, every ChangesPoll, and after every (re)connection, since changes made
// while it was away were not notified. The caller reads them (ChangesSince) with a cursor of
// its own, so one read path serves notifications and writers catching up alike. It holds one
// connection of its own outside the pool, reconnects with backoff when the database goes
// away (logging at warn), and returns only when ctx ends. wake runs on the listener's
// goroutine: notifications wait while it runs. It connects to Options.ListenURL where that is
// set: LISTEN needs a session, which a pooler in transaction mode does not give.
func (db *DB) ListenChanges(ctx context.Context, wake func()) error {
	const maxBackoff = 30 * time.Second
	backoff := 250 * time.Millisecond
	for {
		connected, err := db.listen(ctx, wake)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if connected {
			backoff = 250 * time.Millisecond
		}
		db.log.Warn("change listener: connection lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listen connects, listens and wakes until the connection fails or ctx ends; connected
// says whether it got as far as listening.
func (db *DB) listen(ctx context.Context, wake func()) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, db.listenConfig.Copy())
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck // closing a connection we are leaving
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		return false, err
	}
	for {
		wake()
		wctx, cancel := context.WithTimeout(ctx, ChangesPoll)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return true, nil
		}
		// A timeout leaves the connection usable: it is the poll.
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return true, err
		}
	}
}
