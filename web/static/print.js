// The planning report: the panel printed (or saved as PDF) on one page, under a heading with
// the date and the link that opens it again, with a picture of the map around the parcel.
// The print stylesheet (viewer.css, @media print) leaves out everything else.
import { lang } from './i18n.js';
import { onParcel } from './lookup.js';

let map;
let source = () => '';

export function initPrint(m, attribution) {
	map = m;
	source = attribution;
	document.getElementById('print').addEventListener('click', async () => {
		await snapshot();
		window.print();
	});
	window.addEventListener('beforeprint', stamp);
	// a picture of each parcel shown, once the map has drawn it, for Ctrl+P as for the button
	onParcel(() => map.once('idle', snapshot));
}

// stamp writes the report's date, link and data source.
function stamp() {
	const when = new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'long', timeStyle: 'short' }).format(new Date());
	document.getElementById('report-meta').textContent = `${when} · ${decodeURI(location.href)}`;
	document.getElementById('attribution').textContent = source();
}

// snapshot copies the map as drawn into the report's picture. A WebGL canvas keeps its
// pixels only until the frame is shown, so it is read as the map renders.
function snapshot() {
	stamp();
	return new Promise((resolve) => {
		map.once('render', () => {
			const img = document.getElementById('print-map');
			try {
				img.src = map.getCanvas().toDataURL('image/jpeg', 0.85);
			} catch {
				img.removeAttribute('src');
			}
			resolve();
		});
		map.triggerRepaint();
	});
}
