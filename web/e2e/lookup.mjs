// lookup.mjs drives the viewer's planning look-up in headless Chromium (playwright-core) and
// checks what a person would see. The Go test api/viewer_lookup_test.go runs it against a
// server on the demo city:
//
//   node web/e2e/lookup.mjs <base URL> <screenshot folder> <places JSON>
//
// where places is {"clicked": parcel, "other": parcel, "address": text}, each parcel
// {"id", "ward", "sheet", "number", "code", "lon", "lat", "x", "y"} with a point inside it in
// WGS 84 (lon, lat) and VN-2000 / TM-3 EPSG:9210 (x easting, y northing); the clicked one has
// planning zones and a road reserve. It prints a JSON report on stdout and exits 1 when a
// check fails. Every wait is on a condition, for as long as patience.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkViewer, patience } from './browser.mjs';

const [base, outDir, placesArg] = process.argv.slice(2);
const { clicked, other, address } = JSON.parse(placesArg);

// Vietnamese figures as the panel writes them: 1.234,5
const vi = (v) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(v);

await checkViewer(base, async (viewer, check, report) => {
	const { page } = viewer;
	await clickParcel(viewer, check, report);
	await permalink(viewer, check, report);
	await sheetAndParcel(viewer, check, report);
	await searches(viewer, check, report);
	await keyboardSuggestions(viewer, check, report);
	await printReport(viewer, check, report);
	await layout(viewer, check, report);
	check(viewer.pageErrors.length === 0, `page errors: ${viewer.pageErrors.join(' | ')}`);
	check(viewer.outside.length === 0, `requests outside ${viewer.origin}: ${viewer.outside.join(', ')}`);
	const failed = viewer.responses.filter((r) => r.status >= 500);
	check(failed.length === 0, `server errors: ${JSON.stringify(failed)}`);
	report.url = page.url();
});

// until waits for fn(arg) in the page to be true.
function until(page, fn, arg) {
	return page.waitForFunction(fn, arg, { timeout: patience });
}

// shown waits until the panel shows parcel id, selected on the map, and the map has drawn it.
async function shown({ page, idle }, id) {
	await until(page, (id) => window.bandoso.selectedParcel() === id &&
		document.querySelector(`#info [data-section=parcel][data-id="${id}"]`) !== null, id);
	await idle();
}

// cell is the text and data-value of a panel row: section, then field, within an optional
// table selector.
function cell(page, section, field, table = '') {
	return page.evaluate(([section, field, table]) => {
		const td = document.querySelector(`#info [data-section=${section}] ${table} [data-field=${field}] td`);
		return td && { text: td.textContent, value: td.dataset.value };
	}, [section, field, table]);
}

// A click on a parcel selects it: the selection layers draw it and nothing else, and the
// panel shows the planning API's figures for it, with human labels.
async function clickParcel(viewer, check, report) {
	const { page, idle } = viewer;
	await page.evaluate(([lon, lat]) => window.bandoso.map.jumpTo({ center: [lon, lat], zoom: 18 }), [clicked.lon, clicked.lat]);
	await idle();
	const at = await page.evaluate(([lon, lat]) => window.bandoso.map.project([lon, lat]), [clicked.lon, clicked.lat]);
	await page.mouse.click(at.x, at.y);
	await shown(viewer, clicked.id);
	const drawn = await page.evaluate(() => window.bandoso.map.queryRenderedFeatures({ layers: window.bandoso.selectionLayers }).map((f) => f.id));
	report.highlighted = [...new Set(drawn)];
	check(drawn.length > 0 && drawn.every((id) => id === clicked.id), `the selection layers draw ${JSON.stringify(report.highlighted)}, want parcel ${clicked.id}`);
	writeFileSync(join(outDir, 'lookup-click.png'), await page.screenshot());

	const api = await (await fetch(`${base}/v1/parcels/${clicked.id}/planning`)).json();
	const p = api.parcel.properties;
	const want = [
		['parcel', 'sheet_no', p.sheet_no], ['parcel', 'parcel_no', p.parcel_no], ['parcel', 'area_m2', p.area_m2],
		['parcel', 'map_area_m2', p.map_area_m2],
	];
	for (const z of api.zones) {
		const tb = `[data-zone="${z.zone_code}"]`;
		want.push(['planning', 'far', z.far, tb], ['planning', 'density_pct', z.density_pct, tb], ['planning', 'floors', z.floors_max, tb],
			['planning', 'height_max_m', z.height_max_m, tb], ['planning', 'share_pct', z.share_pct, tb]);
	}
	for (const r of api.roads) {
		const tb = `[data-road="${r.id}"]`;
		want.push(['roads', 'width_m', r.width_m, tb], ['roads', 'share_pct', r.share_pct, tb], ['roads', 'frontage_m', r.frontage_m, tb]);
	}
	report.figures = 0;
	for (const [section, field, value, table] of want) {
		if (value === null || value === undefined) continue;
		const c = await cell(page, section, field, table);
		report.figures++;
		check(c && Number(c.value) === value, `panel ${section} ${table ?? ''} ${field}: ${JSON.stringify(c)}, the API says ${value}`);
		check(c && c.text.includes(vi(value)), `panel ${section} ${table ?? ''} ${field} reads ${JSON.stringify(c?.text)}, not ${vi(value)}`);
	}
	// names, not codes or field names
	const landUse = await cell(page, 'parcel', 'land_use');
	check(landUse?.text === `${p.land_use_name} (${p.land_use})`, `land use reads ${JSON.stringify(landUse)}, want ${p.land_use_name}`);
	const zone = api.zones[0];
	const fn = await cell(page, 'planning', 'function', `[data-zone="${zone.zone_code}"]`);
	check(fn?.text === zone.function, `zone function reads ${JSON.stringify(fn)}, want ${zone.function}`);
	const road = await cell(page, 'roads', 'street', `[data-road="${api.roads[0].id}"]`);
	check(road?.text === api.roads[0].street, `road reads ${JSON.stringify(road)}`);
	const text = await page.locator('#info').innerText();
	for (const raw of ['ward_code', 'sheet_no', 'parcel_no', 'land_use', 'density_pct', 'share_pct', 'reserve_area_m2']) {
		check(!text.includes(raw), `the panel shows the field name ${raw}`);
	}
	// old and new units, the digital address and the point in VN-2000, once they come
	await until(page, () => document.querySelector('#info [data-section=address] [data-field=registry_code]') &&
		document.querySelector('#info [data-section=location] [data-field=vn2000]'));
	const oldWard = await cell(page, 'units', 'old_ward');
	check(oldWard?.text === `${api.ward.old.name} (${api.ward.old.code})`, `old ward reads ${JSON.stringify(oldWard)}`);
	const newWard = await cell(page, 'units', 'new_ward');
	check(api.ward.new.every((w) => newWard?.text.includes(w.name)), `new ward reads ${JSON.stringify(newWard)}`);
	const code = await cell(page, 'address', 'registry_code');
	check(/^\d{4} \d{4} \d{4}$/.test(code?.text ?? ''), `registry code reads ${JSON.stringify(code)}`);
	const tr = await (await fetch(`${base}/v1/transform?lon=${clicked.lon}&lat=${clicked.lat}&to=EPSG:9210`)).json();
	const vn = await cell(page, 'location', 'vn2000');
	report.vn2000 = vn?.text;
	check(vn?.text === `X ${tr.y.toFixed(2)} · Y ${tr.x.toFixed(2)}`, `VN-2000 reads ${JSON.stringify(vn)}, the API says X ${tr.y} Y ${tr.x}`);
	check(Math.abs(tr.x - clicked.x) < 0.01 && Math.abs(tr.y - clicked.y) < 0.01, `the API's VN-2000 point ${tr.x}, ${tr.y} is not PostGIS's ${clicked.x}, ${clicked.y}`);
}

// The link restores the parcel, the map's position and the language in a new page.
async function permalink(viewer, check, report) {
	const { page } = viewer;
	await page.click('#lang');
	await until(page, () => document.querySelector('#info [data-section=parcel] h2')?.textContent.startsWith('Parcel '));
	const url = page.url();
	report.permalink = url;
	const link = new URLSearchParams(new URL(url).hash.slice(1));
	check(link.get('parcel') === String(clicked.id) && link.get('lang') === 'en' && link.has('map'), `the link ${url} lacks the parcel, language or position`);
	const again = await page.context().newPage();
	try {
		await again.goto(url);
		await until(again, () => window.bandoso?.map?.loaded());
		await shown({ page: again, idle: () => idleOf(again) }, clicked.id);
		const heading = await again.locator('#info [data-section=parcel] h2').innerText();
		check(heading === `Parcel ${clicked.number}, map sheet ${clicked.sheet}`, `the reopened panel reads ${heading}`);
		const drawn = await again.evaluate(() => window.bandoso.map.queryRenderedFeatures({ layers: window.bandoso.selectionLayers }).map((f) => f.id));
		check(drawn.length > 0 && drawn.every((id) => id === clicked.id), `the reopened map draws ${JSON.stringify([...new Set(drawn)])} selected`);
		const [zoom, lat, lon] = link.get('map').split('/').map(Number);
		const view = await again.evaluate(() => ({ c: window.bandoso.map.getCenter(), z: window.bandoso.map.getZoom() }));
		check(Math.abs(view.z - zoom) < 0.01 && Math.abs(view.c.lat - lat) < 1e-5 && Math.abs(view.c.lng - lon) < 1e-5,
			`the reopened map is at ${JSON.stringify(view)}, the link says ${link.get('map')}`);
		writeFileSync(join(outDir, 'lookup-permalink.png'), await again.screenshot());
	} finally {
		await again.close();
	}
	await page.click('#lang');
	await until(page, () => document.documentElement.lang === 'vi');
}

// idleOf waits until the map of a page has drawn everything it has asked for.
function idleOf(page) {
	return page.evaluate((ms) => new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the map did not become idle in ${ms / 1000} s`)), ms);
		window.bandoso.map.once('idle', () => { clearTimeout(timer); resolve(); });
		window.bandoso.map.triggerRepaint();
	}), patience);
}

// The sheet-and-parcel form finds a parcel by its old ward's code, its sheet and its number.
async function sheetAndParcel(viewer, check, report) {
	const { page } = viewer;
	await page.click('#tab-parcel');
	await page.fill('#ward', other.ward);
	await page.fill('#sheet', String(other.sheet));
	await page.fill('#parcel', String(other.number));
	await page.click('#parcel-form button[type=submit]');
	await shown(viewer, other.id);
	const code = await cell(page, 'parcel', 'code');
	check(code?.text === other.code, `the form found parcel code ${JSON.stringify(code)}, want ${other.code}`);
	const drawn = await page.evaluate(() => window.bandoso.map.queryRenderedFeatures({ layers: window.bandoso.selectionLayers }).map((f) => f.id));
	check(drawn.length > 0 && drawn.every((id) => id === other.id), `after the form the map draws ${JSON.stringify([...new Set(drawn)])} selected`);
	report.formLink = page.url();
	check(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('parcel') === String(other.id), `the link ${page.url()} does not name parcel ${other.id}`);
	writeFileSync(join(outDir, 'lookup-form.png'), await page.screenshot());
	await page.click('#tab-search');
}

// The search box finds a parcel by its code, by WGS 84 coordinates and by VN-2000 ones.
async function searches(viewer, check, report) {
	const { page } = viewer;
	report.searches = {};
	for (const [text, want] of [
		[other.code, other],
		[`${clicked.lat.toFixed(7)}, ${clicked.lon.toFixed(7)}`, clicked],
		[`X ${other.y.toFixed(2)} Y ${other.x.toFixed(2)}`, other],
		[`${clicked.x.toFixed(2)}, ${clicked.y.toFixed(2)}`, clicked],
	]) {
		await page.fill('#q', text);
		await page.press('#q', 'Enter');
		try {
			await shown(viewer, want.id);
			report.searches[text] = want.id;
		} catch (e) {
			check(false, `searching ${text}: parcel ${want.id} not shown (${e.message.split('\n')[0]})`);
		}
	}
}

// Suggestions follow the keyboard: ArrowDown and ArrowUp move, Escape closes, Enter picks the
// highlighted suggestion, not a new geocode of the text.
async function keyboardSuggestions(viewer, check, report) {
	const { page, responses } = viewer;
	const typed = address.slice(0, -2);
	await page.fill('#q', typed);
	const items = page.locator('#suggestions li');
	await items.first().waitFor({ timeout: patience });
	await page.press('#q', 'Escape');
	check(await page.locator('#suggestions').isHidden(), 'Escape left the suggestions open');
	await page.fill('#q', address.slice(0, -1));
	await page.fill('#q', typed);
	await until(page, () => !document.getElementById('suggestions').hidden && document.querySelectorAll('#suggestions li').length > 0);
	const kinds = await page.locator('#suggestions li .kind').allInnerTexts();
	report.suggestions = await items.allInnerTexts();
	// the second address: a geocode of the text would answer the best one, the first
	const addresses = kinds.flatMap((k, i) => (k === 'địa chỉ' ? [i] : []));
	check(addresses.length >= 2, `only ${addresses.length} address suggestions for ${typed}: ${JSON.stringify(report.suggestions)}`);
	const target = addresses[1] ?? addresses[0] ?? 0;
	for (let i = 0; i <= target; i++) await page.press('#q', 'ArrowDown');
	await page.press('#q', 'ArrowDown');
	await page.press('#q', 'ArrowUp');
	const selected = await page.evaluate(() => [...document.querySelectorAll('#suggestions li')].findIndex((li) => li.getAttribute('aria-selected') === 'true'));
	check(selected === target, `the highlighted suggestion is ${selected}, want ${target}`);
	const label = await page.evaluate((i) => document.querySelectorAll('#suggestions li')[i].firstChild.textContent, target);
	const before = responses.length;
	await page.press('#q', 'Enter');
	await until(page, (label) => document.querySelector('#info [data-section=found] h3')?.textContent === label &&
		document.querySelector('#info [data-section=planning]'), label);
	report.picked = label;
	const geocodes = responses.slice(before).filter((r) => new URL(r.url).pathname === '/v1/geocode');
	check(geocodes.length === 0, `Enter on a suggestion ran a geocode: ${JSON.stringify(geocodes)}`);
	check(await page.locator('#suggestions').isHidden() && await page.inputValue('#q') === label, 'the suggestion list stays open or the box lacks the pick');
	check(await page.locator('.maplibregl-marker').count() === 1, 'no marker on the address picked');
	writeFileSync(join(outDir, 'lookup-address.png'), await page.screenshot());
}

// The Print button prints the panel alone, on one A4 page, with a picture of the map.
async function printReport(viewer, check, report) {
	const { page } = viewer;
	await page.evaluate(() => { window.print = () => { window.printed = true; }; });
	await page.click('#print');
	await until(page, () => window.printed === true);
	const picture = await page.evaluate(() => document.getElementById('print-map').getAttribute('src') ?? '');
	check(picture.startsWith('data:image/jpeg') && picture.length > 5000, `the report's map picture is ${picture.slice(0, 40)}… (${picture.length} bytes)`);
	await page.emulateMedia({ media: 'print' });
	const visible = await page.evaluate(() => Object.fromEntries(['#map', '#side', '#info', '#report-head', '#info-body', '#print-map']
		.map((s) => [s, getComputedStyle(document.querySelector(s)).display !== 'none'])));
	report.printed = visible;
	check(!visible['#map'] && !visible['#side'] && visible['#info'] && visible['#report-head'] && visible['#print-map'], `printed: ${JSON.stringify(visible)}`);
	const pdf = await page.pdf({ format: 'A4', printBackground: true });
	await page.emulateMedia({ media: 'screen' });
	writeFileSync(join(outDir, 'lookup-report.pdf'), pdf);
	// each page is an object of type /Page (PDF 1.7 §7.7.3.3)
	report.reportPages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
	check(report.reportPages === 1, `the report takes ${report.reportPages} pages`);
}

// On a desktop and on a 390 px phone nothing overlaps: the search box, its suggestions, the
// layer switcher and the panel keep apart and clear of the zoom buttons, within the screen,
// and no text overflows its box; the suggestions push the switcher down rather than cover it.
async function layout(viewer, check, report) {
	const { page } = viewer;
	report.layout = {};
	for (const [width, height] of [[1024, 768], [390, 844]]) {
		await page.setViewportSize({ width, height });
		await page.reload();
		await until(page, () => window.bandoso?.map?.loaded());
		if (await page.locator('#layers').getAttribute('open') === null) await page.click('#layers summary');
		await page.fill('#q', address.slice(0, -2));
		await until(page, () => !document.getElementById('suggestions').hidden && document.querySelectorAll('#suggestions li').length > 0);
		const open = await boxes(page);
		writeFileSync(join(outDir, `lookup-${width}-suggestions.png`), await page.screenshot());
		await page.press('#q', 'ArrowDown');
		await page.press('#q', 'Enter');
		await until(page, () => document.querySelector('#info [data-section=planning]') && !document.getElementById('info').hidden);
		const picked = await boxes(page);
		writeFileSync(join(outDir, `lookup-${width}.png`), await page.screenshot());
		report.layout[width] = { open, picked };
		const apart = (a, b) => !a || !b || a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
		for (const [when, bx] of [['suggestions open', open], ['a suggestion picked', picked]]) {
			for (const [a, b] of [['suggestions', 'switcher'], ['suggestions', 'info'], ['switcher', 'info'], ['side', 'info'],
				['side', 'controls'], ['info', 'controls'], ['search', 'switcher']]) {
				check(apart(bx[a], bx[b]), `${width} px, ${when}: ${a} ${JSON.stringify(bx[a])} overlaps ${b} ${JSON.stringify(bx[b])}`);
			}
			for (const name of ['side', 'info', 'search']) {
				const r = bx[name];
				check(r && r.left >= 0 && r.right <= width && r.top >= 0 && r.bottom <= height, `${width} px, ${when}: ${name} ${JSON.stringify(r)} is not on the screen`);
			}
			check(bx.overflowing.length === 0, `${width} px, ${when}: text overflows ${JSON.stringify(bx.overflowing)}`);
		}
		check(open.suggestions && open.switcherBelow, `${width} px: suggestions ${JSON.stringify(open.suggestions)} do not push the switcher down`);
		check(picked.switcher, `${width} px: the layer switcher is not shown once a suggestion is picked`);
	}
}

// boxes are the viewer's boxes as seen on the screen: a part of the search box is cut to what
// the box shows of it (it scrolls), and is absent when hidden or scrolled away. overflowing
// lists the elements whose content is wider than they are.
function boxes(page) {
	return page.evaluate(() => {
		const side = document.getElementById('side').getBoundingClientRect();
		const rect = (sel) => {
			const el = document.querySelector(sel);
			if (!el || el.closest('[hidden]') || el.getClientRects().length === 0) return null;
			let { left, top, right, bottom } = el.getBoundingClientRect();
			if (el !== document.getElementById('side') && el.closest('#side')) {
				top = Math.max(top, side.top);
				bottom = Math.min(bottom, side.bottom);
			}
			return bottom > top ? { left, top, right, bottom } : null;
		};
		const overflowing = [...document.querySelectorAll('#side, #side label, #side li, #info, #info td, #info th')]
			.filter((el) => el.scrollWidth > el.clientWidth + 1)
			.map((el) => `${el.tagName.toLowerCase()}#${el.id} ${el.textContent.slice(0, 40)}`);
		const list = document.getElementById('suggestions').getBoundingClientRect();
		const switcher = document.getElementById('switcher').getBoundingClientRect();
		return { side: rect('#side'), search: rect('#q'), suggestions: rect('#suggestions'), switcher: rect('#switcher'),
			info: rect('#info'), controls: rect('.maplibregl-ctrl-top-right .maplibregl-ctrl'), overflowing,
			switcherBelow: list.height > 0 && list.bottom <= switcher.top };
	});
}
