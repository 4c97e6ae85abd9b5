package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"bandoso/store"
)

// poolerTransaction is --database-pooler's value for a pooler in transaction mode.
const poolerTransaction = "transaction"

// poolFlags binds the flags of serve's replicas, pooler and change listener.
func poolFlags(fs *flag.FlagSet, cfg *Config) {
	fs.Var(urlList{&cfg.Database.ReplicaURLs}, "replica-url", "PostgreSQL `url` of a streaming replica of the database that tiles, features, geocoding, parcels and planning\n"+
		"may read from; repeat for several (the variable: separated by spaces). Writes, keys, audit and history stay on the primary")
	fs.DurationVar(&cfg.Database.ReplicaMaxLag, "replica-max-lag", cfg.Database.ReplicaMaxLag, "a replica further behind the primary than this is not read from until it catches up")
	fs.Var(&cfg.Database.ListenURL, "listen-database-url", "PostgreSQL `url` of a session on the primary for the change listener (LISTEN), where --database-url\n"+
		"leads through a pooler in transaction mode; empty: --database-url")
	fs.StringVar(&cfg.Database.Pooler, "database-pooler", cfg.Database.Pooler, "`mode` of the pooler --database-url leads through: transaction (pgbouncer pool_mode=transaction: no named\n"+
		"prepared statements, settings per transaction; needs --listen-database-url), or empty for a server or a session pooler")
}

// checkPools validates the replica, listener and pooler settings.
func (d databaseConfig) checkPools() error {
	for _, u := range d.ReplicaURLs {
		if _, err := pgconn.ParseConfig(string(u)); err != nil {
			return fmt.Errorf("%s: %v", setting("replica-url"), err)
		}
	}
	if d.ListenURL != "" {
		if _, err := pgconn.ParseConfig(string(d.ListenURL)); err != nil {
			return fmt.Errorf("%s: %v", setting("listen-database-url"), err)
		}
	}
	switch d.Pooler {
	case "", "session":
	case poolerTransaction:
		if d.ListenURL == "" {
			return errors.New(setting("database-pooler") + ": transaction needs " + setting("listen-database-url") +
				": LISTEN needs a session of its own, which a pooler in transaction mode does not keep")
		}
	default:
		return fmt.Errorf("%s: %q is neither transaction, session nor empty", setting("database-pooler"), d.Pooler)
	}
	return nil
}

// poolOptions adds the replica, listener and pooler settings to opt.
func (d databaseConfig) poolOptions(opt store.Options) store.Options {
	for _, u := range d.ReplicaURLs {
		opt.Replicas = append(opt.Replicas, string(u))
	}
	opt.ReplicaMaxLag = d.ReplicaMaxLag
	opt.ListenURL = string(d.ListenURL)
	opt.TransactionPooler = d.Pooler == poolerTransaction
	return opt
}

// urlList is a repeatable flag of database URLs, each flag one; its variable holds them
// separated by spaces, which a URL cannot hold.
type urlList struct{ p *[]secretURL }

func (l urlList) String() string {
	if l.p == nil {
		return ""
	}
	s := make([]string, len(*l.p))
	for i, u := range *l.p {
		s[i] = u.LogValue().String()
	}
	return strings.Join(s, " ")
}

// Set adds the URLs in v.
func (l urlList) Set(v string) error {
	for _, f := range strings.Fields(v) {
		*l.p = append(*l.p, secretURL(f))
	}
	return nil
}

// LogValue implements slog.LogValuer: the URLs redacted.
func (l urlList) LogValue() slog.Value { return slog.StringValue(l.String()) }
