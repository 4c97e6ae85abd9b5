// The information panel: what was found or clicked, and the planning information of its
// parcel, with human labels in the current language. What it shows is kept in `shown` and
// drawn anew from it, so that switching language redraws it. Rows carry data-field, and
// figures their raw value in data-value, for the browser test and for anyone scraping.
import { bilingual, num, onLanguage, t } from './i18n.js';

const info = document.getElementById('info');
const body = document.getElementById('info-body');
let landUseNames = {};
let shown = null;

// setLandUseNames gives the legend's names of land-use codes ({code: {vi, en}}).
export function setLandUseNames(names) { landUseNames = names ?? {}; }

// landUseName is the name of a land-use code in the current language, with the code.
export function landUseName(code, fallback) {
	const n = landUseNames[code];
	const name = n ? bilingual(`${n.vi} · ${n.en}`) : fallback;
	return name ? `${name} (${code})` : code;
}

// show replaces the panel's content: {found, report, place, location, here, message, noParcel},
// each optional, message a function giving the text; update merges into what is shown, as later answers arrive.
export function show(content) {
	shown = { ...content };
	render();
}

export function update(more) {
	if (!shown) return;
	Object.assign(shown, more);
	render();
}

// showing is what the panel shows, or null when it is closed.
export function showing() { return shown; }

export function close() {
	shown = null;
	info.hidden = true;
}

onLanguage(() => { if (shown) render(); });

function render() {
	const s = shown;
	const parts = [];
	// a message is a function of the language, so that it follows a switch
	if (s.message) parts.push(el('p', { className: 'message', textContent: s.message() }));
	if (s.found) parts.push(foundSection(s.found));
	if (s.report) {
		parts.push(parcelSection(s.report), planningSection(s.report), roadsSection(s.report));
	} else if (s.noParcel) {
		parts.push(el('p', { className: 'message', textContent: t('noParcelHere') }));
	}
	if (s.report || s.place) parts.push(unitsSection(s.report, s.place));
	if (s.place) parts.push(addressSection(s.place));
	if (s.location) parts.push(locationSection(s.location));
	if (s.here?.length) parts.push(hereSection(s.here));
	body.replaceChildren(...parts);
	info.hidden = false;
}

function foundSection(f) {
	const p = f.properties;
	return section('found', p.label, [
		['kind', t('kind'), t('kinds')[p.kind] ?? p.kind],
		['house_number', t('houseNumber'), p.house_number],
		['street', t('road'), p.street?.name ?? p.street],
		['class', t('category'), p.class],
		['registry_code', t('registryCode'), p.codes?.registry],
		['national_code', t('nationalCode'), p.codes?.national],
		['plus_code', t('plusCode'), p.codes?.plus_code ?? p.plus_code],
	], { found: p.kind });
}

function parcelSection(rep) {
	const p = rep.parcel.properties;
	const ward = rep.ward.old ? `${rep.ward.old.name} (${rep.ward.old.code})` : p.ward_code;
	return section('parcel', t('parcelHeading', p.parcel_no, p.sheet_no), [
		['ward', t('oldWard'), ward],
		['sheet_no', t('sheet'), p.sheet_no, p.sheet_no],
		['parcel_no', t('parcel'), p.parcel_no, p.parcel_no],
		['area_m2', t('area'), m2(p.area_m2), p.area_m2],
		['map_area_m2', t('mapArea'), m2(p.map_area_m2), p.map_area_m2],
		['land_use', t('landUse'), landUseName(p.land_use, p.land_use_name)],
		['code', t('parcelCode'), p.code],
	], { level: 'h2', id: rep.parcel.id });
}

function planningSection(rep) {
	const s = section('planning', t('sectionPlanning'), []);
	if (rep.zones.length === 0) s.append(el('p', { className: 'message', textContent: t('noPlan') }));
	for (const z of rep.zones) {
		const plan = z.plan;
		s.append(table([
			['zone_code', t('zone'), z.zone_code],
			['function', t('zoneFunction'), z.function],
			['land_use', t('zoneLandUse'), landUseName(z.land_use)],
			['far', t('far'), z.far != null ? `${num(z.far)} ${t('times')}` : null, z.far],
			['density_pct', t('density'), z.density_pct != null ? `${num(z.density_pct)}%` : null, z.density_pct],
			['floors', t('floors'), z.floors_max != null ? t('floorsRange', z.floors_min, z.floors_max) : null, z.floors_max],
			['height_max_m', t('heightMax'), z.height_max_m != null ? `${num(z.height_max_m)} m` : null, z.height_max_m],
			['share_pct', t('zoneShare'), `${m2(z.overlap_m2)} · ${t('share', num(z.share_pct))}`, z.share_pct],
			['plan', t('plan'), plan?.name],
			['decision', t('decision'), plan && `${plan.decision_no} · ${plan.decision_date}`],
			['scale', t('scale'), plan?.scale],
		], { zone: z.zone_code }));
	}
	return s;
}

function roadsSection(rep) {
	const s = section('roads', t('sectionRoads'), []);
	if (rep.roads.length === 0) s.append(el('p', { className: 'message', textContent: t('noRoad') }));
	for (const r of rep.roads) {
		s.append(table([
			['street', t('road'), r.street],
			['width_m', t('roadWidth'), `${num(r.width_m)} m`, r.width_m],
			['share_pct', t('reserveArea'), `${m2(r.reserve_area_m2)} · ${t('share', num(r.share_pct))}`, r.share_pct],
			['frontage_m', t('frontage'), `${num(r.frontage_m)} m`, r.frontage_m],
		], { road: r.id }));
	}
	return s;
}

function unitsSection(rep, place) {
	const p = place?.place ?? {};
	const old = rep?.ward.old ?? p.old_ward;
	const news = rep?.ward.new.length ? rep.ward.new : p.ward ? [p.ward] : [];
	return section('units', t('sectionUnits'), [
		['old_ward', t('oldWard'), old && `${old.name} (${old.code})`],
		['old_district', t('oldDistrict'), p.old_district?.name],
		['new_ward', t('newWard'), news.map((w) => `${w.name} (${w.code})` + (news.length > 1 && w.share_pct != null ? ` · ${num(w.share_pct)}%` : '')).join('; ')],
		['province', t('province'), p.province?.name],
	]);
}

function addressSection(place) {
	const near = place.near?.properties;
	const p = place.place ?? {};
	return section('address', t('sectionAddress'), [
		['nearest_address', t('nearestAddress'), near && `${near.label} (${num(near.distance_m, 0)} m)`],
		['registry_code', t('registryCode'), near?.codes?.registry],
		['national_code', t('nationalCode'), near?.codes?.national],
		['plus_code', t('plusCode'), p.plus_code],
		['street', t('street'), p.street?.name],
	]);
}

function locationSection(loc) {
	return section('location', t('sectionLocation'), [
		['wgs84', t('wgs84'), `${loc.lat.toFixed(7)}, ${loc.lon.toFixed(7)}`],
		['vn2000', t('vn2000'), loc.x != null ? `X ${loc.y.toFixed(2)} · Y ${loc.x.toFixed(2)}` : null],
	]);
}

function hereSection(features) {
	const s = section('here', t('sectionHere'), []);
	for (const f of features) {
		const p = f.properties;
		const sub = el('section', {});
		sub.dataset.layer = f.sourceLayer;
		sub.append(el('h3', { textContent: t('layerNames')[f.sourceLayer] ?? f.sourceLayer }), table([
			['name', t('name'), p.name ?? p.street_name],
			['kind', t('kind'), p.class ?? p.kind],
			['category', t('category'), p.category],
			['house_number', t('houseNumber'), p.house_number],
			['code', t('registryCode'), p.code],
			['zone_code', t('zone'), p.zone_code],
			['function', t('zoneFunction'), p.function_name],
			['width_m', t('roadWidth'), p.width_m != null ? `${num(p.width_m)} m` : null],
			['decision', t('decision'), p.decision_no],
		]));
		s.append(sub);
	}
	return s;
}

function m2(v) { return `${num(v)} m²`; }

// section is a titled part of the panel holding a table of rows; see table.
function section(name, title, rows, { level = 'h3', found, id } = {}) {
	const s = el('section', {});
	s.dataset.section = name;
	if (found) s.dataset.found = found;
	if (id !== undefined) s.dataset.id = id;
	s.append(el(level, { textContent: title }));
	if (rows.length) s.append(table(rows));
	return s;
}

// table lists rows [field, label, text, value?], leaving out those without text; value, a
// number, goes into the cell's data-value.
function table(rows, data = {}) {
	const tb = el('table', {});
	Object.assign(tb.dataset, data);
	for (const [field, label, text, value] of rows) {
		if (text === undefined || text === null || text === '') continue;
		const tr = tb.insertRow();
		tr.dataset.field = field;
		const td = el('td', { textContent: String(text) });
		if (value !== undefined && value !== null) td.dataset.value = String(value);
		tr.append(el('th', { textContent: label }), td);
	}
	return tb;
}

function el(tag, props) { return Object.assign(document.createElement(tag), props); }
