package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Config is the program's configuration. Precedence: defaults, then environment, then flags.
type Config struct {
	DatabaseURL      secretURL
	ListenAddr       string
	AdminListenAddr  string // pprof and metrics; empty: none
	LogLevel         slog.Level
	LogFormat        string // text or json
	MaxConns         int
	RequestTimeout   time.Duration
	StatementTimeout time.Duration
	ShutdownTimeout  time.Duration
	TileMaxAge       time.Duration
	TileCacheMB      int
	TileCacheTTL     time.Duration // safety net: changes drop tiles as they commit
	QueryMaxBytes    int64         // body limit of POST /v1/parcels/query
	BatchMaxBytes    int64         // file limit of POST /v1/geocode/batch
	QueryMaxKM2      float64       // largest area one parcel query may cover
	ImportMaxBytes   int64         // body limit of POST /v1/admin/import
}

// DefaultConfig holds every default in one place.
func DefaultConfig() Config {
	return Config{
		ListenAddr:       ":8080",
		LogLevel:         slog.LevelInfo,
		LogFormat:        "text",
		MaxConns:         16,
		RequestTimeout:   30 * time.Second,
		StatementTimeout: 25 * time.Second,
		ShutdownTimeout:  20 * time.Second,
		TileMaxAge:       60 * time.Second,
		TileCacheMB:      128,
		TileCacheTTL:     time.Hour,
		QueryMaxBytes:    1 << 20,
		BatchMaxBytes:    64 << 20,
		QueryMaxKM2:      100,
		ImportMaxBytes:   512 << 20,
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
	return cfg.Validate()
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
		"--tile-max-age": c.TileMaxAge, "--tile-cache-ttl": c.TileCacheTTL} {
		if d <= 0 {
			return fmt.Errorf("%s: must be positive", name)
		}
	}
	return nil
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
	return slog.StringValue(u.Redacted())
}
