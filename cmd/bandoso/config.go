package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"bandoso/api"
	"bandoso/shared"
	"bandoso/store"
)

// Config is the program's configuration, grouped by concern. Precedence: defaults, then
// environment, then flags. A group that api reads embeds api's own, so that each default is
// written once: in api.DefaultConfig, or here for what only the program uses.
type Config struct {
	Log       logConfig
	HTTP      httpConfig
	Limits    api.Limits
	Tiles     tileConfig
	Database  databaseConfig
	Geocoding api.GeocodingConfig
	OpenData  api.OpenDataConfig
	Redis     redisConfig
}

// redisConfig is the Redis the instances behind one load balancer share; none by default.
type redisConfig struct {
	URL secretURL // empty: each instance keeps everything to itself
}

// logConfig is the program's one logger.
type logConfig struct {
	Level  slog.Level
	Format string // text or json
}

// httpConfig is how api times requests and whom it believes, and the listener's settings.
type httpConfig struct {
	api.HTTPConfig
	Listen            string
	AdminListen       string // pprof and metrics; empty: none
	ShutdownTimeout   time.Duration
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration // whole request, body included (batch and import extend it)
	WriteTimeout      time.Duration // 0: request timeout + 15 s (batch and import extend it)
	IdleTimeout       time.Duration // keep-alive connection left idle
	MaxHeaderBytes    int
}

// tileConfig is api's tile settings and the tile cache's.
type tileConfig struct {
	api.TileConfig
	CacheMB  int
	CacheTTL time.Duration // safety net: changes drop tiles as they commit
	// Prerender makes again in the background the cached tiles changes drop; Seed is the
	// zooms seeded at start (cmd/bandoso/seed.go), none by default.
	Prerender bool
	Seed      zoomRange
}

// databaseConfig is the pool, the timeouts of its statements, and the gate in front of
// database work.
type databaseConfig struct {
	api.DatabaseConfig
	URL                    secretURL
	MaxConns               int
	StatementTimeout       time.Duration
	ImportStatementTimeout time.Duration // one statement of an import or demo load, and its idle transaction
	Work                   int           // requests doing database work at once; 0: 4 per CPU, at most max-conns - 2
	Queue                  int           // requests waiting for a turn at database work
	QueueWait              time.Duration // longest such a wait
	QueueTarget            time.Duration // a longer foreseen wait is 503 at once, past half the places' worth waiting; 0: off
	WorkPerClient          int           // of those, held by one client at once; 0: half of them
	ReplicaURLs            []secretURL   // streaming replicas that reads may go to
	ReplicaMaxLag          time.Duration // a replica further behind is not read from
	ListenURL              secretURL     // the change listener's session; empty: URL
	Pooler                 string        // what URL leads through: "" (a server or a session pooler) or "transaction"
}

// DefaultConfig holds every default: api's, and those of the program around it.
func DefaultConfig() Config {
	a := api.DefaultConfig()
	return Config{
		Log: logConfig{Level: slog.LevelInfo, Format: "text"},
		HTTP: httpConfig{HTTPConfig: a.HTTP, Listen: ":8080", ShutdownTimeout: 20 * time.Second,
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10},
		Limits: a.Limits,
		Tiles:  tileConfig{TileConfig: a.Tiles, CacheMB: 128, CacheTTL: time.Hour, Prerender: true},
		Database: databaseConfig{DatabaseConfig: a.Database, MaxConns: 16, StatementTimeout: 25 * time.Second,
			ImportStatementTimeout: time.Hour, Queue: 512, QueueWait: 5 * time.Second, QueueTarget: 100 * time.Millisecond,
			ReplicaMaxLag: 10 * time.Second},
		Geocoding: a.Geocoding,
		OpenData:  a.OpenData,
	}
}

// api is the part of the configuration that api.Server takes.
func (c Config) api() api.Config {
	return api.Config{HTTP: c.HTTP.HTTPConfig, Limits: c.Limits, Tiles: c.Tiles.TileConfig,
		Database: c.Database.DatabaseConfig, Geocoding: c.Geocoding, OpenData: c.OpenData}
}

// check is Validate as a usage error: a bad setting stops the command before it does anything.
func (c Config) check() error {
	if err := c.Validate(); err != nil {
		return &usageError{err}
	}
	return nil
}

// Validate reports the first bad setting by the names of its flag and variable.
func (c Config) Validate() error {
	if c.Database.URL == "" {
		return errors.New("DATABASE_URL is not set (or pass --database-url); `make run` starts a local PostGIS and sets it")
	}
	// pgx takes URLs and keyword/value strings alike, and redacts the password in its errors.
	if _, err := pgconn.ParseConfig(string(c.Database.URL)); err != nil {
		return fmt.Errorf("%s: %v", setting("database-url"), err)
	}
	if err := c.Database.checkPools(); err != nil {
		return err
	}
	if c.Redis.URL != "" {
		if err := shared.CheckURL(string(c.Redis.URL)); err != nil {
			return fmt.Errorf("%s: %v", setting("redis-url"), err)
		}
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return fmt.Errorf("%s: %q is neither text nor json", setting("log-format"), c.Log.Format)
	}
	if c.Tiles.CacheMB < 0 {
		return fmt.Errorf("%s: must be 0 (no cache) or more, not %d", setting("tile-cache-mb"), c.Tiles.CacheMB)
	}
	if c.Database.MaxConns < 1 {
		return fmt.Errorf("%s: must be at least 1, not %d", setting("max-conns"), c.Database.MaxConns)
	}
	for name, d := range map[string]time.Duration{"request-timeout": c.HTTP.RequestTimeout, "statement-timeout": c.Database.StatementTimeout,
		"shutdown-timeout": c.HTTP.ShutdownTimeout, "tile-max-age": c.Tiles.MaxAge, "tile-cache-ttl": c.Tiles.CacheTTL,
		"tile-timeout": c.Tiles.Timeout, "batch-timeout": c.Limits.BatchTimeout, "import-timeout": c.Limits.ImportTimeout,
		"download-timeout": c.Limits.DownloadTimeout,
		"db-queue-wait":    c.Database.QueueWait, "body-timeout": c.HTTP.BodyTimeout, "ready-busy-after": c.Database.BusyAfter,
		"read-header-timeout": c.HTTP.ReadHeaderTimeout, "read-timeout": c.HTTP.ReadTimeout, "idle-timeout": c.HTTP.IdleTimeout,
		"import-statement-timeout": c.Database.ImportStatementTimeout, "replica-max-lag": c.Database.ReplicaMaxLag} {
		if d <= 0 {
			return fmt.Errorf("%s: must be positive", setting(name))
		}
	}
	if c.HTTP.WriteTimeout < 0 {
		return fmt.Errorf("%s: must be 0 (request timeout + 15 s) or positive", setting("write-timeout"))
	}
	for name, n := range map[string]int64{"query-max-bytes": c.Limits.QueryMaxBytes, "batch-max-bytes": c.Limits.BatchMaxBytes,
		"import-max-bytes": c.Limits.ImportMaxBytes, "edit-max-bytes": c.Limits.EditMaxBytes, "items-max-limit": int64(c.Limits.ItemsMaxLimit),
		"max-header-bytes": int64(c.HTTP.MaxHeaderBytes)} {
		if n < 1 {
			return fmt.Errorf("%s: must be at least 1, not %d", setting(name), n)
		}
	}
	if r := c.Limits.RateLimit; r.Rate < 0 || r.Burst < 1 {
		return fmt.Errorf("%s, %s: want a rate of 0 (no limit) or more and a burst of at least 1, not %g and %d",
			setting("rate-limit"), setting("rate-burst"), r.Rate, r.Burst)
	}
	if d := c.Database; d.Work < 0 || d.Queue < 0 || d.WorkPerClient < 0 {
		return fmt.Errorf("%s, %s, %s: must be 0 or more, not %d, %d and %d",
			setting("db-work"), setting("db-queue"), setting("db-work-per-client"), d.Work, d.Queue, d.WorkPerClient)
	}
	if c.Database.QueueTarget < 0 {
		return fmt.Errorf("%s: must be 0 (no target) or positive", setting("db-queue-target"))
	}
	if c.Limits.UploadsPerClient < 1 {
		return fmt.Errorf("%s: must be at least 1, not %d", setting("uploads-per-client"), c.Limits.UploadsPerClient)
	}
	if c.Limits.DownloadsPerClient < 1 {
		return fmt.Errorf("%s: must be at least 1, not %d", setting("downloads-per-client"), c.Limits.DownloadsPerClient)
	}
	if p := c.HTTP.PublicURL; p != "" {
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%s: %q is not an http or https URL without a query, such as https://maps.example.vn/bandoso", setting("public-url"), p)
		}
	}
	return nil
}

// work is --db-work, or by default four per CPU the instance may use, and at most all the
// pool's connections but two (one for the change listener, one for /readyz and the catalog
// whatever the load). A tile's database work is small and its drawing is the instance's
// (package mvt): past a few per core, more at once only take turns on the CPU, each slower
// (docs/benchmarks.md, "Against the peers").
func (d databaseConfig) work() int {
	if d.Work > 0 {
		return d.Work
	}
	return max(min(d.MaxConns-2, 4*runtime.GOMAXPROCS(0)), 1)
}

// workPerClient is --db-work-per-client, or by default half the pool's connections but two,
// and no more than the places: one client, an address or a key, cannot take the whole pool,
// and a map loading a screenful of tiles is not told to slow down on a small machine.
func (d databaseConfig) workPerClient() int {
	if d.WorkPerClient > 0 {
		return d.WorkPerClient
	}
	return max(min(d.work(), (d.MaxConns-2)/2), 1)
}

// writeTimeout is --write-timeout, or by default the request timeout and 15 s to write the
// answer, so that a request's 503 always gets out.
func (h httpConfig) writeTimeout() time.Duration {
	if h.WriteTimeout > 0 {
		return h.WriteTimeout
	}
	return h.RequestTimeout + 15*time.Second
}

// importStatementFlag binds --import-statement-timeout, for the commands that write in bulk.
func importStatementFlag(fs *flag.FlagSet, cfg *Config) {
	fs.DurationVar(&cfg.Database.ImportStatementTimeout, "import-statement-timeout", cfg.Database.ImportStatementTimeout,
		"longest one SQL statement of the import may run on the server, and its transaction sit idle")
}

// importOptions are the pool options of a command that writes in bulk.
func (c Config) importOptions(log *slog.Logger) store.Options {
	t := c.Database.ImportStatementTimeout
	return store.Options{MaxConns: 2, StatementTimeout: t, LongStatementTimeout: t, Logger: log, AppName: "bandoso import"}
}

// logger builds the program's one logger.
func (c Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Log.Level}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// secretURL is a database or Redis URL whose password never reaches a log.
type secretURL string

// String is what --help shows as the default: redacted, since it comes from DATABASE_URL.
func (s *secretURL) String() string { return s.LogValue().String() }
func (s *secretURL) Set(v string) error {
	*s = secretURL(v)
	return nil
}

// LogValue implements slog.LogValuer.
func (s secretURL) LogValue() slog.Value {
	u, err := url.Parse(string(s))
	if err != nil || u.User == nil {
		if strings.Contains(string(s), "password") {
			return slog.StringValue("[redacted]")
		}
		return slog.StringValue(string(s))
	}
	q := u.Query() // libpq also takes password and sslpassword as URL parameters
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return slog.StringValue(u.Redacted())
}
