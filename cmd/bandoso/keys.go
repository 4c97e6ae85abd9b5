package main

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"text/tabwriter"

	"bandoso/store"
)

// runKeys manages API keys: `keys create`, `keys list`, `keys revoke`. It talks to the
// database directly, so whoever holds DATABASE_URL is the first admin.
func runKeys(ctx context.Context, env Env, args []string) error {
	actions := []command{
		{"create", "make a key and print its secret, shown this once: keys create --name NAME [--role ROLE]", runKeyCreate},
		{"list", "list the keys, revoked ones too, never their secrets", runKeyList},
		{"revoke", "revoke the live key with this name or prefix: keys revoke NAME|PREFIX", runKeyRevoke},
	}
	return dispatch(ctx, env, "bandoso keys", "Create, list and revoke the API keys of the city database (roles reader, editor and admin).\n"+
		"Whoever holds DATABASE_URL may do so: the first admin key is made this way.", actions, args)
}

func runKeyCreate(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "keys create", about: "Make an API key and print its secret, which is shown this once and never stored."}, env, &cfg)
	name := fs.String("name", "", "`name` of the key: who or what uses it (letters, digits, . _ @ -); a live key's name is its own")
	role := fs.String("role", "reader", "`role`: reader (restricted layers), editor (also edits and imports) or admin (also the catalog, keys and audit log)")
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	if *name == "" {
		return usagef("keys create needs --name")
	}
	if !store.Role(*role).Valid() {
		return usagef("invalid value %q for --role: reader, editor or admin", *role)
	}
	db, err := openKeys(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	k, secret, err := db.CreateKey(ctx, *name, store.Role(*role), osUser())
	var taken *store.KeyNameTakenError
	if errors.As(err, &taken) {
		return reword(err, "the name %q is taken by a live key: choose another --name, or revoke that key first (bandoso keys revoke %s)",
			taken.Name, taken.Name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "made key %s (%s, role %s); keep the secret now, it cannot be shown again:\n", k.Prefix, k.Name, k.Role)
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

func runKeyList(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "keys list", about: "List the API keys (never their secrets), revoked ones too."}, env, &cfg)
	if err := parse(fs, args, env, &cfg); err != nil {
		return err
	}
	db, err := openKeys(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := db.Keys(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tNAME\tROLE\tCREATED\tBY\tREVOKED")
	for _, k := range keys {
		revoked := "-"
		if k.RevokedAt != nil {
			revoked = k.RevokedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, k.Name, k.Role, k.CreatedAt.Format("2006-01-02 15:04"), k.CreatedBy, revoked)
	}
	return tw.Flush()
}

func runKeyRevoke(ctx context.Context, env Env, args []string) error {
	cfg := DefaultConfig()
	fs := flagSet(help{command: "keys revoke", args: "NAME|PREFIX",
		about: "Revoke the live API key with this name or prefix; instances stop accepting it within 10 seconds."}, env, &cfg)
	var target string
	if err := parse(fs, args, env, &cfg, &target); err != nil {
		return err
	}
	if target == "" {
		return usagef("keys revoke needs the name or prefix of the key: bandoso keys revoke NAME|PREFIX")
	}
	db, err := openKeys(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	k, err := db.RevokeKey(ctx, target)
	if errors.Is(err, store.ErrNotFound) {
		return reword(err, "no live key is named or prefixed %q: `bandoso keys list` shows them", target)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "revoked key %s (%s, role %s)\n", k.Prefix, k.Name, k.Role)
	return nil
}

// openKeys opens the database for one small statement.
func openKeys(ctx context.Context, env Env, cfg Config) (*store.DB, error) {
	return store.Open(ctx, string(cfg.Database.URL), store.Options{MaxConns: 1, Logger: cfg.logger(env.Stderr)})
}

// osUser names who ran a command, for the records it writes.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
