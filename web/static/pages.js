// The map of an HTML page of the OGC API: the page's features, embedded in it as GeoJSON,
// drawn over the default style; a click on one opens its page. MapLibre's module is named
// by the map element, since its path carries the version built in.
const el = document.getElementById('map');
const features = JSON.parse(document.getElementById('features').textContent);
const { Map, NavigationControl } = await import(el.dataset.moduleUrl);

// bounds is the [[west, south], [east, north]] of every coordinate of the features.
function bounds(fc) {
	let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
	const walk = (c) => {
		if (typeof c[0] === 'number') {
			w = Math.min(w, c[0]); e = Math.max(e, c[0]);
			s = Math.min(s, c[1]); n = Math.max(n, c[1]);
		} else {
			c.forEach(walk);
		}
	};
	for (const f of fc.features) if (f.geometry) walk(f.geometry.coordinates);
	return w <= e ? [[w, s], [e, n]] : null;
}

const map = new Map({ container: el, style: el.dataset.styleUrl, attributionControl: { compact: true } });
map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
// for the browser test and the console
window.bandoso = { map };
const b = bounds(features);
if (b) map.fitBounds(b, { padding: 24, maxZoom: 18, duration: 0 });

const kinds = (...types) => ['in', ['geometry-type'], ['literal', types]];
map.on('load', () => {
	map.addSource('page', { type: 'geojson', data: features });
	map.addLayer({ id: 'page-fill', type: 'fill', source: 'page', filter: kinds('Polygon', 'MultiPolygon'),
		paint: { 'fill-color': '#1c71d8', 'fill-opacity': 0.35 } });
	map.addLayer({ id: 'page-line', type: 'line', source: 'page', filter: kinds('Polygon', 'MultiPolygon', 'LineString', 'MultiLineString'),
		paint: { 'line-color': '#0b3d91', 'line-width': 2.5 } });
	map.addLayer({ id: 'page-point', type: 'circle', source: 'page', filter: kinds('Point', 'MultiPoint'),
		paint: { 'circle-color': '#1c71d8', 'circle-radius': 5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
	const layers = ['page-fill', 'page-line', 'page-point'];
	map.on('click', (e) => {
		const [f] = map.queryRenderedFeatures(e.point, { layers });
		if (f && features.features.length > 1) location.href = `${el.dataset.itemsUrl}/${encodeURIComponent(f.id)}?f=html`;
	});
	for (const l of layers) {
		map.on('mouseenter', l, () => { map.getCanvas().style.cursor = 'pointer'; });
		map.on('mouseleave', l, () => { map.getCanvas().style.cursor = ''; });
	}
});
