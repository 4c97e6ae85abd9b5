// The search box and the sheet-and-parcel form. The box suggests addresses and places as one
// types (/v1/autocomplete, near the map's centre); ArrowDown and ArrowUp move through the
// suggestions, Enter picks the one highlighted (or searches the text when none is), Escape
// closes them. The form looks a parcel up by its old ward, map sheet (tờ) and number (thửa).
import { t } from './i18n.js';
import { lookUpParcel, onParcel, pick, search } from './lookup.js';
import { writeLink } from './permalink.js';
import { readQuery } from './query.js';

const box = document.getElementById('search');
const q = document.getElementById('q');
const list = document.getElementById('suggestions');
let map;
let typing;
let asked = 0; // suggestions asked for; an older answer is dropped
let features = [];
let active = -1;

export function initSearch(m, text) {
	map = m;
	if (text) q.value = text;
	q.addEventListener('input', () => {
		clearTimeout(typing);
		typing = setTimeout(suggest, 150);
	});
	q.addEventListener('keydown', onKey);
	q.addEventListener('blur', closeList);
	box.addEventListener('submit', (e) => {
		e.preventDefault();
		clearTimeout(typing);
		asked++;
		closeList();
		search(q.value);
	});
	initTabs();
	initParcelForm();
}

async function suggest() {
	const text = q.value.trim();
	// codes and coordinates have no suggestions: Enter looks them up
	if (text.length < 2 || readQuery(text).kind !== 'text') return closeList();
	const mine = ++asked;
	const c = map.getCenter();
	const r = await fetch(`v1/autocomplete?limit=6&lon=${c.lng.toFixed(6)}&lat=${c.lat.toFixed(6)}&q=${encodeURIComponent(text)}`).catch(() => null);
	if (!r?.ok || mine !== asked) return;
	const fc = await r.json();
	if (mine !== asked) return;
	features = fc.features;
	active = -1;
	list.replaceChildren(...features.map((f, i) => {
		const li = document.createElement('li');
		li.id = `suggestion-${i}`;
		li.setAttribute('role', 'option');
		li.setAttribute('aria-selected', 'false');
		const kind = document.createElement('span');
		kind.className = 'kind';
		kind.textContent = t('kinds')[f.properties.kind] ?? f.properties.kind;
		li.append(f.properties.label, kind);
		// mousedown, not click: the input's blur would close the list first
		li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(i); });
		return li;
	}));
	setOpen(features.length > 0);
}

function onKey(e) {
	const open = !list.hidden && features.length > 0;
	switch (e.key) {
	case 'ArrowDown':
	case 'ArrowUp':
		if (!open) return;
		e.preventDefault();
		move(e.key === 'ArrowDown' ? 1 : -1);
		break;
	case 'Enter':
		if (open && active >= 0) {
			e.preventDefault();
			choose(active);
		}
		break;
	case 'Escape':
		if (open) {
			e.preventDefault();
			closeList();
		}
		break;
	}
}

function move(step) {
	const n = features.length;
	active = active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n;
	for (const [i, li] of [...list.children].entries()) li.setAttribute('aria-selected', String(i === active));
	q.setAttribute('aria-activedescendant', `suggestion-${active}`);
	list.children[active].scrollIntoView({ block: 'nearest' });
}

function choose(i) {
	const f = features[i];
	asked++;
	clearTimeout(typing);
	q.value = f.properties.label;
	writeLink({ q: q.value });
	closeList();
	pick(f);
}

function closeList() {
	active = -1;
	setOpen(false);
}

function setOpen(open) {
	list.hidden = !open;
	q.setAttribute('aria-expanded', String(open));
	if (!open) q.removeAttribute('aria-activedescendant');
}

// The two ways of searching are tabs over one place in the box.
function initTabs() {
	const tabs = [...document.querySelectorAll('#modes [role=tab]')];
	for (const tab of tabs) {
		tab.addEventListener('click', () => {
			for (const other of tabs) {
				const on = other === tab;
				other.setAttribute('aria-selected', String(on));
				document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
			}
		});
	}
}

function initParcelForm() {
	const form = document.getElementById('parcel-form');
	const ward = document.getElementById('ward');
	const wards = document.getElementById('wards');
	// The old wards the map has loaded, by name, for the ward field to suggest; the field
	// also takes a code or a name the map has not loaded.
	ward.addEventListener('focus', () => {
		const seen = new Map();
		for (const f of map.querySourceFeatures('bandoso', { sourceLayer: 'wards_2024' })) {
			if (f.properties.code) seen.set(f.properties.code, f.properties.name);
		}
		wards.replaceChildren(...[...seen].sort((a, b) => a[1].localeCompare(b[1], 'vi')).map(([code, name]) =>
			Object.assign(document.createElement('option'), { value: code, label: name })));
	});
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		lookUpParcel({ ward: ward.value.trim(), sheet: form.sheet.value, parcel: form.parcel.value });
	});
	// The form names the parcel shown, however it was found.
	onParcel((rep) => {
		const p = rep.parcel.properties;
		ward.value = p.ward_code;
		form.sheet.value = p.sheet_no;
		form.parcel.value = p.parcel_no;
	});
}
