// Package migrations holds the versioned SQL that builds bandoso's schema.
//
// Files are named NNNNN_what.sql and applied in order by store.Migrate (goose); each runs in
// its own transaction and is recorded in the goose_db_version table. Never edit a migration
// that has landed: add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
