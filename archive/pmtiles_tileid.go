package archive

// zxyID is the PMTiles tile ID of tile z/x/y: the number of tiles at lower zooms,
// (4^z − 1)/3, plus the tile's position along the Hilbert curve that fills zoom z, which
// starts at the top-left tile (0, 0) and ends at the top-right one.
func zxyID(z uint8, x, y uint32) uint64 {
	id := (uint64(1)<<(2*uint(z)) - 1) / 3
	if z == 0 {
		return id
	}
	// Descend the quadrants from the largest: each adds how many tiles the curve passes
	// in the quadrants before it, then x and y become the tile's place in the quadrant,
	// turned so the curve runs through it as through the whole.
	for s := uint32(1) << (z - 1); s > 0; s >>= 1 {
		rx, ry := min(x&s, 1), min(y&s, 1)
		id += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		x, y = x&(s-1), y&(s-1)
		if ry == 0 {
			if rx == 1 {
				x, y = s-1-x, s-1-y
			}
			x, y = y, x
		}
	}
	return id
}
