// The bandoso map viewer, a planning look-up like the city's portal: the default style with
// a layer switcher and a legend; a parcel found by ward, sheet and number, by its code, by an
// address or by coordinates, or clicked, is drawn selected and its planning information fills
// a panel that prints as a one-page report. The URL's hash keeps the view (permalink.js).
// Everything it loads comes from this server.
import { Map, NavigationControl, ScaleControl } from 'maplibre-gl';
import { applyLanguage, bilingual, lang, onLanguage, setLanguage } from './i18n.js';
import { clear, initLookup, selectAt, selectParcel, selectedParcel, selectionLayers } from './lookup.js';
import { landUseName, setLandUseNames, showing } from './panel.js';
import { mapParam, readLink, writeLink } from './permalink.js';
import { initPrint } from './print.js';
import { initSearch } from './search.js';
import { archiveParam, initArchives } from './archives.js';

const style = await (await fetch('styles/default.json')).json();
const link = readLink();
const hadPosition = link.has(mapParam);
// An archive (bandoso export) named by ?archive= is drawn in place of the live tiles, every
// source of the style from it: its layers have the live layers' names, so the style applies.
const archive = new URLSearchParams(location.search).get(archiveParam);
if (archive) {
	for (const source of Object.values(style.sources)) {
		if (source.type === 'vector') source.url = `tiles/archive/${encodeURIComponent(archive)}.json`;
	}
}

const map = new Map({ container: 'map', style, hash: mapParam });
map.addControl(new NavigationControl(), 'top-right');
map.addControl(new ScaleControl(), 'bottom-right');
// for the browser test and the console
window.bandoso = { map, selectedParcel, selectionLayers, showing };

setLandUseNames(style.metadata['bandoso:land_use_names']);
if (link.get('lang') === 'en') setLanguage('en');
else applyLanguage(document);
document.getElementById('lang').addEventListener('click', () => {
	setLanguage(lang() === 'vi' ? 'en' : 'vi');
	writeLink({ lang: lang() === 'vi' ? null : lang() });
});

// Start on the data, the TileJSON's centre, unless the link names a position.
let attribution = '';
fetch(style.sources.bandoso.url)
	.then((r) => (r.ok ? r.json() : null))
	.then((tj) => {
		attribution = tj?.attribution ?? '';
		document.getElementById('attribution').textContent = attribution;
		if (!hadPosition && !link.has('parcel') && Array.isArray(tj?.center) && tj.center.length >= 2) {
			map.jumpTo({ center: [tj.center[0], tj.center[1]], zoom: tj.center[2] ?? map.getZoom() });
		}
	})
	.catch(() => {});

// The layer switcher: one checkbox per group; a group is the style layers whose metadata names it.
const switcher = document.getElementById('switcher');
const groups = style.metadata['bandoso:groups'];
for (const g of groups) {
	const label = document.createElement('label');
	const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: true, name: g.id });
	box.addEventListener('change', () => {
		for (const l of style.layers) {
			if (l.metadata?.['bandoso:group'] === g.id) map.setLayoutProperty(l.id, 'visibility', box.checked ? 'visible' : 'none');
		}
	});
	const text = document.createElement('span');
	label.append(box, text);
	switcher.append(label);
}
// The legend: each land use's colour and name.
const legend = document.querySelector('#legend ul');
const colours = Object.entries(style.metadata['bandoso:land_use_colors']);
function labelControls() {
	for (const [i, span] of [...switcher.querySelectorAll('label span')].entries()) span.textContent = bilingual(groups[i].title);
	legend.replaceChildren(...colours.map(([code, colour]) => {
		const li = document.createElement('li');
		li.dataset.code = code;
		const sw = document.createElement('span');
		sw.className = 'swatch';
		sw.style.background = colour;
		li.append(sw, landUseName(code));
		return li;
	}));
}
labelControls();
onLanguage(labelControls);
// Small screens start with the layers folded, leaving the map to the map.
if (window.matchMedia('(max-width: 600px)').matches) document.getElementById('layers').open = false;

// Zoom and the pointer's position.
const zoomEl = document.getElementById('zoom');
const lnglatEl = document.getElementById('lnglat');
const showZoom = () => { zoomEl.textContent = `z${map.getZoom().toFixed(1)}`; };
map.on('zoom', showZoom);
map.on('load', showZoom);
map.on('mousemove', (e) => { lnglatEl.textContent = `${e.lngLat.lng.toFixed(6)}, ${e.lngLat.lat.toFixed(6)}`; });

initLookup(map);
initArchives(archive);
initSearch(map, link.get('q'));
initPrint(map, () => attribution);
document.getElementById('info-close').addEventListener('click', clear);

// Layers a parcel's planning report covers, not listed again under "here".
const reported = new Set(['parcels', 'wards', 'wards_2024', 'plans', 'planning_zones', 'road_boundaries']);

// A click selects the parcel under it, and lists the other features there.
map.on('click', (e) => {
	const seen = new Set();
	let parcel;
	const here = [];
	for (const f of map.queryRenderedFeatures(e.point)) {
		const key = `${f.sourceLayer}/${f.id}`;
		if (seen.has(key)) continue;
		seen.add(key);
		if (f.sourceLayer === 'parcels' && f.properties.parcel_no !== undefined) parcel ??= f;
		else if (f.sourceLayer) here.push({ sourceLayer: f.sourceLayer, properties: f.properties });
	}
	const point = [e.lngLat.lng, e.lngLat.lat];
	if (parcel) selectParcel(parcel.id, { point, here: here.filter((f) => !reported.has(f.sourceLayer)) });
	else selectAt(e.lngLat, here);
});

// The link's parcel, once the style can draw it.
map.once('load', () => {
	const id = link.get('parcel');
	if (id && /^\d+$/.test(id)) selectParcel(Number(id), { fit: !hadPosition });
});
