// Package units holds the migrations written in Go, both of administrative units, beside the
// SQL files of package migrations: 00011 loads the official conversion table of the 2025
// reform into admin_units and admin_succession, 00019 the official unit lists of the whole
// country (admin_official, import_regions). Their data is the reference/ folder of package
// migrations; store applies them with the SQL files.
package units

import (
	"strings"

	"github.com/pressly/goose/v3"
)

// ReferenceSource marks the rows of admin_units and admin_succession that come from the
// national statistics office's conversion table of the 2025 reform (migration 00011).
const ReferenceSource = "nso-2025"

// Migrations returns the Go migrations for goose.WithGoMigrations.
func Migrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(11, &goose.GoFunc{RunTx: upConversionTable}, &goose.GoFunc{RunTx: downConversionTable}),
		goose.NewGoMigration(19, &goose.GoFunc{RunTx: upOfficialLists}, &goose.GoFunc{RunTx: downOfficialLists}),
	}
}

// SQL is the SQL text of the Go migrations, for hashes that must change when a migration
// does (the test template's, in storetest).
func SQL() string {
	all := append(append(append([]string{}, sqlConversionSchema...), sqlConversionStage, sqlConversionSuccession),
		append(sqlConversionUnits, sqlConversionDown...)...)
	all = append(append(all, sqlOfficialLists...), sqlOfficialListsDown...)
	return strings.Join(all, "\n")
}
