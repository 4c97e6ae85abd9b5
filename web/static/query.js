// readQuery tells what a search box's text is, so that each kind goes to the route that
// answers it:
//   {kind: 'lonlat', lon, lat}            WGS 84 degrees, "10.78, 106.70" or "106.70 10.78"
//   {kind: 'projected', x, y, crs}        VN-2000 metres, "X 1192000 Y 600000", "600000, 1192000",
//                                         optionally with "EPSG:3405"; x is the easting
//   {kind: 'parcelCode', code}            the planning portal's 12-digit parcel code (MaThuaDat)
//   {kind: 'code', code}                  a registry code (12 digits in groups), a national
//                                         address code (10 digits) or a plus code
//   {kind: 'text', text}                  anything else: an address or a place
export function readQuery(raw) {
	const text = raw.trim();
	const compact = text.replace(/[\s-]/g, '');
	if (/^\d{12}$/.test(compact)) {
		// a parcel code is written in one run; a registry code is read aloud in groups of 4
		return /^\d{12}$/.test(text) ? { kind: 'parcelCode', code: text } : { kind: 'code', code: text };
	}
	if (/^\d{10}$/.test(compact) || /^[23456789CFGHJMPQRVWX]{2,8}\+[23456789CFGHJMPQRVWX]*$/i.test(compact)) {
		return { kind: 'code', code: text };
	}
	return readCoordinates(text) ?? { kind: 'text', text };
}

// Vietnam lies between 8° and 24° N and 102° and 110° E; its northings in VN-2000 exceed
// 900 km, its eastings (TM-3 and UTM zones) stay below.
const minNorthingM = 900000;

function readCoordinates(text) {
	let crs = 'EPSG:9210';
	const named = text.match(/\bEPSG\s*:\s*(\d{4,5})\b/i);
	let rest = text;
	if (named) {
		crs = `EPSG:${named[1]}`;
		rest = text.replace(named[0], ' ');
	}
	// "X 1192000 Y 600000", "X=1192000; Y=600000": Vietnamese documents' X is the northing
	const xy = rest.match(/^\s*X\s*[:=]?\s*(-?\d+(?:[.,]\d+)?)\s*[,;]?\s*Y\s*[:=]?\s*(-?\d+(?:[.,]\d+)?)\s*$/i);
	if (xy) return projected(number(xy[2]), number(xy[1]), crs);
	const pair = rest.match(/^\s*(-?\d+(?:\.\d+)?)\s*(?:[,;]\s*|\s+)(-?\d+(?:\.\d+)?)\s*$/);
	if (!pair) return null;
	const a = Number(pair[1]), b = Number(pair[2]);
	if (Math.abs(a) > 1000 || Math.abs(b) > 1000 || named) {
		// metres: the larger is the northing
		return a >= minNorthingM && b < minNorthingM ? projected(b, a, crs) : projected(a, b, crs);
	}
	// degrees: latitude first unless the first cannot be one
	if (Math.abs(a) > 90 && Math.abs(b) <= 90) return lonlat(a, b);
	if (Math.abs(a) <= 90 && Math.abs(b) <= 180) return lonlat(b, a);
	return null;
}

const number = (s) => Number(s.replace(',', '.'));
const lonlat = (lon, lat) => ({ kind: 'lonlat', lon, lat });
const projected = (x, y, crs) => ({ kind: 'projected', x, y, crs });
