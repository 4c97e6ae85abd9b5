// The chooser of tile archives: the offline maps (bandoso export) the server serves under
// /tiles/archive, shown only when it serves some. Choosing one opens the viewer on it
// (?archive=NAME); the first entry goes back to the live tiles.

// archiveParam is the query parameter naming the archive shown.
export const archiveParam = 'archive';

// initArchives fills the chooser, current naming the archive shown (null: the live tiles).
export function initArchives(current) {
	const choice = document.getElementById('archive-choice');
	const select = document.getElementById('archive');
	fetch('tiles/archive')
		.then((r) => (r.ok ? r.json() : { archives: [] }))
		.then(({ archives }) => {
			for (const a of archives) {
				select.append(Object.assign(document.createElement('option'), { value: a.name, textContent: a.name }));
			}
			select.value = current ?? '';
			choice.hidden = archives.length === 0 && !current;
		})
		.catch(() => {});
	select.addEventListener('change', () => {
		const url = new URL(location.href);
		if (select.value) url.searchParams.set(archiveParam, select.value);
		else url.searchParams.delete(archiveParam);
		location.assign(url);
	});
}
