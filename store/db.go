// Package store owns bandoso's PostgreSQL access: the connection pool, every SQL statement,
// rows into Go types, and PostgreSQL errors into the errors declared here.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/tracelog"
)

// DB is the pool of connections to the city database, and to its replicas where it has any
// (replicas.go). It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	// statementTimeout and longTimeout bound the statements of ordinary and of bulk
	// transactions (see txWith); 0 is no limit.
	statementTimeout, longTimeout time.Duration
	// pooled: the pool goes through a pooler in transaction mode, so a session is no one's
	// and every setting is made per transaction (Options.TransactionPooler).
	pooled bool
	// listenConfig is where the change listener connects (Options.ListenURL).
	listenConfig *pgx.ConnConfig
	// replica is the replica this DB reads from; nil for the primary's DB (readOn).
	replica *replica
	*shared
}

// shared is what the primary's DB and its views on replicas have in common.
type shared struct {
	// cols keeps each edited or as-of table's columns ("<table>/<id column>" → tableColumns),
	// read once: the schema changes only with a migration, which comes with a restart.
	cols sync.Map
	// seen is the primary's WAL position after the last changes this instance has seen
	// (Saw): a read from a replica that has not replayed that far may miss them.
	seen atomic.Uint64
	// replicas are the replicas to read from; empty without.
	replicas []*replica
	// maxLag: a replica further behind is not read from.
	maxLag time.Duration
	// stopWatch ends the replicas' health loop (Close).
	stopWatch context.CancelFunc
}

// Options tune the pool. Zero values take the defaults of DefaultOptions.
type Options struct {
	// MaxConns bounds the pool; requests beyond it wait for a free connection.
	MaxConns int32
	// StatementTimeout stops any statement the server runs longer than this, whatever
	// becomes of the client. Negative means no limit (migrations that build indexes on large
	// tables).
	StatementTimeout time.Duration
	// LongStatementTimeout replaces it for the statements of imports and bulk loads, and is
	// the longest such a transaction may sit idle between them; zero means an hour.
	LongStatementTimeout time.Duration
	// Logger receives slow or failing statements (pgx tracer, warn level). Nil discards.
	Logger *slog.Logger
	// AppName shows in pg_stat_activity.
	AppName string
	// TransactionPooler says that the URLs lead through a pooler in transaction mode
	// (pgbouncer pool_mode=transaction), where consecutive transactions of one connection run
	// on different server sessions: no named prepared statements (pgx then describes
	// statements and executes them unnamed, QueryExecModeCacheDescribe, unless the URL names
	// a default_query_exec_mode) and no session settings at connect (statement_timeout and
	// the guards are set in each transaction instead, or on the role by the operator).
	TransactionPooler bool
	// ListenURL is where the change listener connects, LISTEN needing a session of its own;
	// empty: the primary's URL, which must then not lead through a pooler in transaction mode.
	ListenURL string
	// Replicas are URLs of streaming replicas of the primary that reads may go to (readOn).
	Replicas []string
	// ReplicaMaxLag: a replica further behind the primary than this is not read from until
	// it catches up. Zero means 10 s.
	ReplicaMaxLag time.Duration
}

// DefaultOptions are sized for a small machine serving tiles and queries.
func DefaultOptions() Options {
	return Options{MaxConns: 16, StatementTimeout: 30 * time.Second, AppName: "bandoso"}
}

// Open configures a pool for url. It does not wait for the database: a service that starts
// while PostgreSQL is down comes up, reports not ready, and connects once it is back.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	def := DefaultOptions()
	if opt.MaxConns <= 0 {
		opt.MaxConns = def.MaxConns
	}
	if opt.StatementTimeout == 0 {
		opt.StatementTimeout = def.StatementTimeout
	}
	if opt.StatementTimeout < 0 {
		opt.StatementTimeout = 0 // PostgreSQL's "no limit"
	}
	if opt.LongStatementTimeout <= 0 {
		opt.LongStatementTimeout = time.Hour
	}
	if opt.AppName == "" {
		opt.AppName = def.AppName
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := poolConfig(url, opt)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db := &DB{pool: pool, log: opt.Logger, statementTimeout: opt.StatementTimeout, longTimeout: opt.LongStatementTimeout,
		pooled: opt.TransactionPooler, listenConfig: cfg.ConnConfig, shared: &shared{maxLag: opt.ReplicaMaxLag}}
	if opt.ListenURL != "" {
		lcfg, err := poolConfig(opt.ListenURL, Options{StatementTimeout: opt.StatementTimeout, AppName: opt.AppName, Logger: opt.Logger})
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("store: listen url: %w", err)
		}
		db.listenConfig = lcfg.ConnConfig
	}
	if err := db.openReplicas(ctx, opt); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// poolConfig is the pool configuration for url with opt's settings, for the primary and the
// replicas alike.
func poolConfig(url string, opt Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: database url: %w", err)
	}
	cfg.MaxConns = opt.MaxConns
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 15 * time.Second
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	rp := cfg.ConnConfig.RuntimeParams
	// A pooler passes on (and restores for each client) only a few parameters, among them
	// application_name and TimeZone, and refuses a connection that sends others.
	rp["application_name"] = opt.AppName
	rp["timezone"] = "UTC"
	if opt.TransactionPooler {
		if !strings.Contains(url, "default_query_exec_mode") {
			cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
		}
	} else {
		rp["statement_timeout"] = strconv.FormatInt(opt.StatementTimeout.Milliseconds(), 10)
		rp["idle_in_transaction_session_timeout"] = "60000"
		for k, v := range sessionGuards {
			rp[k] = v
		}
	}
	cfg.ConnConfig.Tracer = &tracelog.TraceLog{
		Logger:   tracelog.LoggerFunc(traceToSlog(opt.Logger)),
		LogLevel: tracelog.LogLevelWarn,
	}
	return cfg, nil
}

// traceToSlog forwards pgx's traces of failures without the statement's arguments, which may
// hold personal data. Every failure also returns to its caller, who reports it once (api logs a
// failed request, a command prints its error); so a failure of a kind store names (the database
// unreachable, a taken key, a timeout) or a cancelled context is traced at debug only, with the
// statement, and a failure of no known kind, most likely a wrong statement, at warn.
func traceToSlog(log *slog.Logger) func(context.Context, tracelog.LogLevel, string, map[string]any) {
	return func(ctx context.Context, _ tracelog.LogLevel, msg string, data map[string]any) {
		attrs := []any{"component", "pgx"}
		for _, k := range []string{"sql", "time", "err", "pid"} {
			if v, ok := data[k]; ok {
				attrs = append(attrs, k, v)
			}
		}
		level := slog.LevelWarn
		if err, ok := data["err"].(error); ok && (kind(err) != nil || errors.Is(err, context.Canceled)) {
			level = slog.LevelDebug
		}
		log.Log(ctx, level, "database: "+msg, attrs...)
	}
}

// Close waits for connections in use to be returned and closes the pools.
func (db *DB) Close() {
	if db.stopWatch != nil {
		db.stopWatch()
	}
	for _, r := range db.replicas {
		r.db.pool.Close()
	}
	db.pool.Close()
}

// Ping checks that the database answers, with a fresh round trip.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return translate(err)
	}
	return nil
}

// Stats reports the pool's counters for health and metrics.
func (db *DB) Stats() *pgxpool.Stat { return db.pool.Stat() }

// inTx runs fn in a transaction, committing when fn returns nil and rolling back otherwise,
// so that a failed write leaves nothing behind.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.txWith(ctx, "BEGIN", db.statementTimeout, fn)
}

// readTx runs fn in a read-only transaction, for reads that need transaction-local settings.
func (db *DB) readTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.txWith(ctx, "BEGIN READ ONLY", db.statementTimeout, fn)
}

// pipelined runs a read-only transaction on one connection in one round trip: BEGIN READ
// ONLY, the settings of txLimits and then settings, the statements queue adds, COMMIT, all in
// one pipeline. read reads the statements' results in order, once the setup's are read. A
// round trip a statement cost a tenth to a fifth of a small tile's time on a busy machine
// (docs/benchmarks.md, "Tiles"). A statement that fails leaves the transaction aborted: it
// is rolled back before the connection goes back to the pool, which would close it.
func (db *DB) pipelined(ctx context.Context, settings []string, queue func(*pgx.Batch), read func(pgx.BatchResults) error) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Release()
	settings = append(txLimits(ctx, db.statementTimeout, db.pooled), settings...)
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	for _, s := range settings {
		b.Queue(s)
	}
	queue(b)
	b.Queue("COMMIT")
	err = readBatch(conn.SendBatch(ctx, b), func(br pgx.BatchResults) error {
		for range 1 + len(settings) {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		if err := read(br); err != nil {
			return err
		}
		_, err := br.Exec()
		return err
	})
	if err != nil {
		if conn.Conn().PgConn().TxStatus() != 'I' {
			conn.Exec(context.WithoutCancel(ctx), "ROLLBACK") //nolint:errcheck // a connection that cannot roll back is closed by the pool
		}
		return translate(err)
	}
	return nil
}

// readBatch reads br's results with read and closes it, returning the first error.
func readBatch(br pgx.BatchResults, read func(pgx.BatchResults) error) error {
	err := read(br)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// bulkTx is inTx for imports and bulk loads, whose statements may run for the long timeout.
func (db *DB) bulkTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.txWith(ctx, "BEGIN", -db.longTimeout, fn)
}

// txWith begins a transaction with begin and the settings of txLimits in the same round
// trip, runs fn in it and commits when fn returns nil.
func (db *DB) txWith(ctx context.Context, begin string, limit time.Duration, fn func(pgx.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: strings.Join(append([]string{begin}, txLimits(ctx, limit, db.pooled)...), "; ")})
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after Commit
	if err := fn(tx); err != nil {
		return translate(err)
	}
	return translate(tx.Commit(ctx))
}
