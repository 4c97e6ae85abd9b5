package api

import (
	"github.com/prometheus/client_golang/prometheus"

	"bandoso/admit"
	"bandoso/shared"
	"bandoso/store"
	"bandoso/tiles"
)

// Collectors that read counters the tile service and the pool keep anyway, at scrape time:
// nothing on the request path pays for them.

var (
	tileCacheHits      = desc("bandoso_tile_cache_hits_total", "Tiles served from the cache.")
	tileCacheMisses    = desc("bandoso_tile_cache_misses_total", "Tiles looked for in the cache and not found (or expired).")
	tileCacheEvictions = desc("bandoso_tile_cache_evictions_total", "Tiles dropped from the cache to stay within its size.")
	tileCacheBytes     = desc("bandoso_tile_cache_bytes", "Bytes the tile cache holds, overhead included.")
	tileCacheEntries   = desc("bandoso_tile_cache_entries", "Tiles the cache holds.")
	tileQueries        = desc("bandoso_tile_queries_total", "Tiles made by the database.")
	tileQuerySeconds   = desc("bandoso_tile_query_seconds_total", "Total time the database took to make tiles.")

	tilePrerendered     = desc("bandoso_tile_prerendered_total", "Cached tiles that changes dropped, made again in the background before a client asked.")
	tilePrerenderQueued = desc("bandoso_tile_prerender_queued", "Tiles waiting to be made again in the background.")
	tilePrerenderLeft   = desc("bandoso_tile_prerender_overflow_total", "Tiles left to the next request because the background queue was full.")
	tileSeeded          = desc("bandoso_tile_seeded_total", "Tiles seeding put in a cache (serve --seed-tiles).")
	tileSeedLeft        = desc("bandoso_tile_seed_remaining", "Tiles a running seed has still to do.")
)

// tileCollector reads tiles.Service.Stats once per scrape.
type tileCollector struct{ t *tiles.Service }

func (c tileCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{tileCacheHits, tileCacheMisses, tileCacheEvictions, tileCacheBytes,
		tileCacheEntries, tileQueries, tileQuerySeconds, tilePrerendered, tilePrerenderQueued, tilePrerenderLeft,
		tileSeeded, tileSeedLeft} {
		ch <- d
	}
}

func (c tileCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.t.Stats()
	ch <- counter(tileCacheHits, float64(st.Cache.Hits))
	ch <- counter(tileCacheMisses, float64(st.Cache.Misses))
	ch <- counter(tileCacheEvictions, float64(st.Cache.Evictions))
	ch <- gauge(tileCacheBytes, float64(st.Cache.Bytes))
	ch <- gauge(tileCacheEntries, float64(st.Cache.Entries))
	ch <- counter(tileQueries, float64(st.Queries))
	ch <- counter(tileQuerySeconds, st.QueryTime.Seconds())
	bg := c.t.BackgroundStats()
	ch <- counter(tilePrerendered, float64(bg.Prerendered))
	ch <- gauge(tilePrerenderQueued, float64(bg.Queued))
	ch <- counter(tilePrerenderLeft, float64(bg.Overflow))
	ch <- counter(tileSeeded, float64(bg.Seeded))
	ch <- gauge(tileSeedLeft, float64(bg.SeedLeft))
}

var (
	poolAcquired         = desc("bandoso_db_pool_acquired_conns", "Database connections in use.")
	poolIdle             = desc("bandoso_db_pool_idle_conns", "Database connections open and idle.")
	poolTotal            = desc("bandoso_db_pool_total_conns", "Database connections open, in use, idle or being opened.")
	poolMax              = desc("bandoso_db_pool_max_conns", "Most database connections the pool opens.")
	poolAcquires         = desc("bandoso_db_pool_acquires_total", "Connections taken from the pool.")
	poolEmptyAcquires    = desc("bandoso_db_pool_empty_acquires_total", "Connections taken after waiting, the pool having none idle.")
	poolCanceledAcquires = desc("bandoso_db_pool_canceled_acquires_total", "Waits for a connection given up because the request ended.")
	poolAcquireSeconds   = desc("bandoso_db_pool_acquire_seconds_total", "Total time spent taking connections from the pool.")
)

// poolCollector reads the pgx pool's counters once per scrape.
type poolCollector struct{ db *store.DB }

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires,
		poolEmptyAcquires, poolCanceledAcquires, poolAcquireSeconds} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.db.Stats()
	ch <- gauge(poolAcquired, float64(st.AcquiredConns()))
	ch <- gauge(poolIdle, float64(st.IdleConns()))
	ch <- gauge(poolTotal, float64(st.TotalConns()))
	ch <- gauge(poolMax, float64(st.MaxConns()))
	ch <- counter(poolAcquires, float64(st.AcquireCount()))
	ch <- counter(poolEmptyAcquires, float64(st.EmptyAcquireCount()))
	ch <- counter(poolCanceledAcquires, float64(st.CanceledAcquireCount()))
	ch <- counter(poolAcquireSeconds, st.AcquireDuration().Seconds())
}

func desc(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }

func counter(d *prometheus.Desc, v float64) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
}

func gauge(d *prometheus.Desc, v float64) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
}

var (
	gateActive   = desc("bandoso_db_work_active", "Requests doing database work now (tile misses and database routes).")
	gateQueued   = desc("bandoso_db_work_queued", "Requests waiting for a turn at database work.")
	gateCapacity = desc("bandoso_db_work_capacity", "Most requests doing database work at once (--db-work).")
	gateShed     = desc("bandoso_db_work_shed_total", "Requests turned away at the gate, 503 busy or 429 past the client's share: the queue was full or too long (--db-queue-target), or the wait ran out.")
)

// gateCollector reads the admission gate's state once per scrape.
type gateCollector struct{ g *admit.Gate }

func (c gateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{gateActive, gateQueued, gateCapacity, gateShed} {
		ch <- d
	}
}

func (c gateCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.g.Stats()
	ch <- gauge(gateActive, float64(st.Active))
	ch <- gauge(gateQueued, float64(st.Queued))
	ch <- gauge(gateCapacity, float64(st.Capacity))
	ch <- counter(gateShed, float64(st.Shed))
}

var (
	redisUp          = desc("bandoso_redis_up", "1 while Redis answers, 0 from a failed call until one succeeds again (--redis-url).")
	redisErrors      = desc("bandoso_redis_errors_total", "Calls to Redis that failed: the instance then served without it.")
	tileSharedHits   = desc("bandoso_tile_shared_hits_total", "Tiles missing from this instance's cache found in the shared cache in Redis.")
	tileSharedMisses = desc("bandoso_tile_shared_misses_total", "Tiles missing from this instance's cache and from Redis's.")
)

// redisCollector reads the Redis client's state, and what the shared tile cache answered,
// once per scrape; t may be nil.
type redisCollector struct {
	c *shared.Client
	t *tiles.Service
}

func (c redisCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{redisUp, redisErrors, tileSharedHits, tileSharedMisses} {
		ch <- d
	}
}

func (c redisCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.c.Status()
	up := 0.0
	if st.Up {
		up = 1
	}
	ch <- gauge(redisUp, up)
	ch <- counter(redisErrors, float64(st.Errors))
	var ts shared.TileStats
	if c.t != nil {
		ts = c.t.Stats().Shared
	}
	ch <- counter(tileSharedHits, float64(ts.Hits))
	ch <- counter(tileSharedMisses, float64(ts.Misses))
}
