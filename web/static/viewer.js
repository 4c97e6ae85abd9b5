// The bandoso map viewer: the default style, a layer switcher by group, an address search
// box, and a panel with every feature under a click. Everything it loads comes from this server.
import { Map, Marker, NavigationControl, ScaleControl } from 'maplibre-gl';

const styleURL = 'styles/default.json';
const style = await (await fetch(styleURL)).json();
const groups = style.metadata['bandoso:groups'];
const hadPosition = location.hash.length > 1;

const map = new Map({ container: 'map', style, hash: true });
map.addControl(new NavigationControl(), 'top-right');
map.addControl(new ScaleControl(), 'bottom-right');
// for the browser test and the console
window.bandoso = { map };

// Start on the data: the TileJSON's centre, unless the URL names a position.
if (!hadPosition) {
	fetch(style.sources.bandoso.url)
		.then((r) => (r.ok ? r.json() : null))
		.then((tj) => {
			if (tj && Array.isArray(tj.center) && tj.center.length >= 2) {
				map.jumpTo({ center: [tj.center[0], tj.center[1]], zoom: tj.center[2] ?? map.getZoom() });
			}
		})
		.catch(() => {});
}

// The layer switcher: one checkbox per group; a group is the style layers whose metadata names it.
const switcher = document.getElementById('switcher');
for (const g of groups) {
	const label = document.createElement('label');
	const box = document.createElement('input');
	box.type = 'checkbox';
	box.checked = true;
	box.name = g.id;
	box.addEventListener('change', () => {
		for (const l of style.layers) {
			if (l.metadata?.['bandoso:group'] === g.id) {
				map.setLayoutProperty(l.id, 'visibility', box.checked ? 'visible' : 'none');
			}
		}
	});
	label.append(box, ' ', g.title);
	switcher.append(label);
}

const legend = document.querySelector('#legend ul');
for (const [code, colour] of Object.entries(style.metadata['bandoso:land_use_colors'])) {
	const li = document.createElement('li');
	const sw = document.createElement('span');
	sw.className = 'swatch';
	sw.style.background = colour;
	li.append(sw, code);
	legend.append(li);
}

// Zoom and the pointer's position.
const zoomEl = document.getElementById('zoom');
const lnglatEl = document.getElementById('lnglat');
const showZoom = () => { zoomEl.textContent = `z${map.getZoom().toFixed(1)}`; };
map.on('zoom', showZoom);
map.on('load', showZoom);
map.on('mousemove', (e) => { lnglatEl.textContent = fmtLngLat(e.lngLat); });

function fmtLngLat(ll) {
	return `${ll.lng.toFixed(6)}, ${ll.lat.toFixed(6)}`;
}

// Click: every feature under the point, each with its layer and attributes.
const info = document.getElementById('info');
const infoBody = document.getElementById('info-body');
document.getElementById('info-close').addEventListener('click', () => { info.hidden = true; });
map.on('click', (e) => {
	const seen = new Set();
	const features = [];
	for (const f of map.queryRenderedFeatures(e.point)) {
		const key = `${f.sourceLayer}/${f.id}`;
		if (!seen.has(key)) {
			seen.add(key);
			features.push(f);
		}
	}
	const where = document.createElement('p');
	where.className = 'lnglat';
	where.textContent = `lon, lat: ${fmtLngLat(e.lngLat)}`;
	const children = [where];
	if (features.length === 0) {
		children.push(Object.assign(document.createElement('p'), { textContent: 'Không có đối tượng · no feature here' }));
	}
	const place = document.createElement('section');
	place.dataset.place = '';
	children.push(place);
	let planning;
	for (const f of features) {
		const section = document.createElement('section');
		section.dataset.layer = f.sourceLayer;
		section.append(Object.assign(document.createElement('h2'), { textContent: `${f.sourceLayer} #${f.id ?? ''}` }), table(f.properties));
		children.push(section);
		if (f.sourceLayer === 'parcels' && f.id !== undefined && !planning) {
			planning = document.createElement('section');
			planning.dataset.planning = '';
			children.push(planning);
			fillPlanning(planning, f.id);
		}
	}
	showPanel(children);
	fillPlace(place, e.lngLat);
});

// fillPlace describes the clicked point's digital address: its plus code, the nearest
// registered address with its codes, and the wards, new and old, that hold it.
async function fillPlace(section, ll) {
	const r = await fetch(`v1/reverse?limit=1&lon=${ll.lng.toFixed(7)}&lat=${ll.lat.toFixed(7)}`);
	if (!r.ok) return;
	const fc = await r.json();
	const placeF = fc.features.find((f) => f.properties.kind === 'place');
	const near = fc.features.find((f) => f.properties.kind !== 'place');
	const p = placeF?.properties ?? {};
	const rows = {
		plus_code: p.plus_code, ward: p.ward?.name, old_ward: p.old_ward?.name, old_district: p.old_district?.name,
		province: p.province?.name, street: p.street?.name,
		nearest_address: near && `${near.properties.label} (${near.properties.distance_m} m)`,
		registry_code: near?.properties.codes?.registry,
	};
	section.append(Object.assign(document.createElement('h2'), { textContent: 'Địa chỉ số · digital address' }), table(rows));
}

// fillPlanning lists the planning zones a parcel lies in, with their rules and the share of
// the parcel in each, and the area inside road reserves.
async function fillPlanning(section, id) {
	const r = await fetch(`v1/parcels/${id}/planning`);
	if (!r.ok) return;
	const report = await r.json();
	section.append(Object.assign(document.createElement('h2'), { textContent: 'Quy hoạch · planning' }));
	for (const z of report.zones) {
		section.append(table({
			zone: `${z.zone_code} · ${z.function}`, land_use: z.land_use, far: z.far, density_pct: z.density_pct,
			floors: z.floors_max != null ? `${z.floors_min ?? 0}–${z.floors_max}` : null,
			share_pct: z.share_pct, plan: `${z.plan.name} (${z.plan.decision_no})`,
		}));
	}
	for (const road of report.roads) {
		section.append(table({ road_reserve: `${road.street} ${road.width_m} m`, reserve_area_m2: road.reserve_area_m2 }));
	}
	if (report.zones.length === 0 && report.roads.length === 0) {
		section.append(Object.assign(document.createElement('p'), { textContent: 'Chưa có quy hoạch · no plan covers it' }));
	}
}

// table lists the keys and values of obj, leaving out those without a value.
function table(obj) {
	const t = document.createElement('table');
	for (const [k, v] of Object.entries(obj)) {
		if (v === undefined || v === null || v === '') continue;
		const tr = t.insertRow();
		tr.append(Object.assign(document.createElement('th'), { textContent: k }));
		tr.append(Object.assign(document.createElement('td'), { textContent: String(v) }));
	}
	return t;
}

function showPanel(children) {
	infoBody.replaceChildren(...children);
	info.hidden = false;
}

// Address search: suggestions while typing (/v1/autocomplete, near the map's centre), the
// best candidate on Enter (/v1/geocode); the answer is marked and described in the panel.
const search = document.getElementById('search');
const q = document.getElementById('q');
const suggestions = document.getElementById('suggestions');
let typing;
let marker;
q.addEventListener('input', () => {
	clearTimeout(typing);
	typing = setTimeout(suggest, 150);
});
async function suggest() {
	const text = q.value.trim();
	if (text.length < 2) {
		suggestions.hidden = true;
		return;
	}
	const c = map.getCenter();
	const r = await fetch(`v1/autocomplete?limit=6&lon=${c.lng.toFixed(6)}&lat=${c.lat.toFixed(6)}&q=${encodeURIComponent(text)}`);
	if (!r.ok || text !== q.value.trim()) return;
	const fc = await r.json();
	suggestions.replaceChildren(...fc.features.map((f) => {
		const li = document.createElement('li');
		li.setAttribute('role', 'option');
		li.append(f.properties.label, Object.assign(document.createElement('span'), { className: 'kind', textContent: f.properties.kind }));
		li.addEventListener('click', () => showFound(f));
		return li;
	}));
	suggestions.hidden = fc.features.length === 0;
}
search.addEventListener('submit', async (e) => {
	e.preventDefault();
	clearTimeout(typing);
	const r = await fetch(`v1/geocode?limit=1&q=${encodeURIComponent(q.value.trim())}`);
	const fc = r.ok ? await r.json() : { features: [] };
	if (fc.features.length > 0) {
		showFound(fc.features[0]);
	} else {
		showPanel([Object.assign(document.createElement('p'), { textContent: 'Không tìm thấy · not found' })]);
	}
});
function showFound(f) {
	suggestions.hidden = true;
	const at = f.geometry.coordinates;
	marker = marker ?? new Marker({ color: '#c0392b' });
	marker.setLngLat(at).addTo(map);
	map.jumpTo({ center: at, zoom: Math.max(map.getZoom(), 17) });
	const p = f.properties;
	const rows = {
		kind: p.kind, score: p.score, category: p.category, class: p.class, house_number: p.house_number, street: p.street,
		ward: p.ward?.name, old_ward: p.old_ward?.name, old_district: p.old_district?.name, province: p.province?.name,
		registry_code: p.codes?.registry, national_code: p.codes?.national, plus_code: p.codes?.plus_code,
	};
	const section = document.createElement('section');
	section.dataset.found = p.kind;
	section.append(Object.assign(document.createElement('h2'), { textContent: p.label }), table(rows));
	showPanel([section]);
}
