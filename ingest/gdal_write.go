package ingest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ConvertOGR writes the vector file src (GeoJSON or GeoJSON text sequence) as dst in GDAL's
// driver ("GPKG", "ESRI Shapefile") through ogr2ogr, passing args after the two files
// (layer creation and metadata options). dst is replaced. ErrNoGDAL without ogr2ogr; ctx
// ending stops it.
func ConvertOGR(ctx context.Context, driver, dst, src string, args ...string) error {
	if err := HaveGDAL(); err != nil {
		return err
	}
	_ = os.Remove(dst)
	cmd := exec.CommandContext(ctx, "ogr2ogr", append([]string{"-f", driver, dst, src}, args...)...)
	stderr := &limitedBuffer{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("ingest: ogr2ogr writing %s: %v: %s", filepath.Base(dst), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// HaveGDAL is nil when GDAL's ogr2ogr is on PATH, and ErrNoGDAL otherwise.
func HaveGDAL() error {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		return ErrNoGDAL
	}
	return nil
}
