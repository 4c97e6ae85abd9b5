package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// replicaCheckEvery is how often the health loop asks each replica how far it has replayed. It
// also bounds how long after a change reads keep going to the primary (readOn) when the
// replicas have in fact caught up already.
const replicaCheckEvery = 500 * time.Millisecond

// defaultReplicaMaxLag is Options.ReplicaMaxLag's zero value.
const defaultReplicaMaxLag = 10 * time.Second

// replica is one streaming replica (bản sao) of the primary and what the health loop knows
// of it.
type replica struct {
	name string // host:port, for logs, metrics and /readyz
	// db reads from the replica: a copy of the primary's DB with the replica's pool.
	db *DB

	// replayed is how far it had replayed the primary's WAL at the last look (LSN).
	replayed atomic.Uint64
	// healthy: it answered the last check and was no further behind than maxLag. A read that
	// fails on it for a connection reason clears it until the next check.
	healthy atomic.Bool

	mu sync.Mutex
	// caughtUp is the latest time the primary was seen at a position the replica has replayed.
	caughtUp time.Time
	lag      time.Duration
	err      error
	checked  time.Time
}

// ReplicaStatus is what the health loop knows of a replica, for /readyz and metrics.
type ReplicaStatus struct {
	Name string
	// Up: reads may go to it (it answers and is within the allowed lag).
	Up bool
	// Lag is how long ago the primary was at the position the replica has replayed; zero
	// when it has replayed everything the primary had at the last look.
	Lag time.Duration
	// Replayed is how far it has replayed the primary's WAL.
	Replayed LSN
	// Err is why the last check failed; nil when it did not.
	Err error
	// Checked is when it was last asked.
	Checked time.Time
}

// openReplicas opens a pool for each of opt.Replicas and starts the health loop.
func (db *DB) openReplicas(ctx context.Context, opt Options) error {
	if len(opt.Replicas) == 0 {
		return nil
	}
	if db.maxLag <= 0 {
		db.maxLag = defaultReplicaMaxLag
	}
	for _, url := range opt.Replicas {
		cfg, err := poolConfig(url, opt)
		if err != nil {
			return fmt.Errorf("store: replica: %w", err)
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return fmt.Errorf("store: replica: %w", err)
		}
		view := *db
		view.pool, view.replica = pool, nil
		r := &replica{name: fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port), db: &view}
		view.replica = r
		db.replicas = append(db.replicas, r)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	db.stopWatch = cancel
	go db.watchReplicas(wctx)
	return nil
}

// primarySample is where the primary was at a time, to measure replicas' lag against.
type primarySample struct {
	at  time.Time
	lsn LSN
}

// watchReplicas checks the replicas every replicaCheckEvery until ctx ends.
func (db *DB) watchReplicas(ctx context.Context) {
	tick := time.NewTicker(replicaCheckEvery)
	defer tick.Stop()
	var history []primarySample
	for {
		history = db.checkReplicas(ctx, history)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// checkReplicas reads the primary's position, adds it to history, and then reads each
// replica's replay position; it returns the history kept, as far back as maxLag and one more.
func (db *DB) checkReplicas(ctx context.Context, history []primarySample) []primarySample {
	cctx, cancel := context.WithTimeout(ctx, 5*replicaCheckEvery)
	defer cancel()
	var primary int64
	now := time.Now()
	known := db.pool.QueryRow(cctx, sqlPrimaryLSN).Scan(&primary) == nil
	if known {
		history = append(history, primarySample{now, LSN(primary)})
		for len(history) > 2 && now.Sub(history[1].at) > db.maxLag {
			history = history[1:]
		}
	}
	for _, r := range db.replicas {
		var replayed int64
		err := r.db.pool.QueryRow(cctx, `SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint`).Scan(&replayed)
		if err == nil && replayed == 0 {
			err = errors.New("store: not a replica (pg_last_wal_replay_lsn() is null)")
		}
		r.observe(now, history, known, LSN(replayed), err, db.maxLag)
	}
	return history
}

// observe records a check made at now: the replica's position, or the error asking it. Its
// lag is how long ago the primary was last seen (history) at a position it has replayed: 0
// when it has replayed the newest; known is false when the primary did not answer this time,
// which leaves the lag as it was (a primary that is down writes nothing to fall behind).
func (r *replica) observe(now time.Time, history []primarySample, known bool, replayed LSN, err error, maxLag time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked, r.err = now, translate(err)
	if err != nil {
		r.healthy.Store(false)
		return
	}
	r.saw(replayed)
	if known {
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].lsn <= replayed {
				r.caughtUp = later(r.caughtUp, history[i].at)
				break
			}
		}
		if r.caughtUp.IsZero() {
			// Behind everything seen since the service started: at least that far.
			r.caughtUp = history[0].at
		}
		r.lag = now.Sub(r.caughtUp)
	}
	r.healthy.Store(r.lag <= maxLag)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// saw records that the replica has replayed at least lsn.
func (r *replica) saw(lsn LSN) { raise(&r.replayed, lsn) }

// raise sets a to lsn unless it holds a later position already.
func raise(a *atomic.Uint64, lsn LSN) {
	for {
		old := a.Load()
		if uint64(lsn) <= old || a.CompareAndSwap(old, uint64(lsn)) {
			return
		}
	}
}

// Replicas reports what the health loop knows of each replica, in the order they were given.
func (db *DB) Replicas() []ReplicaStatus {
	out := make([]ReplicaStatus, len(db.replicas))
	for i, r := range db.replicas {
		r.mu.Lock()
		out[i] = ReplicaStatus{Name: r.name, Up: r.healthy.Load(), Lag: r.lag, Replayed: LSN(r.replayed.Load()),
			Err: r.err, Checked: r.checked}
		r.mu.Unlock()
	}
	return out
}

// Saw records that this instance has seen changes committed by the time the primary was at
// lsn (live.Hub, after reading them). Reads then go to a replica only once it has replayed
// that far, and tiles made from one that has not are not cached.
func (db *DB) Saw(lsn LSN) { raise(&db.seen, lsn) }

// Seen is the position of the latest changes this instance has seen (Saw); 0 before any.
func (db *DB) Seen() LSN { return LSN(db.seen.Load()) }

// replicaTurn is the round-robin counter spreading reads over the fresh replicas.
var replicaTurn atomic.Uint64

// reader is the replica a read should go to: a healthy one that has replayed at least up
// to the changes this instance has seen, so that an edit shows at once; nil for the primary.
func (db *DB) reader() *replica {
	if db.replica != nil || len(db.replicas) == 0 {
		return nil
	}
	seen := db.seen.Load()
	n := uint64(len(db.replicas))
	start := replicaTurn.Add(1)
	for i := range n {
		r := db.replicas[(start+i)%n]
		if r.healthy.Load() && r.replayed.Load() >= seen {
			return r
		}
	}
	return nil
}

// readOn runs read on a fresh replica when there is one, else on the primary. A read that
// fails on the replica for a reason of the replica's (it cannot be reached, it shut down, or
// replay cancelled the statement) marks the replica down until the next check and is tried
// on the primary once.
func readOn[T any](ctx context.Context, db *DB, read func(*DB) (T, error)) (T, error) {
	r := db.reader()
	if r == nil {
		return read(db)
	}
	v, err := read(r.db)
	if err == nil || ctx.Err() != nil || !r.failedBy(err) {
		return v, err
	}
	db.log.Warn("replica read failed; reading from the primary", "replica", r.name, "err", err)
	return read(db)
}

// failedBy reports whether err is the replica's doing rather than the read's, and if so
// marks it down until the next check.
func (r *replica) failedBy(err error) bool {
	var pgErr *pgconn.PgError
	// 40001 on a replica: replay needed what the statement read (a conflict with recovery).
	conflict := errors.As(err, &pgErr) && pgErr.Code == "40001"
	if !conflict && !errors.Is(kind(err), ErrUnavailable) {
		return false
	}
	r.healthy.Store(false)
	return true
}
