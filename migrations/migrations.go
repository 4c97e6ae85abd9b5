// Package migrations holds the versioned SQL that builds bandoso's schema.
//
// Files are named NNNNN_what.sql and applied in order by store.Migrate (goose); each runs in
// its own transaction and is recorded in the goose_db_version table. The migrations that load
// reference data are written in Go in package units (units/00011_conversion_table.go,
// units/00019_official_lists.go) and read their data from reference/ here. Never edit a
// migration that has landed: add a new one.
package migrations

import "embed"

// FS holds every migration file and the reference data of the Go migrations.
//
//go:embed *.sql reference
var FS embed.FS
