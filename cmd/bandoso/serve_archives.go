package main

import (
	"flag"
	"log/slog"

	"bandoso/archive"
)

// archivesFlag binds serve's --archives.
func archivesFlag(fs *flag.FlagSet) *string {
	return fs.String("archives", "", "`folder` of tile archives (.pmtiles, .mbtiles, as bandoso export writes them) to serve under /tiles/archive;\n"+
		"files added later are found at the next request")
}

// openArchives opens the archives of folder, none when it is empty.
func openArchives(folder string, log *slog.Logger) (*archive.Dir, error) {
	if folder == "" {
		return nil, nil
	}
	d, err := archive.OpenDir(folder, log)
	if err != nil {
		return nil, usagef("invalid value %q for %s: %w", folder, setting("archives"), err)
	}
	list, err := d.List()
	if err != nil {
		return nil, err
	}
	log.Info("serving tile archives", "folder", folder, "archives", len(list))
	return d, nil
}
