// The permalink: the URL's hash holds the view, so that a copied link opens it again:
//   #map=17/10.7712/106.6945&parcel=123&q=2 Phan Huy Ích&lang=en
// map is MapLibre's (zoom/lat/lon, written by the map as it moves); parcel the selected
// parcel's id, q the search box's text, lang the language when not Vietnamese.

// mapParam is the hash parameter MapLibre keeps the position in.
export const mapParam = 'map';

// readLink returns the hash's parameters.
export function readLink() {
	return new URLSearchParams(location.hash.slice(1));
}

// writeLink sets (or, given null, removes) parameters of the hash, keeping the others, the
// way MapLibre writes its own (unescaped), and without adding a history entry.
export function writeLink(changes) {
	const params = readLink();
	for (const [k, v] of Object.entries(changes)) {
		// &, = and # would break MapLibre's unescaped writing of the hash
		if (v === null || v === undefined || v === '') params.delete(k);
		else params.set(k, String(v).replace(/[&=#%]/g, ' '));
	}
	const hash = decodeURIComponent(params.toString());
	history.replaceState(history.state, '', hash ? `#${hash}` : location.pathname + location.search);
}
