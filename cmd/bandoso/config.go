package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"bandoso/store"
)

// Config is the program's configuration. Precedence: defaults, then environment, then flags.
type Config struct {
	DatabaseURL       secretURL
	ListenAddr        string
	AdminListenAddr   string // pprof and metrics; empty: none
	LogLevel          slog.Level
	LogFormat         string // text or json
	MaxConns          int
	RequestTimeout    time.Duration
	StatementTimeout  time.Duration
	ImportStmtTimeout time.Duration // one statement of an import or demo load, and its idle transaction
	ShutdownTimeout   time.Duration
	TileMaxAge        time.Duration
	TileCacheMB       int
	TileCacheTTL      time.Duration // safety net: changes drop tiles as they commit
	QueryMaxBytes     int64         // body limit of POST /v1/parcels/query
	BatchMaxBytes     int64         // file limit of the batch routes (geocode, parse)
	QueryMaxKM2       float64       // largest area one parcel query may cover
	ImportMaxBytes    int64         // body limit of POST /v1/admin/import
	EditMaxBytes      int64         // body limit of a feature edit
	ItemsMaxLimit     int           // most features in one OGC API items page
	TileTimeout       time.Duration // a tile's deadline, its statements' timeout
	BatchTimeout      time.Duration // deadline of the batch routes (geocode, parse)
	ImportTimeout     time.Duration // deadline of POST /v1/admin/import
	RateLimit         float64       // requests per second per client; 0: no limit
	RateBurst         int           // requests a client may send at once
	TrustedProxies    string        // comma-separated CIDRs whose forwarded headers are believed
	PublicURL         string        // URL links start with; empty: each request's own
	DBWork            int           // requests doing database work at once; 0: max-conns - 2
	DBQueue           int           // requests waiting for a turn at database work
	DBQueueWait       time.Duration // longest such a wait
	DBWorkPerClient   int           // of those, held by one client at once; 0: half of them
	UploadsPerClient  int           // batch and import uploads one client sends at once
	BodyTimeout       time.Duration // a request body sending nothing; a gated body whole
	ReadyBusyAfter    time.Duration // the gate full this long: /readyz says busy
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration // whole request, body included (batch and import extend it)
	WriteTimeout      time.Duration // 0: request timeout + 15 s (batch and import extend it)
	IdleTimeout       time.Duration // keep-alive connection left idle
	MaxHeaderBytes    int
}

// DefaultConfig holds every default in one place.
func DefaultConfig() Config {
	return Config{
		ListenAddr:        ":8080",
		LogLevel:          slog.LevelInfo,
		LogFormat:         "text",
		MaxConns:          16,
		RequestTimeout:    30 * time.Second,
		StatementTimeout:  25 * time.Second,
		ImportStmtTimeout: time.Hour,
		ShutdownTimeout:   20 * time.Second,
		TileMaxAge:        60 * time.Second,
		TileCacheMB:       128,
		TileCacheTTL:      time.Hour,
		QueryMaxBytes:     1 << 20,
		BatchMaxBytes:     64 << 20,
		QueryMaxKM2:       100,
		ImportMaxBytes:    512 << 20,
		EditMaxBytes:      4 << 20,
		ItemsMaxLimit:     10000,
		TileTimeout:       10 * time.Second,
		BatchTimeout:      15 * time.Minute,
		ImportTimeout:     15 * time.Minute,
		RateLimit:         50,
		RateBurst:         200,
		DBQueue:           512,
		DBQueueWait:       5 * time.Second,
		UploadsPerClient:  2,
		BodyTimeout:       30 * time.Second,
		ReadyBusyAfter:    10 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// flagSet binds the common flags of every subcommand onto cfg, with defaults taken from the
// environment, and a --help text that names each variable.
func flagSet(name, summary string, env Env, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("bandoso "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	if v := env.Getenv("DATABASE_URL"); v != "" {
		cfg.DatabaseURL = secretURL(v)
	}
	fs.Var(&cfg.DatabaseURL, "database-url", "PostgreSQL `url` of the city database, e.g. postgres://user:pass@host:5432/bandoso\n(env DATABASE_URL; make run and make test start a local PostGIS and set it)")
	if v := env.Getenv("LOG_LEVEL"); v != "" {
		_ = cfg.LogLevel.UnmarshalText([]byte(v)) // checked again when flags are parsed
	}
	fs.Func("log-level", "least severe log `level`: debug, info, warn or error (env LOG_LEVEL; default info)", func(s string) error {
		return cfg.LogLevel.UnmarshalText([]byte(s))
	})
	if v := env.Getenv("LOG_FORMAT"); v != "" {
		cfg.LogFormat = v
	}
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: text or json (env LOG_FORMAT)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: bandoso %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and checks the result, naming the flag or variable at fault.
func parse(fs *flag.FlagSet, args []string, env Env, cfg *Config) error {
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	return cfg.Validate()
}

// parseFlags parses args without checking the configuration, for a command that may not
// need the database.
func parseFlags(fs *flag.FlagSet, args []string, env Env) error {
	if v := env.Getenv("LOG_LEVEL"); v != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(v)); err != nil {
			return fmt.Errorf("LOG_LEVEL: %w", err)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// Validate reports the first bad setting by the name of its variable.
func (c Config) Validate() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set (or pass --database-url); `make run` starts a local PostGIS and sets it")
	}
	// pgx takes URLs and keyword/value strings alike, and redacts the password in its errors.
	if _, err := pgconn.ParseConfig(string(c.DatabaseURL)); err != nil {
		return fmt.Errorf("DATABASE_URL: %v", err)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("LOG_FORMAT: %q is neither text nor json", c.LogFormat)
	}
	if c.TileCacheMB < 0 {
		return fmt.Errorf("--tile-cache-mb: must be 0 (no cache) or more, not %d", c.TileCacheMB)
	}
	if c.MaxConns < 1 {
		return fmt.Errorf("--max-conns: must be at least 1, not %d", c.MaxConns)
	}
	for name, d := range map[string]time.Duration{"--request-timeout": c.RequestTimeout, "--statement-timeout": c.StatementTimeout, "--shutdown-timeout": c.ShutdownTimeout,
		"--tile-max-age": c.TileMaxAge, "--tile-cache-ttl": c.TileCacheTTL, "--tile-timeout": c.TileTimeout,
		"--batch-timeout": c.BatchTimeout, "--import-timeout": c.ImportTimeout, "--db-queue-wait": c.DBQueueWait,
		"--body-timeout": c.BodyTimeout, "--ready-busy-after": c.ReadyBusyAfter,
		"--read-header-timeout": c.ReadHeaderTimeout, "--read-timeout": c.ReadTimeout, "--idle-timeout": c.IdleTimeout,
		"--import-statement-timeout (env IMPORT_STATEMENT_TIMEOUT)": c.ImportStmtTimeout} {
		if d <= 0 {
			return fmt.Errorf("%s: must be positive", name)
		}
	}
	if c.WriteTimeout < 0 {
		return errors.New("--write-timeout: must be 0 (request timeout + 15 s) or positive")
	}
	for name, n := range map[string]int64{"--query-max-bytes": c.QueryMaxBytes, "--batch-max-bytes": c.BatchMaxBytes,
		"--import-max-bytes": c.ImportMaxBytes, "--edit-max-bytes": c.EditMaxBytes, "--items-max-limit": int64(c.ItemsMaxLimit),
		"--max-header-bytes": int64(c.MaxHeaderBytes)} {
		if n < 1 {
			return fmt.Errorf("%s: must be at least 1, not %d", name, n)
		}
	}
	if c.RateLimit < 0 || c.RateBurst < 1 {
		return fmt.Errorf("--rate-limit, --rate-burst: want a rate of 0 (no limit) or more and a burst of at least 1, not %g and %d", c.RateLimit, c.RateBurst)
	}
	if c.DBWork < 0 || c.DBQueue < 0 || c.DBWorkPerClient < 0 {
		return fmt.Errorf("--db-work, --db-queue, --db-work-per-client: must be 0 or more, not %d, %d and %d", c.DBWork, c.DBQueue, c.DBWorkPerClient)
	}
	if c.UploadsPerClient < 1 {
		return fmt.Errorf("--uploads-per-client: must be at least 1, not %d", c.UploadsPerClient)
	}
	if _, err := c.trustedProxies(); err != nil {
		return err
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("PUBLIC_URL: %q is not an http or https URL without a query, such as https://maps.example.vn/bandoso", c.PublicURL)
		}
	}
	return nil
}

// trustedProxies parses --trusted-proxies: CIDRs or single addresses, comma-separated.
func (c Config) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustedProxies, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither a network (10.0.0.0/8) nor an address", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// dbWork is --db-work, or by default all the pool's connections but two: one for the change
// listener, one for /readyz and the catalog whatever the load.
func (c Config) dbWork() int {
	if c.DBWork > 0 {
		return c.DBWork
	}
	return max(c.MaxConns-2, 1)
}

// dbWorkPerClient is --db-work-per-client, or by default half the places: one client, an
// address or a key, cannot take the whole gate.
func (c Config) dbWorkPerClient() int {
	if c.DBWorkPerClient > 0 {
		return c.DBWorkPerClient
	}
	return max(c.dbWork()/2, 1)
}

// writeTimeout is --write-timeout, or by default the request timeout and 15 s to write the
// answer, so that a request's 503 always gets out.
func (c Config) writeTimeout() time.Duration {
	if c.WriteTimeout > 0 {
		return c.WriteTimeout
	}
	return c.RequestTimeout + 15*time.Second
}

// importStatementFlag binds --import-statement-timeout (env IMPORT_STATEMENT_TIMEOUT), for
// the commands that write in bulk.
func importStatementFlag(fs *flag.FlagSet, env Env, cfg *Config) {
	if v := env.Getenv("IMPORT_STATEMENT_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			cfg.ImportStmtTimeout = d
		} else {
			cfg.ImportStmtTimeout = -1 // Validate names the setting
		}
	}
	fs.DurationVar(&cfg.ImportStmtTimeout, "import-statement-timeout", cfg.ImportStmtTimeout,
		"longest one SQL statement of the import may run on the server, and its transaction sit idle (env IMPORT_STATEMENT_TIMEOUT)")
}

// importOptions are the pool options of a command that writes in bulk.
func (c Config) importOptions(log *slog.Logger) store.Options {
	return store.Options{MaxConns: 2, StatementTimeout: c.ImportStmtTimeout, LongStatementTimeout: c.ImportStmtTimeout,
		Logger: log, AppName: "bandoso import"}
}

// logger builds the program's one logger.
func (c Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// secretURL is a database URL whose password never reaches a log.
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
