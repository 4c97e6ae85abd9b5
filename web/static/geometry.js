// Small helpers on GeoJSON polygons in degrees, enough for the viewer to frame and point into
// the parcel it shows.

// polygons lists the polygons (arrays of rings) of a Polygon or MultiPolygon.
function polygons(g) {
	if (g?.type === 'Polygon') return [g.coordinates];
	if (g?.type === 'MultiPolygon') return g.coordinates;
	return [];
}

// bounds is [[west, south], [east, north]] of a geometry's polygons, or null.
export function bounds(g) {
	let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
	for (const poly of polygons(g)) {
		for (const [x, y] of poly[0]) {
			w = Math.min(w, x); e = Math.max(e, x);
			s = Math.min(s, y); n = Math.max(n, y);
		}
	}
	return w <= e ? [[w, s], [e, n]] : null;
}

// pointInside is a point [lon, lat] inside the largest polygon of g: the middle of the widest
// stretch of the horizontal line through its middle that lies inside it (holes included), so
// that an L- or U-shaped parcel gets a point of its own, not one of its neighbour's.
export function pointInside(g) {
	let best = null, bestSpan = -1;
	for (const poly of polygons(g)) {
		const b = bounds({ type: 'Polygon', coordinates: poly });
		if (b && b[1][0] - b[0][0] + b[1][1] - b[0][1] > bestSpan) {
			bestSpan = b[1][0] - b[0][0] + b[1][1] - b[0][1];
			best = { poly, y: (b[0][1] + b[1][1]) / 2 };
		}
	}
	if (!best) return null;
	const xs = [];
	for (const ring of best.poly) {
		for (let i = 1; i < ring.length; i++) {
			const [x1, y1] = ring[i - 1], [x2, y2] = ring[i];
			// each edge crossing the line once: half-open in y so that a vertex on it counts once
			if ((y1 <= best.y) !== (y2 <= best.y)) xs.push(x1 + ((best.y - y1) / (y2 - y1)) * (x2 - x1));
		}
	}
	xs.sort((a, b) => a - b);
	let x = null, widest = -1;
	for (let i = 0; i + 1 < xs.length; i += 2) {
		if (xs[i + 1] - xs[i] > widest) {
			widest = xs[i + 1] - xs[i];
			x = (xs[i] + xs[i + 1]) / 2;
		}
	}
	return x === null ? null : [x, best.y];
}
