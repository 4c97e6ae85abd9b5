// The bandoso map viewer: the default style, a layer switcher by group, and a panel with
// every feature under a click. Everything it loads comes from this server.
import { Map, NavigationControl, ScaleControl } from 'maplibre-gl';

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
	infoBody.replaceChildren();
	const where = document.createElement('p');
	where.className = 'lnglat';
	where.textContent = `lon, lat: ${fmtLngLat(e.lngLat)}`;
	infoBody.append(where);
	if (features.length === 0) {
		infoBody.append(Object.assign(document.createElement('p'), { textContent: 'Không có đối tượng · no feature here' }));
	}
	for (const f of features) {
		const section = document.createElement('section');
		section.dataset.layer = f.sourceLayer;
		section.append(Object.assign(document.createElement('h2'), { textContent: `${f.sourceLayer} #${f.id ?? ''}` }));
		const table = document.createElement('table');
		for (const [k, v] of Object.entries(f.properties)) {
			const tr = table.insertRow();
			tr.append(Object.assign(document.createElement('th'), { textContent: k }));
			tr.append(Object.assign(document.createElement('td'), { textContent: String(v) }));
		}
		section.append(table);
		infoBody.append(section);
	}
	info.hidden = false;
});
