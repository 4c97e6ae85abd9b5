package api

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/time/rate"

	"bandoso/shared"
)

// RateLimit is the per-client budget: Rate requests per second on average, with bursts of
// up to Burst, a token bucket (golang.org/x/time/rate). A map's first view asks for dozens
// of tiles at once and then little: a bucket lets that through and still stops a client
// that keeps asking faster than Rate, and it says exactly when the next request would pass,
// which becomes Retry-After. Zero Rate means no limit.
type RateLimit struct {
	Rate  float64
	Burst int
}

// rateClients bounds the buckets kept: one per client seen in the last rateIdle.
const (
	rateClients = 1 << 16
	rateIdle    = 10 * time.Minute
)

// rateLimiter holds one bucket per client. With Redis, the instances behind a load balancer
// share one budget per client there (shared.Limiter); without it, or while it is down, each
// instance counts on its own, and a client spread over n instances has n times Rate.
type rateLimiter struct {
	cfg     RateLimit
	shared  *shared.Limiter // nil: this instance alone
	buckets *expirable.LRU[string, *rate.Limiter]
	// lookups bounds, per address, the keys the database is asked about: a key not seen in
	// the last keyCacheTTL costs a lookup, and made-up keys would each cost one.
	lookups *expirable.LRU[string, *rate.Limiter]
}

// Keys looked up per address: a client's own few keys, looked up again every keyCacheTTL,
// pass; a stream of made-up ones is refused before it reaches the database.
const (
	keyLookupRate  = 2
	keyLookupBurst = 10
)

func newRateLimiter(cfg RateLimit) *rateLimiter {
	if cfg.Rate <= 0 {
		return nil
	}
	cfg.Burst = max(cfg.Burst, 1)
	return &rateLimiter{cfg: cfg, buckets: expirable.NewLRU[string, *rate.Limiter](rateClients, nil, rateIdle),
		lookups: expirable.NewLRU[string, *rate.Limiter](rateClients, nil, rateIdle)}
}

// bucket is the bucket of client in buckets, made with rate r and burst n on first use.
func bucket(buckets *expirable.LRU[string, *rate.Limiter], client string, r float64, n int) *rate.Limiter {
	b, ok := buckets.Get(client)
	if !ok {
		b = rate.NewLimiter(rate.Limit(r), n)
		buckets.Add(client, b)
	}
	return b
}

// unmetered are the paths a load balancer and a monitoring system poll: never limited.
func unmetered(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == metricsPath
}

// rateLimit answers 429 with Retry-After to a client past its budget. A client is its API
// key when it sends a valid one, so that clients behind one address (an office, a mobile
// carrier) with keys of their own do not share a budget; otherwise its address.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	l := newRateLimiter(s.Config.Limits.RateLimit)
	if l == nil {
		return next
	}
	if s.Redis != nil {
		l.shared = s.Redis.Limiter()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unmetered(r.URL.Path) || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		addr := "ip:" + s.clientAddr(r)
		if s.keyUncached(r) && !bucket(l.lookups, addr, keyLookupRate, keyLookupBurst).Allow() {
			s.metrics.rateLimited.Inc()
			w.Header().Set("Retry-After", "1")
			s.problem(w, r, errRateLimited)
			return
		}
		if delay := l.wait(r.Context(), s.clientID(r)); delay > 0 {
			s.metrics.rateLimited.Inc()
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(delay.Seconds()))))
			s.problem(w, r, errRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wait takes a request from client's budget and returns zero, or, when the budget is spent,
// how long until the next request would pass. Redis decides when it answers; otherwise the
// instance's own bucket.
func (l *rateLimiter) wait(ctx context.Context, client string) time.Duration {
	if l.shared != nil {
		ok, after, err := l.shared.Allow(ctx, client, l.cfg.Rate, l.cfg.Burst)
		if err == nil {
			if ok {
				return 0
			}
			return max(after, time.Nanosecond)
		}
	}
	b := bucket(l.buckets, client, l.cfg.Rate, l.cfg.Burst)
	now := time.Now()
	res := b.ReserveN(now, 1)
	delay := res.DelayFrom(now)
	if delay > 0 {
		res.CancelAt(now) // a refused request spends nothing
	}
	return delay
}

// clientAddr is the client's address: the peer's, or behind trusted proxies the last
// address in X-Forwarded-For that is not one of them. An IPv6 client is its /64, the block
// one subscriber gets.
func (s *Server) clientAddr(r *http.Request) string {
	addr := peerAddr(r.RemoteAddr)
	if trustedAddr(s.Config.HTTP.TrustedProxies, addr) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a hop we cannot read: stop at the last one we trust
			}
			addr = hop.Unmap()
			if !trustedAddr(s.Config.HTTP.TrustedProxies, addr) {
				break
			}
		}
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// peerAddr parses RemoteAddr ("host:port"); anything unreadable is the zero address, one
// bucket for all such peers.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}
