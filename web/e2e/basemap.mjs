// basemap.mjs checks, in headless Chromium, that the viewer draws the basemap of a city with
// an OpenStreetMap import. The Go test api/viewer_test.go runs it against a server on the
// demo city imported from its OpenStreetMap export:
//
//   node web/e2e/basemap.mjs <base URL> <screenshot folder> <places JSON>
//
// where places is {"views": [{"name", "lon", "lat", "zoom", "layers"}], "building": {"lon", "lat"}}:
// each view a place and zoom where each of its style layers must draw features, and a point
// inside a building to click; it also searches the market by name. It prints a JSON report
// on stdout and exits 1 when a check fails.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changed, checkViewer, decodePNG, fetchChecks, patience } from './browser.mjs';

const [base, outDir, placesArg] = process.argv.slice(2);
const places = JSON.parse(placesArg);

// drawn counts the features each style layer of the basemap source draws in the view.
const drawn = (page) => page.evaluate(() => {
	const counts = {};
	for (const f of window.bandoso.map.queryRenderedFeatures()) {
		if (f.source === 'basemap') counts[f.layer.id] = (counts[f.layer.id] ?? 0) + 1;
	}
	return counts;
});

await checkViewer(base, async (viewer, check, report) => {
	const { page, idle } = viewer;

	// Each place shows its basemap layers.
	report.views = {};
	for (const v of places.views) {
		await page.evaluate(([lon, lat, zoom]) => window.bandoso.map.jumpTo({ center: [lon, lat], zoom }), [v.lon, v.lat, v.zoom]);
		await idle();
		const counts = await drawn(page);
		report.views[v.name] = counts;
		for (const l of v.layers) check(counts[l] > 0, `${v.name} at z${v.zoom}: style layer ${l} draws nothing (${JSON.stringify(counts)})`);
		writeFileSync(join(outDir, `basemap-${v.name}.png`), await page.screenshot());
	}

	// The switcher's basemap box hides it all and shows it again.
	const on = decodePNG(await page.screenshot());
	await page.uncheck('input[name=basemap]');
	await idle();
	report.off = await drawn(page);
	report.changedByToggle = changed(on, decodePNG(await page.screenshot()));
	check(Object.keys(report.off).length === 0, `with the basemap off, still drawn: ${JSON.stringify(report.off)}`);
	check(report.changedByToggle > 0.05, `switching the basemap off changed only ${report.changedByToggle} of the pixels`);
	await page.check('input[name=basemap]');
	await idle();

	// Clicking a building lists it in the panel.
	const b = places.building;
	await page.evaluate(([lon, lat]) => window.bandoso.map.jumpTo({ center: [lon, lat], zoom: 17 }), [b.lon, b.lat]);
	await idle();
	const at = await page.evaluate(([lon, lat]) => window.bandoso.map.project([lon, lat]), [b.lon, b.lat]);
	await page.mouse.click(at.x, at.y);
	const section = page.locator('#info section[data-layer=buildings]');
	await section.first().waitFor({ timeout: patience });
	report.panel = await page.locator('#info').innerText();
	writeFileSync(join(outDir, 'basemap-click.png'), await page.screenshot());

	// Searching a landmark finds the named place.
	await page.click('#info-close');
	await page.fill('#q', 'Chợ Bến Thành');
	await page.press('#q', 'Enter');
	await page.locator('#info section[data-found=poi]').waitFor({ timeout: patience });
	report.found = await page.locator('#info section[data-found]').innerText();
	const kind = await page.locator('#info section[data-found] [data-field=class] td').innerText();
	check(report.found.startsWith('Chợ Bến Thành') && kind === 'marketplace', `the panel names ${report.found}`);

	const tiles = fetchChecks(viewer, check);
	report.tiles = { total: tiles.all.length, ok: tiles.ok.length, empty: tiles.empty.length, basemap: tiles.basemap.length };
	check(tiles.basemap.some((r) => r.status === 200), 'no basemap tile had features');
});
