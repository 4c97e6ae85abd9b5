package api

import (
	"net/netip"
	"time"

	"github.com/paulmach/orb"
)

// Config is every setting of a Server, grouped by concern. DefaultConfig writes each
// default once; cmd starts from it, then the environment and flags override. New takes a
// Config as given: a zero value is not a default.
type Config struct {
	HTTP      HTTPConfig
	Limits    Limits
	Tiles     TileConfig
	Database  DatabaseConfig
	Geocoding GeocodingConfig
	OpenData  OpenDataConfig
}

// HTTPConfig is how requests are timed and whom the server believes about them.
type HTTPConfig struct {
	// RequestTimeout bounds every request's context; database calls stop with it.
	RequestTimeout time.Duration
	// BodyTimeout bounds how long a request body may stall, sending nothing; a body behind
	// the gate must also come whole within it, before the request takes its place.
	BodyTimeout time.Duration
	// TrustedProxies are the networks of reverse proxies believed about the client: its
	// address (X-Forwarded-For, for rate limits) and the URL it asked for (Forwarded,
	// X-Forwarded-Proto, -Host and -Prefix, for links). Other peers' forwarded headers are
	// ignored.
	TrustedProxies []netip.Prefix
	// PublicURL is the URL clients reach the service at, such as
	// https://maps.hcmc.gov.vn/bandoso: links in answers start with it whatever the request
	// says. Empty: each request's own, behind a trusted proxy the one it forwarded.
	PublicURL string
}

// Limits are what one client, one request and one body may take.
type Limits struct {
	// RateLimit is each client's request budget; the zero value is no limit.
	RateLimit RateLimit
	// UploadsPerClient caps the batch and import uploads one client sends at once (429
	// beyond).
	UploadsPerClient int
	// QueryMaxBytes bounds the body of POST /v1/parcels/query (413 beyond).
	QueryMaxBytes int64
	// QueryMaxAreaM2 bounds the area, buffer included, that one parcel query may cover.
	QueryMaxAreaM2 float64
	// EditMaxBytes bounds the body of a feature edit (413 beyond).
	EditMaxBytes int64
	// ItemsMaxLimit is the most features one OGC API items page holds; a larger limit is
	// served this many, as OGC API – Features Part 1 §7.15.3 asks, not refused.
	ItemsMaxLimit int
	// BatchMaxBytes bounds a file posted to /v1/geocode/batch or /v1/parse/batch; rows past
	// it get an error row.
	BatchMaxBytes int64
	// BatchTimeout replaces HTTP.RequestTimeout for /v1/geocode/batch and /v1/parse/batch;
	// each row has batchRowTimeout.
	BatchTimeout time.Duration
	// ImportMaxBytes bounds the body of POST /v1/admin/import (413 beyond).
	ImportMaxBytes int64
	// ImportTimeout replaces HTTP.RequestTimeout for POST /v1/admin/import: the upload, then
	// every feature checked and written in one transaction.
	ImportTimeout time.Duration
	// DownloadsPerClient caps the layer downloads (GET /v1/layers/{layer}/download) one
	// client runs at once (429 beyond); each holds a place of DBWork for its whole length.
	DownloadsPerClient int
	// DownloadTimeout replaces HTTP.RequestTimeout, and bounds the statement, for a layer
	// download: a million parcels take minutes to a slow client.
	DownloadTimeout time.Duration
}

// TileConfig is how long a tile may take and how long clients may keep it.
type TileConfig struct {
	// MaxAge is the max-age of Cache-Control on tiles and their documents.
	MaxAge time.Duration
	// Timeout replaces HTTP.RequestTimeout for tiles, shorter: a map asks again as it moves,
	// and a tile later than this is of no use to it.
	Timeout time.Duration
}

// DatabaseConfig is what the server makes of the gate in front of database work
// (Server.DBWork).
type DatabaseConfig struct {
	// BusyAfter is how long DBWork may stay full before /readyz answers 503 busy, so that a
	// load balancer sends new work elsewhere.
	BusyAfter time.Duration
}

// GeocodingConfig places the city for the address routes.
type GeocodingConfig struct {
	// CityCentre (lon, lat) is where short plus codes are recovered.
	CityCentre orb.Point
}

// OpenDataConfig is what the DCAT catalog (/v1/catalog.jsonld) says of who publishes the data.
type OpenDataConfig struct {
	// Publisher is the organisation publishing the layers, such as the city's Department of
	// Agriculture and Environment; empty: each layer's source, else the service's name.
	Publisher string
}

// DefaultConfig holds the default of every setting of a Server.
func DefaultConfig() Config {
	return Config{
		HTTP: HTTPConfig{
			RequestTimeout: 30 * time.Second,
			BodyTimeout:    30 * time.Second,
		},
		Limits: Limits{
			RateLimit:        RateLimit{Rate: 50, Burst: 200}, // a map's first view asks for dozens of tiles at once
			UploadsPerClient: 2,
			QueryMaxBytes:    1 << 20, // 1 MiB of JSON holds about 30,000 vertices
			QueryMaxAreaM2:   100e6,   // 100 km², a large ward: totals over it take seconds
			EditMaxBytes:     4 << 20,
			ItemsMaxLimit:    10000,
			BatchMaxBytes:    64 << 20,
			BatchTimeout:     15 * time.Minute,
			ImportMaxBytes:   512 << 20,
			ImportTimeout:    15 * time.Minute,
			// One at a time: a download holds a place of database work for minutes, and
			// a client wanting several layers gets them one after the other.
			DownloadsPerClient: 1,
			DownloadTimeout:    time.Hour,
		},
		Tiles:    TileConfig{MaxAge: 60 * time.Second, Timeout: 10 * time.Second},
		Database: DatabaseConfig{BusyAfter: 10 * time.Second},
		// Ho Chi Minh City's centre (Nhà hát Thành phố)
		Geocoding: GeocodingConfig{CityCentre: orb.Point{106.7009, 10.7769}},
	}
}
