package shared

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// Limiter is the clients' request budgets kept in Redis, so that n instances behind one
// load balancer give a client one budget, not n. It is GCRA (redis_rate), a token bucket in
// all but name: perSecond on average with bursts of burst, one atomic script per request.
type Limiter struct {
	c   *Client
	gcr *redis_rate.Limiter
}

// Limiter returns the client's rate limiter.
func (c *Client) Limiter() *Limiter { return &Limiter{c: c, gcr: redis_rate.NewLimiter(c.rdb)} }

// Allow takes one request from client's budget of perSecond with bursts of burst. When the
// request is refused, retryAfter is when the next one would pass. An error (ErrDown while
// Redis is skipped) means nothing was decided: the caller decides alone.
func (l *Limiter) Allow(ctx context.Context, client string, perSecond float64, burst int) (ok bool, retryAfter time.Duration, err error) {
	// One request per 1/perSecond: redis_rate counts whole requests per period, and a
	// period of a fraction of a second keeps rates such as 2.5/s exact.
	limit := redis_rate.Limit{Rate: 1, Burst: max(burst, 1), Period: time.Duration(float64(time.Second) / perSecond)}
	var res *redis_rate.Result
	err = l.c.do(ctx, func(ctx context.Context) error {
		var err error
		res, err = l.gcr.Allow(ctx, keyPrefix+"rate:"+client, limit)
		return err
	})
	if err != nil {
		return false, 0, err
	}
	return res.Allowed > 0, res.RetryAfter, nil
}
