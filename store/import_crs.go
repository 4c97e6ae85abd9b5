package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"bandoso/geo"
	"bandoso/ingest"
)

// sqlImportSRS lists the database's CRSs of one PROJ projection, for a file's described CRS
// to be matched against; the VN-2000 ones registered with the pinned transformation say so.
const sqlImportSRS = `
SELECT srid, proj4text, auth_name = 'bandoso' FROM spatial_ref_sys
WHERE proj4text LIKE '+proj=' || $1 || ' %' OR proj4text = '+proj=' || $1`

// importSRID settles the CRS of a file's coordinates: the EPSG code the flag or the file
// names, which the database must know, or the code of the database's CRS that a file's
// description (a .prj without one) matches. 0 leaves the reader to decide at its first row
// (a CSV in degrees).
func importSRID(ctx context.Context, tx pgx.Tx, src ingest.Source) (int, error) {
	if def := src.CRSDef; def != nil && src.SRID == 0 {
		proj := projName(def.Proj4)
		rows, _ := tx.Query(ctx, sqlImportSRS, proj)
		cands, err := pgx.CollectRows(rows, pgx.RowToStructByPos[geo.SRS])
		if err != nil {
			return 0, err
		}
		srid, ok := geo.MatchSRS(def.Proj4, def.WKT, cands)
		if !ok {
			return 0, &ImportParamError{Param: "crs", Reason: fmt.Sprintf("%s describes a CRS without an EPSG code that matches none the database knows (%s); name its EPSG code",
				ingest.CRSWhere(src.Format), def.Proj4)}
		}
		return srid, nil
	}
	if src.SRID == 0 {
		return 0, nil
	}
	var known bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = $1)`, src.SRID).Scan(&known); err != nil {
		return 0, err
	}
	if !known {
		where := "given"
		if src.CRSFrom == "file" {
			where = "named by " + ingest.CRSWhere(src.Format)
		}
		return 0, &ImportParamError{Param: "crs", Reason: fmt.Sprintf("EPSG:%d (%s) is not a CRS the database knows (spatial_ref_sys)", src.SRID, where)}
	}
	return src.SRID, nil
}

// projName is the projection of a PROJ string: "tmerc" of "+proj=tmerc +lat_0=0 …".
func projName(s string) string {
	for _, f := range strings.Fields(s) {
		if v, ok := strings.CutPrefix(f, "+proj="); ok {
			return v
		}
	}
	return ""
}
