package main

import (
	"context"
	"fmt"

	"bandoso/store"
)

func runMigrate(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "migrate", about: "Apply the database migrations this binary carries that the database lacks, each in its own\n" +
		"transaction, and print what was applied. Safe to run again: a current database is left as it is."}, env, &cfg)
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	db, err := store.Open(ctx, string(cfg.Database.URL), store.Options{MaxConns: 2, StatementTimeout: -1, Logger: cfg.logger(env.Stderr)})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintf(env.Stdout, "applied %05d %s (%s)\n", m.Version, m.Name, m.Duration.Round(1e6))
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(env.Stdout, "database is current at migration %d; nothing to apply\n", store.LatestMigration())
	}
	return nil
}
