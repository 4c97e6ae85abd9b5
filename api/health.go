package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"bandoso/admit"
	"bandoso/store"
)

// handleHealthz serves GET /healthz: the process is up. It never touches the database, so a
// database outage does not get healthy instances restarted.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, mediaJSON, map[string]string{"status": "ok", "version": s.Version})
}

// handleReadyz serves GET /readyz: the database answers, its schema is current, and the gate
// in front of database work has not been full for longer than BusyAfter. With Redis, the
// answer also says whether it answers (redis.up), ready either way. A load balancer
// sends traffic only to ready instances; 503 with problem+json otherwise (/problems/busy
// when busy), so that new work goes to an instance with room and comes back once this one
// has some.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	if since := s.DBWork.Stats().FullSince; !since.IsZero() && time.Since(since) > s.Config.Database.BusyAfter {
		return fmt.Errorf("every place for database work taken since %s: %w", since.Format(time.RFC3339), admit.ErrBusy)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ready(ctx); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	ready := map[string]any{"status": "ready", "schema_version": store.LatestMigration()}
	if rs := s.DB.Replicas(); len(rs) > 0 {
		ready["replicas"] = replicasReady(rs)
	}
	if s.Redis != nil {
		ready["redis"] = s.redisState(ctx)
	}
	return writeJSON(w, mediaJSON, ready)
}

// replicaReady is a replica as /readyz shows it. A replica down does not make the instance
// unready: its reads go to the primary.
type replicaReady struct {
	Name       string  `json:"name"`
	Up         bool    `json:"up"`
	LagSeconds float64 `json:"lag_seconds"`
	Replayed   string  `json:"replayed_lsn"`
	Error      string  `json:"error,omitempty"`
}

func replicasReady(rs []store.ReplicaStatus) []replicaReady {
	out := make([]replicaReady, len(rs))
	for i, r := range rs {
		out[i] = replicaReady{Name: r.Name, Up: r.Up, LagSeconds: r.Lag.Seconds(), Replayed: r.Replayed.String()}
		if r.Err != nil {
			out[i].Error = r.Err.Error()
		}
	}
	return out
}

var (
	replicaUp  = prometheus.NewDesc("bandoso_db_replica_up", "1 when reads may go to the replica: it answers and is within --replica-max-lag.", []string{"replica"}, nil)
	replicaLag = prometheus.NewDesc("bandoso_db_replica_lag_seconds", "How long ago the primary was where the replica has replayed to; 0 when caught up.", []string{"replica"}, nil)
)

// replicaCollector reads what the health loop knows of each replica once per scrape.
type replicaCollector struct{ db *store.DB }

func (c replicaCollector) Describe(ch chan<- *prometheus.Desc) { ch <- replicaUp; ch <- replicaLag }

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range c.db.Replicas() {
		up := 0.0
		if r.Up {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(replicaUp, prometheus.GaugeValue, up, r.Name)
		ch <- prometheus.MustNewConstMetric(replicaLag, prometheus.GaugeValue, r.Lag.Seconds(), r.Name)
	}
}

// redisState is /readyz's word on Redis, which is optional: the instance is ready without it,
// sharing nothing. Asking is also how a Redis back after an outage is noticed when nothing
// else asks (at most once a second while it is down).
func (s *Server) redisState(ctx context.Context) map[string]any {
	s.Redis.Ping(ctx) //nolint:errcheck // Status says what came of it
	st := s.Redis.Status()
	state := map[string]any{"up": st.Up, "errors": st.Errors}
	if !st.Up {
		state["error"] = st.Err
		state["serving"] = "without Redis: tiles from the database and this instance's cache, rate limits per instance"
	}
	return state
}
