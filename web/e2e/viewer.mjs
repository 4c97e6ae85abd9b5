// viewer.mjs drives the viewer in headless Chromium (playwright-core) and checks what a person
// would see. The Go test api/viewer_test.go runs it against a server on the demo city:
//
//   node web/e2e/viewer.mjs <base URL> <screenshot folder> <parcel JSON>
//
// where the parcel is {"lon", "lat", "ward_code", "sheet_no", "parcel_no", "address"}: a point
// inside one parcel, and the address nearest to it as {"text", "lon", "lat"}. It prints a JSON report on stdout and exits 1 when a check fails.
import { chromium } from 'playwright-core';
import { inflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, outDir, parcelArg] = process.argv.slice(2);
const parcel = JSON.parse(parcelArg);
const origin = new URL(base).origin;
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const browser = await chromium.launch({
	executablePath: process.env.BANDOSO_CHROMIUM || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-background-networking'],
});
const report = { responses: 0 };
try {
	const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	const outside = [];
	const pageErrors = [];
	const responses = [];
	// Nothing may leave the server's origin: note it, and refuse it so the test stays offline.
	await context.route('**/*', (route) => {
		const u = new URL(route.request().url());
		if (u.origin === origin || u.protocol === 'blob:' || u.protocol === 'data:') return route.continue();
		outside.push(u.href);
		return route.abort();
	});
	page.on('pageerror', (e) => pageErrors.push(String(e)));
	page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
	context.on('response', async (res) => {
		let bytes = 0;
		try { bytes = (await res.body()).length; } catch { /* redirects and aborted requests have none */ }
		responses.push({ url: res.url(), status: res.status(), type: res.headers()['content-type'] ?? '', bytes });
	});

	// idle waits until the map has drawn everything it has asked for.
	const idle = () => page.evaluate(() => new Promise((resolve, reject) => {
		const map = window.bandoso.map;
		const timer = setTimeout(() => reject(new Error('the map did not become idle in 20 s')), 20000);
		map.once('idle', () => { clearTimeout(timer); resolve(); });
		map.triggerRepaint();
	}));

	await page.goto(base + '/');
	await page.waitForFunction(() => window.bandoso?.map?.loaded());
	await idle();
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

	// Clicking the parcel shows its attributes.
	const at = await page.evaluate(([lon, lat]) => window.bandoso.map.project([lon, lat]), [parcel.lon, parcel.lat]);
	await page.mouse.click(at.x, at.y);
	const section = page.locator('#info section[data-layer=parcels]');
	await section.first().waitFor({ timeout: 5000 });
	const text = await page.locator('#info').innerText();
	report.panel = text;
	for (const k of ['ward_code', 'sheet_no', 'parcel_no']) {
		check(text.includes(String(parcel[k])), `the panel lacks the parcel's ${k} ${parcel[k]}`);
	}
	check(/lon, lat: 1\d\d\.\d{6}, \d+\.\d{6}/.test(text), 'the panel lacks the clicked point');
	for (const layer of ['wards', 'wards_2024', 'plans', 'planning_zones']) {
		check(await page.locator(`#info section[data-layer=${layer}]`).count() === 1, `the panel does not list the ${layer} feature under the click`);
	}
	// and the point's digital address and the parcel's planning
	const place = page.locator('#info section[data-place] table');
	await place.waitFor({ timeout: 5000 });
	report.place = await place.innerText();
	check(report.place.includes(parcel.plus_code.slice(0, 8)), `the panel's digital address lacks the plus code ${parcel.plus_code}: ${report.place}`);
	check(/registry_code\s+\d[\d ]{11,}/.test(report.place), 'the panel lacks the nearest address\'s registry code');
	const planning = page.locator('#info section[data-planning] table');
	if (parcel.zone_code) {
		await planning.first().waitFor({ timeout: 5000 });
		report.planning = await page.locator('#info section[data-planning]').innerText();
		check(report.planning.includes(parcel.zone_code), `the panel's planning lacks zone ${parcel.zone_code}: ${report.planning}`);
	}
	writeFileSync(join(outDir, 'viewer-click.png'), await page.screenshot());

	// Typing an address suggests it; Enter finds it, marks it and centres the map on it.
	const addr = parcel.address;
	await page.fill('#q', addr.text.slice(0, -2));
	await page.locator('#suggestions li').first().waitFor({ timeout: 5000 });
	report.suggestions = await page.locator('#suggestions li').allInnerTexts();
	await page.fill('#q', addr.text);
	await page.press('#q', 'Enter');
	await page.locator('#info section[data-found=address]').waitFor({ timeout: 5000 });
	report.found = await page.locator('#info section[data-found]').innerText();
	check(report.found.startsWith(addr.text), `the panel names ${report.found}, not ${addr.text}`);
	check(/registry_code\s+\S+/.test(report.found) && /plus_code\s+\S+\+\S+/.test(report.found), 'the panel lacks the address codes');
	const centre = await page.evaluate(() => window.bandoso.map.getCenter().toArray());
	check(Math.abs(centre[0] - addr.lon) < 1e-6 && Math.abs(centre[1] - addr.lat) < 1e-6, `the map is centred on ${centre}, not on the address`);
	check(await page.locator('.maplibregl-marker').count() === 1, 'no marker on the address found');
	await idle();
	writeFileSync(join(outDir, 'viewer-search.png'), await page.screenshot());

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
	const of = (re) => responses.filter((r) => re.test(new URL(r.url).pathname));
	const style = of(/^\/styles\/default\.json$/);
	const tilejson = of(/^\/tiles\/[^/]+\.json$/);
	const tiles = of(/\.mvt$/);
	const tilesOK = tiles.filter((r) => r.status === 200 && r.type === 'application/vnd.mapbox-vector-tile' && r.bytes > 0);
	report.responses = responses.length;
	report.tiles = { total: tiles.length, ok: tilesOK.length, empty: tiles.filter((r) => r.status === 204).length };
	check(style.length > 0 && style.every((r) => r.status === 200), `style: ${JSON.stringify(style)}`);
	check(tilejson.length > 0 && tilejson.every((r) => r.status === 200), `TileJSON: ${JSON.stringify(tilejson)}`);
	check(tiles.every((r) => r.status === 200 || r.status === 204), `tiles not 200/204: ${JSON.stringify(tiles.filter((r) => r.status !== 200 && r.status !== 204))}`);
	check(tilesOK.length >= 4, `only ${tilesOK.length} tiles with MVT bodies`);
	const bad = responses.filter((r) => r.status >= 400);
	check(bad.length === 0, `failed requests: ${JSON.stringify(bad)}`);
	check(outside.length === 0, `requests outside ${origin}: ${outside.join(', ')}`);
	check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
} catch (e) {
	failures.push(String(e?.stack ?? e));
} finally {
	await browser.close();
}
report.failures = failures;
console.log(JSON.stringify(report, null, 1));
process.exit(failures.length ? 1 : 0);

// decodePNG reads the 8-bit RGB or RGBA, non-interlaced PNGs Chromium writes (PNG spec §7, §9).
function decodePNG(buf) {
	let pos = 8;
	let width = 0, height = 0, channels = 0;
	const idat = [];
	while (pos < buf.length) {
		const len = buf.readUInt32BE(pos);
		const type = buf.toString('latin1', pos + 4, pos + 8);
		const data = buf.subarray(pos + 8, pos + 8 + len);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			if (data[8] !== 8 || data[12] !== 0) throw new Error('unsupported PNG');
			channels = { 2: 3, 6: 4 }[data[9]];
			if (!channels) throw new Error(`unsupported PNG colour type ${data[9]}`);
		} else if (type === 'IDAT') {
			idat.push(data);
		}
		pos += 12 + len;
	}
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * channels;
	const px = Buffer.alloc(height * stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let i = 0; i < stride; i++) {
			const a = i >= channels ? px[y * stride + i - channels] : 0;
			const b = y > 0 ? px[(y - 1) * stride + i] : 0;
			const c = y > 0 && i >= channels ? px[(y - 1) * stride + i - channels] : 0;
			let v = line[i];
			if (filter === 1) v += a;
			else if (filter === 2) v += b;
			else if (filter === 3) v += (a + b) >> 1;
			else if (filter === 4) {
				const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			px[y * stride + i] = v & 0xff;
		}
	}
	return { width, height, channels, px };
}

function* pixels(img) {
	for (let i = 0; i < img.px.length; i += img.channels) yield [img.px[i], img.px[i + 1], img.px[i + 2]];
}

function colours(img) {
	const set = new Set();
	for (const [r, g, b] of pixels(img)) set.add((r << 16) | (g << 8) | b);
	return set.size;
}

// share is the fraction of pixels within a few levels of colour.
function share(img, [r0, g0, b0]) {
	let n = 0, all = 0;
	for (const [r, g, b] of pixels(img)) {
		all++;
		if (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) <= 6) n++;
	}
	return n / all;
}

// changed is the fraction of pixels that differ between two screenshots of one size.
function changed(a, b) {
	let n = 0;
	for (let i = 0; i < a.px.length; i += a.channels) {
		if (a.px[i] !== b.px[i] || a.px[i + 1] !== b.px[i + 1] || a.px[i + 2] !== b.px[i + 2]) n++;
	}
	return n / (a.px.length / a.channels);
}
