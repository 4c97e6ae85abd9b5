// archive.mjs checks, in headless Chromium, that the viewer opens a tile archive: the Go test
// api/archives_test.go exports part of the demo city into the server's archive folder and runs
//
//   node web/e2e/archive.mjs <base URL> <screenshot folder> <archive JSON>
//
// where archive is {"name"}. Opened at /?archive=NAME, the viewer must take every tile from
// the archive (none from the live routes), draw its parcels with the viewer's own style, and
// show the archive chosen in the chooser. It prints a JSON report and exits 1 when a check fails.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkViewer } from './browser.mjs';

const [base, outDir, arg] = process.argv.slice(2);
const { name } = JSON.parse(arg);

await checkViewer(base, async ({ page, responses, outside, pageErrors }, check, report) => {
	writeFileSync(join(outDir, 'archive.png'), await page.screenshot());
	const paths = responses.map((r) => ({ ...r, path: new URL(r.url).pathname }));
	const tiles = paths.filter((r) => r.path.endsWith('.mvt'));
	const fromArchive = tiles.filter((r) => r.path.startsWith(`/tiles/archive/${name}/`));
	const ok = fromArchive.filter((r) => r.status === 200 && r.type === 'application/vnd.mapbox-vector-tile' && r.bytes > 0);
	report.tiles = { total: tiles.length, archive: fromArchive.length, ok: ok.length };
	check(ok.length >= 2, `only ${ok.length} tiles with MVT bodies from the archive`);
	check(fromArchive.length === tiles.length, `tiles not from the archive: ${JSON.stringify(tiles.filter((r) => !fromArchive.includes(r)).map((r) => r.path))}`);
	check(paths.some((r) => r.path === `/tiles/archive/${name}.json` && r.status === 200), 'the archive\'s TileJSON was not fetched');
	const bad = paths.filter((r) => r.status >= 400);
	check(bad.length === 0, `failed requests: ${JSON.stringify(bad)}`);
	check(outside.length === 0, `requests outside the origin: ${outside.join(', ')}`);
	check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);

	// The parcels drawn come from the archive's parcels layer, in the style's parcel layers.
	const drawn = await page.evaluate(() => window.bandoso.map.queryRenderedFeatures()
		.filter((f) => f.sourceLayer === 'parcels').map((f) => f.layer.id));
	report.parcelLayers = [...new Set(drawn)];
	check(drawn.length > 0, 'no parcel drawn from the archive');

	// The chooser shows the archive.
	const chosen = await page.evaluate(() => ({ hidden: document.getElementById('archive-choice').hidden,
		value: document.getElementById('archive').value,
		options: [...document.querySelectorAll('#archive option')].map((o) => o.value) }));
	report.chooser = chosen;
	check(!chosen.hidden && chosen.value === name && chosen.options.includes(''), `the chooser: ${JSON.stringify(chosen)}`);
}, `/?archive=${encodeURIComponent(name)}`);
