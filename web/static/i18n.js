// The viewer's words in Vietnamese, its first language, and English. t(key) is the word in
// the current language; elements with data-t (text), data-t-placeholder, data-t-label
// (aria-label) and data-t-title are filled by applyLanguage.
const words = {
	vi: {
		subtitle: 'bản đồ số',
		otherLanguage: 'EN',
		otherLanguageName: 'English',
		tabSearch: 'Tìm kiếm',
		tabParcel: 'Tờ, thửa',
		searchPlaceholder: 'Địa chỉ, mã, toạ độ…',
		searchLabel: 'tìm địa chỉ, mã hoặc toạ độ',
		searchHint: 'Địa chỉ · mã thửa đất (12 số) · mã địa chỉ · plus code · toạ độ WGS 84 “10.78, 106.70” hoặc VN-2000 “X 1192000 Y 600000”',
		ward: 'Phường, xã (trước 1/7/2025)',
		wardPlaceholder: 'tên hoặc mã 5 số',
		sheet: 'Tờ bản đồ số',
		parcel: 'Thửa đất số',
		lookUp: 'Tra cứu',
		layers: 'Lớp bản đồ',
		legend: 'Mục đích sử dụng đất',
		archive: 'Bản đồ ngoại tuyến',
		liveMap: 'Dữ liệu trực tuyến',
		print: 'In',
		printTitle: 'In hoặc lưu PDF thông tin quy hoạch',
		close: 'Đóng',
		reportTitle: 'Thông tin quy hoạch thửa đất',
		parcelHeading: (p, s) => `Thửa đất số ${p}, tờ bản đồ số ${s}`,
		sectionParcel: 'Thửa đất',
		sectionPlanning: 'Quy hoạch sử dụng đất',
		sectionRoads: 'Lộ giới',
		sectionUnits: 'Đơn vị hành chính',
		sectionAddress: 'Địa chỉ số',
		sectionLocation: 'Vị trí',
		sectionHere: 'Tại điểm này',
		oldWard: 'Phường, xã (trước 1/7/2025)',
		oldDistrict: 'Quận, huyện (trước 1/7/2025)',
		newWard: 'Phường, xã (từ 1/7/2025)',
		province: 'Tỉnh, thành phố',
		area: 'Diện tích pháp lý',
		mapArea: 'Diện tích đo trên bản đồ',
		landUse: 'Mục đích sử dụng đất',
		parcelCode: 'Mã thửa đất',
		zone: 'Ô quy hoạch',
		zoneFunction: 'Chức năng',
		zoneLandUse: 'Loại đất quy hoạch',
		far: 'Hệ số sử dụng đất',
		density: 'Mật độ xây dựng',
		floors: 'Tầng cao',
		heightMax: 'Chiều cao tối đa',
		zoneShare: 'Diện tích thửa trong ô',
		plan: 'Đồ án',
		decision: 'Quyết định',
		scale: 'Tỷ lệ',
		road: 'Đường',
		roadWidth: 'Lộ giới (bề rộng)',
		reserveArea: 'Diện tích trong lộ giới',
		frontage: 'Chiều dài mặt tiền',
		noPlan: 'Chưa có đồ án quy hoạch phủ thửa này.',
		noRoad: 'Thửa không giáp lộ giới quy hoạch.',
		nearestAddress: 'Địa chỉ gần nhất',
		address: 'Địa chỉ',
		registryCode: 'Mã địa chỉ',
		nationalCode: 'Mã địa chỉ quốc gia',
		plusCode: 'Plus code',
		street: 'Đường gần nhất',
		wgs84: 'WGS 84 (vĩ độ, kinh độ)',
		vn2000: 'VN-2000 TM-3 105°45′ (X, Y)',
		kind: 'Loại',
		name: 'Tên',
		houseNumber: 'Số nhà',
		category: 'Nhóm',
		floorsCount: 'Số tầng',
		noParcelHere: 'Không có thửa đất tại điểm này.',
		notFound: 'Không tìm thấy',
		failed: 'Không tra cứu được',
		searching: 'Đang tìm…',
		share: (pct) => `${pct}% diện tích thửa`,
		floorsRange: (a, b) => (a != null && a !== b ? `${a}–${b} tầng` : `${b} tầng`),
		times: 'lần',
		kinds: { address: 'địa chỉ', street: 'đường', poi: 'địa điểm', ward: 'phường, xã', district: 'quận, huyện', province: 'tỉnh, thành', place: 'vị trí', plus_code: 'plus code' },
		layerNames: {
			wards: 'Phường, xã', wards_2024: 'Phường, xã (trước 2025)', plans: 'Đồ án quy hoạch', planning_zones: 'Ô quy hoạch',
			road_boundaries: 'Lộ giới', streets: 'Đường', parcels: 'Thửa đất', addresses: 'Địa chỉ', buildings: 'Công trình',
			pois: 'Địa điểm', roads: 'Đường (bản đồ nền)', water: 'Mặt nước', waterways: 'Sông, kênh', parks: 'Công viên',
			landuse: 'Sử dụng đất (bản đồ nền)', railways: 'Đường sắt',
		},
		printedFrom: 'In từ',
	},
	en: {
		subtitle: 'digital map',
		otherLanguage: 'VI',
		otherLanguageName: 'Tiếng Việt',
		tabSearch: 'Search',
		tabParcel: 'Sheet, parcel',
		searchPlaceholder: 'Address, code, coordinates…',
		searchLabel: 'find an address, a code or coordinates',
		searchHint: 'Address · parcel code (12 digits) · address code · plus code · WGS 84 “10.78, 106.70” or VN-2000 “X 1192000 Y 600000”',
		ward: 'Ward (before 1 July 2025)',
		wardPlaceholder: 'name or 5-digit code',
		sheet: 'Map sheet',
		parcel: 'Parcel',
		lookUp: 'Look up',
		layers: 'Layers',
		legend: 'Land use',
		archive: 'Offline map',
		liveMap: 'Live data',
		print: 'Print',
		printTitle: 'Print or save the planning information as PDF',
		close: 'Close',
		reportTitle: 'Parcel planning information',
		parcelHeading: (p, s) => `Parcel ${p}, map sheet ${s}`,
		sectionParcel: 'Parcel',
		sectionPlanning: 'Land-use planning',
		sectionRoads: 'Road reserve',
		sectionUnits: 'Administrative units',
		sectionAddress: 'Digital address',
		sectionLocation: 'Location',
		sectionHere: 'Here',
		oldWard: 'Ward (before 1 July 2025)',
		oldDistrict: 'District (before 1 July 2025)',
		newWard: 'Ward (since 1 July 2025)',
		province: 'Province',
		area: 'Legal area',
		mapArea: 'Area measured on the map',
		landUse: 'Land use',
		parcelCode: 'Parcel code',
		zone: 'Planning zone',
		zoneFunction: 'Function',
		zoneLandUse: 'Planned land use',
		far: 'Floor area ratio',
		density: 'Building density',
		floors: 'Floors',
		heightMax: 'Maximum height',
		zoneShare: 'Parcel area in the zone',
		plan: 'Plan',
		decision: 'Decision',
		scale: 'Scale',
		road: 'Street',
		roadWidth: 'Road reserve (width)',
		reserveArea: 'Area inside the road reserve',
		frontage: 'Frontage',
		noPlan: 'No plan covers this parcel yet.',
		noRoad: 'The parcel fronts no planned road reserve.',
		nearestAddress: 'Nearest address',
		address: 'Address',
		registryCode: 'Address code',
		nationalCode: 'National address code',
		plusCode: 'Plus code',
		street: 'Nearest street',
		wgs84: 'WGS 84 (latitude, longitude)',
		vn2000: 'VN-2000 TM-3 105°45′ (X, Y)',
		kind: 'Kind',
		name: 'Name',
		houseNumber: 'House number',
		category: 'Category',
		floorsCount: 'Floors',
		noParcelHere: 'No parcel at this point.',
		notFound: 'Not found',
		failed: 'The look-up failed',
		searching: 'Searching…',
		share: (pct) => `${pct}% of the parcel`,
		floorsRange: (a, b) => (a != null && a !== b ? `${a}–${b} floors` : `${b} floors`),
		times: '×',
		kinds: { address: 'address', street: 'street', poi: 'place', ward: 'ward', district: 'district', province: 'province', place: 'location', plus_code: 'plus code' },
		layerNames: {
			wards: 'Ward', wards_2024: 'Ward (before 2025)', plans: 'Plan', planning_zones: 'Planning zone',
			road_boundaries: 'Road reserve', streets: 'Street', parcels: 'Parcel', addresses: 'Address', buildings: 'Building',
			pois: 'Place', roads: 'Road (basemap)', water: 'Water', waterways: 'River, canal', parks: 'Park',
			landuse: 'Land use (basemap)', railways: 'Railway',
		},
		printedFrom: 'Printed from',
	},
};

export const languages = Object.keys(words);

let current = 'vi';
const listeners = [];

// lang is the current language: "vi" or "en".
export function lang() { return current; }

// t is the word for key in the current language; a function word is called with args.
export function t(key, ...args) {
	const w = words[current][key] ?? words.vi[key] ?? key;
	return typeof w === 'function' ? w(...args) : w;
}

// setLanguage switches to l, fills the page's marked elements and tells each listener.
export function setLanguage(l) {
	if (!words[l]) return;
	current = l;
	applyLanguage(document);
	for (const f of listeners) f(l);
}

// onLanguage calls f with the language whenever it changes.
export function onLanguage(f) { listeners.push(f); }

export function applyLanguage(root) {
	document.documentElement.lang = current;
	for (const el of root.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
	for (const el of root.querySelectorAll('[data-t-placeholder]')) el.placeholder = t(el.dataset.tPlaceholder);
	for (const el of root.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', t(el.dataset.tLabel));
	for (const el of root.querySelectorAll('[data-t-title]')) el.title = t(el.dataset.tTitle);
}

// bilingual picks the current language's half of a "Vietnamese · English" title.
export function bilingual(title) {
	const [vi, en] = title.split(' · ');
	return current === 'en' && en ? en : vi;
}

// num writes a number as the current language does (1.234,5 in Vietnamese), with at most
// digits decimals.
export function num(v, digits = 2) {
	return new Intl.NumberFormat(current === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: digits }).format(v);
}
