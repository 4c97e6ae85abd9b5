// browser.mjs is what the viewer's browser tests share: headless Chromium on the viewer,
// offline, with what was fetched and what went wrong noted, and a reader of its screenshots.
import { chromium } from 'playwright-core';
import { inflateSync } from 'node:zlib';

// patience is how long a check waits for what a person would see appear: generous, since the
// tests run on busy two-core machines where a geocode or a tile may take seconds; a viewer
// that works shows it in well under a second on a quiet one.
export const patience = 60000;

// openViewer launches Chromium, opens the viewer at base (or another page with a map at path,
// one that sets window.bandoso.map as the viewer does) and waits until the map has drawn.
// Every request outside base's origin is refused and noted in outside; responses lists what
// was fetched, pageErrors what the page reported.
export async function openViewer(base, path = '/') {
	const origin = new URL(base).origin;
	const browser = await chromium.launch({
		executablePath: process.env.BANDOSO_CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-background-networking'],
	});
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
	const idle = () => page.evaluate((ms) => new Promise((resolve, reject) => {
		const map = window.bandoso.map;
		const timer = setTimeout(() => reject(new Error(`the map did not become idle in ${ms / 1000} s`)), ms);
		map.once('idle', () => { clearTimeout(timer); resolve(); });
		map.triggerRepaint();
	}), patience);

	try {
		await page.goto(base + path);
		await page.waitForFunction(() => window.bandoso?.map?.loaded(), null, { timeout: patience });
		await idle();
	} catch (e) {
		await browser.close();
		throw e;
	}
	return { browser, page, idle, origin, outside, pageErrors, responses };
}

// checkViewer opens the viewer at base (openViewer, with path) and runs checks(viewer, check,
// report) on it; check(ok, what) notes a failure. It prints the report, with the failures and
// any error thrown, as JSON on stdout, and exits 1 when a check failed.
export async function checkViewer(base, checks, path = '/') {
	const failures = [];
	const check = (ok, what) => { if (!ok) failures.push(what); };
	const report = {};
	let browser;
	try {
		const viewer = await openViewer(base, path);
		browser = viewer.browser;
		await checks(viewer, check, report);
	} catch (e) {
		failures.push(String(e?.stack ?? e));
	} finally {
		await browser?.close();
	}
	report.failures = failures;
	console.log(JSON.stringify(report, null, 1));
	process.exit(failures.length ? 1 : 0);
}

// fetchChecks are the checks every run makes of what was fetched: the style, TileJSON and
// tiles answered, nothing failed, nothing left the origin and the page reported no error.
// It returns the tiles fetched by kind.
export function fetchChecks({ responses, outside, pageErrors, origin }, check) {
	const of = (re) => responses.filter((r) => re.test(new URL(r.url).pathname));
	const style = of(/^\/styles\/default\.json$/);
	const tilejson = of(/^\/tiles\/[^/]+\.json$/);
	const tiles = of(/\.mvt$/);
	const tilesOK = tiles.filter((r) => r.status === 200 && r.type === 'application/vnd.mapbox-vector-tile' && r.bytes > 0);
	check(style.length > 0 && style.every((r) => r.status === 200), `style: ${JSON.stringify(style)}`);
	check(tilejson.length > 0 && tilejson.every((r) => r.status === 200), `TileJSON: ${JSON.stringify(tilejson)}`);
	check(tiles.every((r) => r.status === 200 || r.status === 204), `tiles not 200/204: ${JSON.stringify(tiles.filter((r) => r.status !== 200 && r.status !== 204))}`);
	check(tilesOK.length >= 4, `only ${tilesOK.length} tiles with MVT bodies`);
	const bad = responses.filter((r) => r.status >= 400);
	check(bad.length === 0, `failed requests: ${JSON.stringify(bad)}`);
	check(outside.length === 0, `requests outside ${origin}: ${outside.join(', ')}`);
	check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
	// the basemap's tiles are those holding its roads
	const basemap = tiles.filter((r) => new URL(r.url).pathname.split('/')[2].split(',').includes('roads'));
	return { all: tiles, ok: tilesOK, empty: tiles.filter((r) => r.status === 204), basemap };
}

// decodePNG reads the 8-bit RGB or RGBA, non-interlaced PNGs Chromium writes (PNG spec §7, §9).
export function decodePNG(buf) {
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

// colours is the number of distinct colours of an image.
export function colours(img) {
	const set = new Set();
	for (const [r, g, b] of pixels(img)) set.add((r << 16) | (g << 8) | b);
	return set.size;
}

// share is the fraction of pixels within a few levels of colour.
export function share(img, [r0, g0, b0]) {
	let n = 0, all = 0;
	for (const [r, g, b] of pixels(img)) {
		all++;
		if (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) <= 6) n++;
	}
	return n / all;
}

// changed is the fraction of pixels that differ between two screenshots of one size.
export function changed(a, b) {
	let n = 0;
	for (let i = 0; i < a.px.length; i += a.channels) {
		if (a.px[i] !== b.px[i] || a.px[i + 1] !== b.px[i + 1] || a.px[i + 2] !== b.px[i + 2]) n++;
	}
	return n / (a.px.length / a.channels);
}
