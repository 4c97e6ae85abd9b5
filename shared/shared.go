// Package shared is the state that the instances of bandoso behind one load balancer share
// in Redis: a second-level tile cache (Tiles) and the clients' rate limits (Allow). It owns
// the Redis client and every command sent to Redis. Redis is optional and may go away at
// any time: every call returns quickly with an error when Redis does not answer, and the
// callers then fall back to what each instance keeps alone.
package shared

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyPrefix starts every key bandoso writes, so that one Redis may serve other things too.
const keyPrefix = "bandoso:"

// DefaultTimeout bounds dialling Redis and each reply: a tile from Redis takes about a
// millisecond, so a Redis slower than this is no better than the database.
const DefaultTimeout = 250 * time.Millisecond

// retryAfter is how long the client skips Redis after a call failed, so that requests do
// not each wait out a timeout while it is down; then one call tries again.
const retryAfter = time.Second

// ErrDown is returned, without asking, while the client skips a Redis that failed lately.
var ErrDown = errors.New("shared: redis is down")

// Options are how a Client reaches Redis.
type Options struct {
	// Log hears when Redis goes away and comes back (nil discards).
	Log *slog.Logger
	// Timeout bounds dialling and each reply; zero is DefaultTimeout.
	Timeout time.Duration
}

// Client is a Redis client with a circuit: after a failure it skips Redis for retryAfter,
// logs only on the transitions between up and down, and counts failures. It is safe for
// concurrent use.
type Client struct {
	rdb *redis.Client
	log *slog.Logger

	mu      sync.Mutex
	up      bool
	lastErr error
	retryAt time.Time

	errors atomic.Int64
}

// Status is what a Client knows of Redis now.
type Status struct {
	// Up is false from a failed call until one succeeds again.
	Up bool
	// Err is the last failure while down.
	Err string
	// Errors counts the calls that failed since the client was made.
	Errors int64
}

// Open returns a client of the Redis at url (redis://host:port/db). It does not wait for
// Redis: a Redis that is down now is used once it answers.
func Open(url string, o Options) (*Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout = o.Timeout, o.Timeout, o.Timeout, o.Timeout
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries = -1   // the circuit decides when to try again
	opt.DialerRetries = 1 // one dial, within Timeout
	opt.DisableIdentity = true
	return &Client{rdb: redis.NewClient(opt), log: o.Log, up: true}, nil
}

// Close closes the connections.
func (c *Client) Close() error { return c.rdb.Close() }

// Status reports whether Redis answered last, and the failures so far.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Status{Up: c.up, Errors: c.errors.Load()}
	if !c.up && c.lastErr != nil {
		st.Err = c.lastErr.Error()
	}
	return st
}

// Ping asks Redis whether it is there, through the circuit: it is how a Redis that came
// back is noticed when nothing else asks.
func (c *Client) Ping(ctx context.Context) error {
	return c.do(ctx, func(ctx context.Context) error { return c.rdb.Ping(ctx).Err() })
}

// do runs fn unless Redis failed within retryAfter, and keeps the circuit's state.
func (c *Client) do(ctx context.Context, fn func(context.Context) error) error {
	if !c.admit() {
		return ErrDown
	}
	err := fn(ctx)
	var reply redis.Error
	switch {
	case err == nil, errors.Is(err, redis.Nil), errors.As(err, &reply) && !errors.Is(err, redis.ErrPoolTimeout):
		// Redis answered, if only with an error of its own.
		c.answered()
	case ctx.Err() != nil:
		// The caller left; that says nothing about Redis.
	default:
		c.failed(err)
	}
	return err
}

// admit says whether to ask Redis now: always while up; while down, one call per retryAfter.
func (c *Client) admit() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.up {
		return true
	}
	now := time.Now()
	if now.Before(c.retryAt) {
		return false
	}
	c.retryAt = now.Add(retryAfter)
	return true
}

func (c *Client) answered() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up {
		c.up, c.lastErr = true, nil
		c.log.Info("redis: reachable again; sharing tiles and rate limits")
	}
}

func (c *Client) failed(err error) {
	c.errors.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastErr, c.retryAt = err, time.Now().Add(retryAfter)
	if c.up {
		c.up = false
		c.log.Warn("redis: unreachable; serving from the database and this instance's caches until it answers",
			"err", err, "retry_every", retryAfter)
	}
}

// quietRedis is go-redis's own logger: it would print every failed dial to stderr, where the
// client already logs the outage once.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func init() { redis.SetLogger(quietRedis{}) }

// CheckURL reports whether url is a Redis URL Open takes.
func CheckURL(url string) error {
	_, err := redis.ParseURL(url)
	return err
}
