// viewer.mjs drives the viewer in headless Chromium (playwright-core) and checks what a person
// would see. The Go test api/viewer_test.go runs it against a server on the demo city:
//
//   node web/e2e/viewer.mjs <base URL> <screenshot folder> <parcel JSON>
//
// where the parcel is {"lon", "lat", "ward_code", "sheet_no", "parcel_no", "address"}: a point
// inside one parcel, and the address nearest to it as {"text", "lon", "lat"}. It prints a JSON report on stdout and exits 1 when a check fails.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changed, checkViewer, colours, decodePNG, fetchChecks, patience, share } from './browser.mjs';

const [base, outDir, parcelArg] = process.argv.slice(2);
const parcel = JSON.parse(parcelArg);

await checkViewer(base, async (viewer, check, report) => {
	const { page, idle } = viewer;
	const start = await page.evaluate(() => ({ center: window.bandoso.map.getCenter().toArray(), zoom: window.bandoso.map.getZoom() }));
	report.start = start;
	const startShot = await page.screenshot();
	writeFileSync(join(outDir, 'viewer-start.png'), startShot);
	report.startColours = colours(decodePNG(startShot));

	// The parcel at z16, where every layer group has features.
	await page.evaluate(([lon, lat]) => window.bandoso.map.jumpTo({ center: [lon, lat], zoom: 16 }), [parcel.lon, parcel.lat]);
	await idle();
	report.sourceLayers = await page.evaluate(() => {
		const counts = {};
		for (const l of ['wards', 'wards_2024', 'plans', 'planning_zones', 'road_boundaries', 'streets', 'parcels', 'addresses']) {
			counts[l] = window.bandoso.map.querySourceFeatures('bandoso', { sourceLayer: l }).length;
		}
		return counts;
	});
	for (const [l, n] of Object.entries(report.sourceLayers)) check(n > 0, `no ${l} features loaded at z16`);
	const shot = await page.screenshot();
	writeFileSync(join(outDir, 'viewer.png'), shot);
	const img = decodePNG(shot);
	report.colours = colours(img);
	check(report.colours > 50, `only ${report.colours} distinct colours on the map: blank?`);

	// Switching parcels off changes what is drawn; switching them on restores it.
	await page.uncheck('input[name=parcels]');
	await idle();
	const off = decodePNG(await page.screenshot());
	report.changedByToggle = changed(img, off);
	check(report.changedByToggle > 0.05, `switching parcels off changed only ${report.changedByToggle} of the pixels`);
	await page.check('input[name=parcels]');
	await idle();

	// Clicking the parcel shows it, under human labels, and what is at the point.
	const at = await page.evaluate(([lon, lat]) => window.bandoso.map.project([lon, lat]), [parcel.lon, parcel.lat]);
	await page.mouse.click(at.x, at.y);
	const section = page.locator('#info section[data-section=parcel]');
	await section.waitFor({ timeout: patience });
	const text = await page.locator('#info').innerText();
	report.panel = text;
	const value = (field) => page.locator(`#info [data-section=parcel] [data-field=${field}] td`).innerText();
	check((await value('ward')).includes(parcel.ward_code), `the panel lacks the parcel's ward ${parcel.ward_code}`);
	check(await value('sheet_no') === String(parcel.sheet_no) && await value('parcel_no') === String(parcel.parcel_no),
		`the panel lacks the parcel's sheet ${parcel.sheet_no} and number ${parcel.parcel_no}`);
	for (const raw of ['ward_code', 'sheet_no', 'parcel_no']) check(!text.includes(raw), `the panel shows the field name ${raw}`);
	// and the point's digital address, its wards and the parcel's planning
	const place = page.locator('#info section[data-section=address] table');
	await place.waitFor({ timeout: patience });
	report.place = await place.innerText();
	check(report.place.includes(parcel.plus_code.slice(0, 8)), `the panel's digital address lacks the plus code ${parcel.plus_code}: ${report.place}`);
	check(/^\d{4} \d{4} \d{4}$/.test(await page.locator('#info [data-section=address] [data-field=registry_code] td').innerText()),
		'the panel lacks the nearest address\'s registry code');
	check(/^1\d\.\d{7}, 10\d\.\d{7}$/.test(await page.locator('#info [data-section=location] [data-field=wgs84] td').innerText()),
		'the panel lacks the clicked point');
	for (const field of ['old_ward', 'new_ward']) {
		check(await page.locator(`#info [data-section=units] [data-field=${field}]`).count() === 1, `the panel lacks the ${field}`);
	}
	if (parcel.zone_code) {
		const zone = page.locator(`#info section[data-section=planning] table[data-zone="${parcel.zone_code}"]`);
		await zone.waitFor({ timeout: patience });
		report.planning = await page.locator('#info section[data-section=planning]').innerText();
	}
	writeFileSync(join(outDir, 'viewer-click.png'), await page.screenshot());

	// Typing an address suggests it; Enter finds it, marks it and centres the map on it.
	const addr = parcel.address;
	await page.fill('#q', addr.text.slice(0, -2));
	await page.locator('#suggestions li').first().waitFor({ timeout: patience });
	report.suggestions = await page.locator('#suggestions li').allInnerTexts();
	await page.fill('#q', addr.text);
	await page.press('#q', 'Enter');
	await page.locator('#info section[data-found=address]').waitFor({ timeout: patience });
	report.found = await page.locator('#info section[data-found]').innerText();
	check(report.found.startsWith(addr.text), `the panel names ${report.found}, not ${addr.text}`);
	const code = (field) => page.locator(`#info [data-found] [data-field=${field}] td`).innerText();
	check(/\d{4} \d{4} \d{4}/.test(await code('registry_code')) && /\S+\+\S+/.test(await code('plus_code')), 'the panel lacks the address codes');
	const centre = await page.evaluate(() => window.bandoso.map.getCenter().toArray());
	check(Math.abs(centre[0] - addr.lon) < 1e-6 && Math.abs(centre[1] - addr.lat) < 1e-6, `the map is centred on ${centre}, not on the address`);
	check(await page.locator('.maplibregl-marker').count() === 1, 'no marker on the address found');
	await idle();
	writeFileSync(join(outDir, 'viewer-search.png'), await page.screenshot());

	// Labels at z18 by the parcel: street names, house numbers and parcel numbers, drawn with
	// this server's glyphs (the Vietnamese range among them); hiding the label layers takes
	// their text off the map.
	const labelLayers = await page.evaluate(() => window.bandoso.map.getStyle().layers.filter((l) => l.type === 'symbol').map((l) => l.id));
	await page.evaluate(([lon, lat]) => window.bandoso.map.jumpTo({ center: [lon, lat], zoom: 18 }), [parcel.lon, parcel.lat]);
	await idle();
	report.labels = await page.evaluate((ids) => {
		const counts = {};
		for (const f of window.bandoso.map.queryRenderedFeatures({ layers: ids })) counts[f.layer.id] = (counts[f.layer.id] ?? 0) + 1;
		return counts;
	}, labelLayers);
	check((report.labels['streets-label'] ?? 0) + (report.labels['alleys-label'] ?? 0) > 0, `no street name drawn at z18: ${JSON.stringify(report.labels)}`);
	check(report.labels['addresses-label'] > 0, `no house number drawn at z18: ${JSON.stringify(report.labels)}`);
	check(report.labels['parcels-label'] > 0, `no parcel number drawn at z18: ${JSON.stringify(report.labels)}`);
	const labelled = await page.screenshot();
	writeFileSync(join(outDir, 'viewer-labels.png'), labelled);
	const setLabels = (visibility) => page.evaluate(([ids, v]) => {
		for (const id of ids) window.bandoso.map.setLayoutProperty(id, 'visibility', v);
	}, [labelLayers, visibility]);
	await setLabels('none');
	await idle();
	report.changedByLabels = changed(decodePNG(labelled), decodePNG(await page.screenshot()));
	check(report.changedByLabels > 0.01, `hiding the labels changed only ${report.changedByLabels} of the pixels: no text drawn?`);
	await setLabels('visible');
	await idle();
	const glyphs = viewer.responses.filter((r) => new URL(r.url).pathname.startsWith('/fonts/'));
	report.glyphs = glyphs.map((r) => `${decodeURIComponent(new URL(r.url).pathname)} ${r.status} ${r.bytes}`);
	check(glyphs.some((r) => r.status === 200 && r.type === 'application/x-protobuf' && r.bytes > 0 && r.url.endsWith('/7680-7935.pbf')),
		`the Vietnamese glyphs (7680-7935) were not fetched: ${report.glyphs.join(', ')}`);

	// With every group off the map is its bare background; with them on it is far from that.
	await page.click('#info-close');
	for (const box of await page.locator('#switcher input').all()) await box.uncheck();
	await idle();
	const blank = decodePNG(await page.screenshot());
	report.blankBackground = share(blank, [0xf3, 0xf1, 0xec]);
	report.mapBackground = share(img, [0xf3, 0xf1, 0xec]);
	report.changedFromBlank = changed(img, blank);
	check(report.blankBackground > 0.8, `the map with every group off is not bare: ${report.blankBackground} background`);
	check(report.changedFromBlank > 0.2, `the map differs from a blank one in only ${report.changedFromBlank} of the pixels`);

	// What was fetched.
	const tiles = fetchChecks(viewer, check);
	report.responses = viewer.responses.length;
	report.tiles = { total: tiles.all.length, ok: tiles.ok.length, empty: tiles.empty.length, basemap: tiles.basemap.length };
	// The demo city brings its own basemap (river, parks, buildings): its tiles are asked for
	// and those over the city hold features.
	check(tiles.basemap.some((r) => r.status === 200 && r.bytes > 0) && tiles.basemap.every((r) => r.status === 200 || r.status === 204),
		`basemap tiles of the demo city: ${JSON.stringify(tiles.basemap.map((r) => [r.status, r.bytes]))}`);
});
