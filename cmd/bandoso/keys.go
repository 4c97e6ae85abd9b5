package main

import (
	"context"
	"fmt"
	"os/user"
	"strings"
	"text/tabwriter"

	"bandoso/store"
)

// runKeys manages API keys: `keys create`, `keys list`, `keys revoke`. It talks to the
// database directly, so whoever holds DATABASE_URL is the first admin.
func runKeys(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: bandoso keys create --name NAME --role reader|editor|admin\n       bandoso keys list\n       bandoso keys revoke NAME|PREFIX")
		return errUsage
	}
	cfg := DefaultConfig()
	var fsName, summary string
	switch args[0] {
	case "create":
		fsName, summary = "keys create", "Make an API key and print its secret, which is shown this once and never stored."
	case "list":
		fsName, summary = "keys list", "List API keys (never their secrets), revoked ones too."
	case "revoke":
		fsName, summary = "keys revoke", "Revoke the live API key with this name or prefix; instances stop accepting it within 10 seconds."
	default:
		fmt.Fprintf(env.Stderr, "bandoso keys: unknown action %q: create, list or revoke\n", args[0])
		return errUsage
	}
	fs := flagSet(fsName, summary, env, &cfg)
	var name, role string
	if args[0] == "create" {
		fs.StringVar(&name, "name", "", "name of the key: who or what uses it (letters, digits, . _ @ -)")
		fs.StringVar(&role, "role", "reader", "reader (restricted layers), editor (also edits and imports) or admin (also the catalog, keys and audit log)")
	}
	rest, target := args[1:], ""
	if args[0] == "revoke" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return fmt.Errorf("%w: keys revoke needs the key's name or prefix first", errUsage)
		}
		target, rest = rest[0], rest[1:]
	}
	if err := parse(fs, rest, env, &cfg); err != nil {
		return err
	}
	db, err := store.Open(ctx, string(cfg.Database.URL), store.Options{MaxConns: 1, Logger: cfg.logger(env.Stderr)})
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "create":
		if name == "" {
			return fmt.Errorf("%w: keys create needs --name", errUsage)
		}
		k, secret, err := db.CreateKey(ctx, name, store.Role(role), osUser())
		if err != nil {
			return fmt.Errorf("keys create: %w", err)
		}
		fmt.Fprintf(env.Stderr, "made key %s (%s, role %s); keep the secret now, it cannot be shown again:\n", k.Prefix, k.Name, k.Role)
		fmt.Fprintln(env.Stdout, secret)
	case "list":
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
	case "revoke":
		k, err := db.RevokeKey(ctx, target)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked key %s (%s, role %s)\n", k.Prefix, k.Name, k.Role)
	}
	return nil
}

// osUser names who ran a command, for the records it writes.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
