// pages.mjs checks, in headless Chromium, the OGC API's HTML pages and the API reference as a
// person browsing them sees them. The Go test api/html_test.go runs it against a server on the
// demo city:
//
//   node web/e2e/pages.mjs <base URL> <screenshot folder> <page JSON>
//
// where page is {"path", "ids"}: the path of an items page and the ids of its features, as the
// GeoJSON of the same query lists them. The page's map must draw those features and no others,
// a click on one must open its page, and /api.html must render every operation, all under the
// pages' CSP (a violation is a console error, which fails the run) and offline. It prints a
// JSON report on stdout and exits 1 when a check fails.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkViewer, fetchChecks, patience } from './browser.mjs';

const [base, outDir, pageArg] = process.argv.slice(2);
const want = JSON.parse(pageArg);
const sorted = (ids) => [...new Set(ids.map(String))].sort();

await checkViewer(base, async (viewer, check, report) => {
	const { page, idle } = viewer;
	writeFileSync(join(outDir, 'pages-items.png'), await page.screenshot({ fullPage: true }));

	// The map draws the page's features, and the table lists them.
	const drawn = await page.evaluate(() => window.bandoso.map.queryRenderedFeatures({ layers: ['page-fill', 'page-line', 'page-point'] }).map((f) => f.id));
	report.drawn = sorted(drawn);
	check(JSON.stringify(report.drawn) === JSON.stringify(sorted(want.ids)), `the map draws features ${report.drawn}, want ${sorted(want.ids)}`);
	const rows = await page.locator('table.features tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
	check(JSON.stringify(rows) === JSON.stringify(want.ids.map(String)), `the table lists ${rows}, want ${want.ids}`);
	fetchChecks(viewer, check);

	// A click on a feature opens its page.
	const target = String(want.ids[0]);
	const at = await page.evaluate((id) => {
		const map = window.bandoso.map;
		const f = map.queryRenderedFeatures({ layers: ['page-fill', 'page-point'] }).find((f) => String(f.id) === id);
		let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
		const walk = (c) => (typeof c[0] === 'number' ? ([w, s, e, n] = [Math.min(w, c[0]), Math.min(s, c[1]), Math.max(e, c[0]), Math.max(n, c[1])]) : c.forEach(walk));
		walk(f.geometry.coordinates);
		const p = map.project([(w + e) / 2, (s + n) / 2]);
		const box = map.getContainer().getBoundingClientRect();
		return { x: box.left + p.x, y: box.top + p.y };
	}, target);
	await Promise.all([page.waitForURL(`**/items/${target}?f=html`, { timeout: patience }), page.mouse.click(at.x, at.y)]);
	await page.waitForFunction(() => window.bandoso?.map?.loaded(), null, { timeout: patience });
	await idle();
	const one = await page.evaluate(() => window.bandoso.map.queryRenderedFeatures({ layers: ['page-fill', 'page-line', 'page-point'] }).map((f) => String(f.id)));
	check(one.length > 0 && one.every((id) => id === target), `the item's map draws ${one}, want only ${target}`);
	check((await page.locator('h1').innerText()).includes(target), 'the item page is not the clicked feature\'s');
	writeFileSync(join(outDir, 'pages-item.png'), await page.screenshot({ fullPage: true }));

	// The API reference renders the OpenAPI document.
	await page.goto(base + '/api.html');
	await page.locator('#api .opblock').nth(20).waitFor({ timeout: patience });
	report.operations = await page.locator('#api .opblock').count();
	check(report.operations > 20, `the API reference shows ${report.operations} operations`);
	check(await page.locator('#api .information-container .title').count() === 1, 'the API reference has no title');
	writeFileSync(join(outDir, 'pages-api.png'), await page.screenshot());
	check(viewer.pageErrors.length === 0, `page errors: ${viewer.pageErrors.join(' | ')}`);
	check(viewer.outside.length === 0, `requests outside ${viewer.origin}: ${viewer.outside.join(', ')}`);
	const bad = viewer.responses.filter((r) => r.status >= 400);
	check(bad.length === 0, `failed requests: ${JSON.stringify(bad)}`);
}, want.path);
