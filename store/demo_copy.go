package store

import (
	"context"
	"fmt"
	"iter"

	"github.com/jackc/pgx/v5"
)

// sqlPlaceDemoUnits gives the official units the city's boundaries: every boundary goes, as
// do the units a previous city added, then the city's units are matched on level, code and
// system (old: valid_to 2025-07-01; new: current), and those the table lacks are added.
var sqlPlaceDemoUnits = []string{
	`UPDATE admin_units SET geom = NULL WHERE geom IS NOT NULL`,
	`DELETE FROM admin_units WHERE source IS NULL`,
	`CREATE TEMP TABLE demo_units ON COMMIT DROP AS
		SELECT code, name, level, kind, parent_code, valid_from, valid_to, geom FROM admin_units WITH NO DATA`,
}

var sqlMergeDemoUnits = []string{`
UPDATE admin_units u SET geom = d.geom FROM demo_units d
WHERE u.level = d.level AND u.code = d.code AND u.valid_to IS NOT DISTINCT FROM d.valid_to`, `
INSERT INTO admin_units (code, name, level, kind, parent_code, valid_from, valid_to, geom)
SELECT d.* FROM demo_units d
WHERE NOT EXISTS (SELECT 1 FROM admin_units u
	WHERE u.level = d.level AND u.code = d.code AND u.valid_to IS NOT DISTINCT FROM d.valid_to)`,
}

// placeDemoUnits loads the city's administrative units over the official ones.
func placeDemoUnits(ctx context.Context, tx pgx.Tx, city DemoCity, counts map[string]int64, progress func(string, int64)) error {
	for _, q := range sqlPlaceDemoUnits {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	cols, rows, err := demoRows(city, "admin_units")
	if err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "demo_units", cols, rows, counts, progress); err != nil {
		return err
	}
	counts["admin_units"] = counts["demo_units"]
	delete(counts, "demo_units")
	for _, q := range sqlMergeDemoUnits {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// copyDemo COPYs every table of the city, parents before children.
func copyDemo(ctx context.Context, tx pgx.Tx, city DemoCity, boundariesOnly bool, counts map[string]int64, progress func(string, int64)) error {
	if err := placeDemoUnits(ctx, tx, city, counts, progress); err != nil || boundariesOnly {
		return err
	}
	for _, table := range replaced {
		cols, rows, err := demoRows(city, table)
		if err != nil {
			return err
		}
		if err := copyRows(ctx, tx, table, cols, rows, counts, progress); err != nil {
			return err
		}
	}
	return nil
}

// demoRows asks city for table's rows; a city that has none for a table the demo loads is
// an error, not an empty layer.
func demoRows(city DemoCity, table string) ([]string, iter.Seq[[]any], error) {
	cols, rows := city.Rows(table)
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("store: the demo city has no rows for %s", table)
	}
	return cols, rows, nil
}
