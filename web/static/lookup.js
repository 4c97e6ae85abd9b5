// The look-ups behind the panel: a parcel by id, by its cadastral name or code, by a point;
// a found address or place; coordinates in WGS 84 or VN-2000. Each asks the API, marks the
// answer on the map (the selected parcel's style layers, a marker) and fills the panel. A
// newer look-up wins over the answers of an older one still on their way.
import { Marker } from 'maplibre-gl';
import { bounds, pointInside } from './geometry.js';
import { t } from './i18n.js';
import * as panel from './panel.js';
import { writeLink } from './permalink.js';
import { readQuery } from './query.js';

// selectionLayers are the default style's layers drawing the selected parcel.
export const selectionLayers = ['parcel-selected-fill', 'parcel-selected'];

// The CRS VN-2000 coordinates are shown in: the TM-3 zone of Ho Chi Minh City.
const localCRS = 'EPSG:9210';

let map;
let marker;
let turn = 0;
let selected = null;
const parcelListeners = [];

export function initLookup(m) {
	map = m;
	marker = new Marker({ color: '#c0392b' });
}

// onParcel calls f with the planning report of each parcel selected.
export function onParcel(f) { parcelListeners.push(f); }

// selectedParcel is the id of the parcel shown, or null.
export function selectedParcel() { return selected; }

// getJSON fetches a path of the API: {ok, status, body}, body null when not JSON.
async function getJSON(path) {
	try {
		const r = await fetch(path);
		const body = await r.json().catch(() => null);
		return { ok: r.ok, status: r.status, body };
	} catch {
		return { ok: false, status: 0, body: null };
	}
}

// problemText says why a look-up failed, in the problem's own words when there are some.
function problemText(r) {
	const what = r.status === 404 ? t('notFound') : t('failed');
	return r.body?.detail ? `${what}: ${r.body.detail}` : what;
}

function highlight(id) {
	selected = id;
	const filter = ['all', ['has', 'parcel_no'], ['==', ['id'], id ?? -1]];
	for (const l of selectionLayers) if (map.getLayer(l)) map.setFilter(l, filter);
}

// clear closes the panel and forgets the selection.
export function clear() {
	turn++;
	highlight(null);
	marker.remove();
	panel.close();
	writeLink({ parcel: null });
}

// selectParcel shows the parcel with id: its planning report, then what is at point (a
// [lon, lat] inside it; one is found when not given). found and here go into the panel as
// they are; fit frames the parcel.
export async function selectParcel(id, { point = null, found = null, here = [], fit = false } = {}) {
	const mine = ++turn;
	highlight(id);
	writeLink({ parcel: id });
	const r = await getJSON(`v1/parcels/${encodeURIComponent(id)}/planning`);
	if (mine !== turn) return;
	if (!r.ok) {
		panel.show({ found, here, message: () => problemText(r) });
		return;
	}
	const report = r.body;
	const at = point ?? pointInside(report.parcel.geometry);
	panel.show({ found, report, here, location: at && { lon: at[0], lat: at[1] } });
	if (fit) frame(report.parcel.geometry);
	for (const f of parcelListeners) f(report);
	if (at) describe(at, mine);
}

// describe adds to the panel what is at a point: the nearest address, its codes, the wards,
// and the point in VN-2000.
async function describe([lon, lat], mine) {
	const [rev, tr] = await Promise.all([
		getJSON(`v1/reverse?limit=1&lon=${lon.toFixed(7)}&lat=${lat.toFixed(7)}`),
		getJSON(`v1/transform?lon=${lon.toFixed(8)}&lat=${lat.toFixed(8)}&to=${localCRS}`),
	]);
	if (mine !== turn) return;
	const more = {};
	if (rev.ok) {
		const fs = rev.body.features;
		more.place = { place: fs.find((f) => f.properties.kind === 'place')?.properties, near: fs.find((f) => f.properties.kind !== 'place') };
	}
	more.location = tr.ok ? { lon, lat, x: tr.body.x, y: tr.body.y } : { lon, lat };
	panel.update(more);
}

// clearView is the padding that keeps what the map shows clear of the search box and of the
// panel: beside them on a wide screen, between them on a phone (viewer.css). The map keeps
// it, so that its centre stays in the part left free.
function clearView(margin = 0) {
	const w = window.innerWidth, h = window.innerHeight;
	const side = document.getElementById('side').getBoundingClientRect();
	const p = window.matchMedia('(max-width: 600px)').matches
		? { top: side.bottom, bottom: h * 0.5, left: 0, right: 0 }
		: { top: 0, bottom: 0, left: side.right, right: 410 };
	for (const k of Object.keys(p)) p[k] += margin;
	// a window too small for both gets no padding rather than a map squeezed to nothing
	return p.top + p.bottom < h - 80 && p.left + p.right < w - 80 ? p : { top: 0, bottom: 0, left: 0, right: 0 };
}

// focus centres the map on a point in the part of it left free.
function focus(center, zoom) {
	map.jumpTo({ center, zoom, padding: clearView() });
}

// frame fits the map to a parcel, clear of the boxes over the map.
function frame(geometry) {
	const b = bounds(geometry);
	if (b) map.fitBounds(b, { padding: clearView(40), maxZoom: 19, duration: 0 });
}

// selectAt shows the parcel at a point of the map, with the features clicked there.
export async function selectAt(lngLat, here = [], found = null) {
	const point = [lngLat.lng, lngLat.lat];
	const mine = ++turn;
	const r = await getJSON(`v1/parcels/at?lon=${point[0].toFixed(8)}&lat=${point[1].toFixed(8)}`);
	if (mine !== turn) return;
	const id = r.ok ? r.body.features[0]?.id : undefined;
	if (id !== undefined) return selectParcel(id, { point, found, here });
	highlight(null);
	writeLink({ parcel: null });
	panel.show({ found, here, noParcel: r.ok, message: r.ok ? null : () => problemText(r), location: { lon: point[0], lat: point[1] } });
	describe(point, mine);
}

// pick shows a found feature (an address, a place, a street, a ward, a code): the map goes
// to it and, for a point of an address or place, the panel shows its parcel.
export function pick(f) {
	const p = f.properties;
	if (!p.label) p.label = p.plus_code ?? '';
	const at = f.geometry?.type === 'Point' ? f.geometry.coordinates : null;
	if (!at) {
		panel.show({ found: f });
		return;
	}
	marker.setLngLat(at).addTo(map);
	const area = { street: 16, ward: 14, district: 13, province: 11 }[p.kind];
	focus(at, area ?? Math.max(map.getZoom(), 18));
	if (area) {
		turn++;
		highlight(null);
		writeLink({ parcel: null });
		panel.show({ found: f });
		return;
	}
	const parcel = p.parcel_id ?? p.parcel?.id;
	if (parcel !== undefined) selectParcel(parcel, { point: at, found: f });
	else selectAt({ lng: at[0], lat: at[1] }, [], f);
}

// lookUpParcel finds a parcel by its cadastral name (ward, sheet, parcel) or its code.
export async function lookUpParcel(params) {
	const mine = ++turn;
	const r = await getJSON(`v1/parcels/lookup?${new URLSearchParams(params)}`);
	if (mine !== turn) return;
	if (!r.ok) {
		highlight(null);
		panel.show({ message: () => problemText(r) });
		return r;
	}
	marker.remove();
	await selectParcel(r.body.id, { fit: true });
	return r;
}

// search runs the search box's text as what it is (query.js): coordinates, a code or an
// address.
export async function search(text) {
	const q = readQuery(text);
	if (q.kind === 'text' && q.text === '') return;
	writeLink({ q: text.trim() });
	switch (q.kind) {
	case 'lonlat':
		return goTo(q.lon, q.lat);
	case 'projected': {
		const mine = ++turn;
		const r = await getJSON(`v1/transform?x=${q.x}&y=${q.y}&crs=${encodeURIComponent(q.crs)}`);
		if (mine !== turn) return;
		if (!r.ok) return panel.show({ message: () => problemText(r) });
		return goTo(r.body.lon, r.body.lat);
	}
	case 'parcelCode': {
		const r = await lookUpParcel({ code: q.code });
		// twelve digits may also be an address's registry code
		if (r && (r.status === 404 || r.status === 400)) return resolveCode(q.code);
		return;
	}
	case 'code':
		return resolveCode(q.code);
	}
	const mine = ++turn;
	const r = await getJSON(`v1/geocode?limit=1&q=${encodeURIComponent(q.text)}`);
	if (mine !== turn) return;
	const f = r.ok ? r.body.features[0] : undefined;
	if (f) pick(f);
	else panel.show({ message: () => (r.ok ? t('notFound') : problemText(r)) });
}

async function resolveCode(code) {
	const mine = ++turn;
	const r = await getJSON(`v1/codes/${encodeURIComponent(code)}`);
	if (mine !== turn) return;
	if (r.ok) pick(r.body);
	else panel.show({ message: () => problemText(r) });
}

// goTo centres the map on a point, marks it and shows the parcel there.
function goTo(lon, lat) {
	if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) return panel.show({ message: () => t('notFound') });
	marker.setLngLat([lon, lat]).addTo(map);
	focus([lon, lat], Math.max(map.getZoom(), 18));
	return selectAt({ lng: lon, lat });
}
