// Package migrations holds the versioned SQL that builds bandoso's schema.
//
// Files are named NNNNN_what.sql and applied in order by store.Migrate (goose); each runs in
// its own transaction and is recorded in the goose_db_version table. A migration that loads
// reference data is written in Go in store (00011, store/admin_reference.go) and reads its
// data from reference/ here. Never edit a migration that has landed: add a new one.
package migrations

import "embed"

// FS holds every migration file and the reference data of the Go migrations.
//
//go:embed *.sql reference
var FS embed.FS
