package archive

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"bandoso/geo"
)

// Plan is the tiles an export writes, in the order it writes them: PMTiles' tile ID order
// (by zoom, then along a Hilbert curve), which a clustered PMTiles archive needs and which
// keeps neighbouring tiles, often identical, next to each other.
type Plan []geo.Tile

// BoundPlan is every tile from zoom minZ to maxZ that overlaps b, in degrees.
func BoundPlan(b orb.Bound, minZ, maxZ int) Plan {
	var p Plan
	for z := minZ; z <= maxZ; z++ {
		p = appendSet(p, tilecover.Bound(b, maptile.Zoom(z)))
	}
	return p.sorted()
}

// AreaPlan is every tile from zoom minZ to maxZ that the area g (a polygon or multipolygon in
// degrees) touches: tiles of its box outside it are left out.
func AreaPlan(g orb.Geometry, minZ, maxZ int) (Plan, error) {
	var p Plan
	for z := minZ; z <= maxZ; z++ {
		set, err := tilecover.Geometry(g, maptile.Zoom(z))
		if err != nil {
			return nil, fmt.Errorf("archive: tiles of the area at zoom %d: %w", z, err)
		}
		p = appendSet(p, set)
	}
	return p.sorted(), nil
}

func appendSet(p Plan, set maptile.Set) Plan {
	for t := range set {
		p = append(p, geo.Tile{Tile: t})
	}
	return p
}

func (p Plan) sorted() Plan {
	slices.SortFunc(p, func(a, b geo.Tile) int {
		ia, ib := tileID(a), tileID(b)
		switch {
		case ia < ib:
			return -1
		case ia > ib:
			return 1
		}
		return 0
	})
	return p
}

// tileID is t's PMTiles tile ID.
func tileID(t geo.Tile) uint64 { return zxyID(uint8(t.Z), t.X, t.Y) }

// key identifies the plan with what else decides the tiles' bytes (extra: the layers,
// say): an export resumes only a file begun by the same.
func (p Plan) key(extra string) string {
	h := sha256.New()
	h.Write([]byte(extra))
	var buf [8]byte
	for _, t := range p {
		binary.LittleEndian.PutUint64(buf[:], tileID(t))
		h.Write(buf[:])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
