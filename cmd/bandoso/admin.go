package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"bandoso/api"
)

// adminHandler serves what operators need and the public must not reach: Go's profiler
// (/debug/pprof/…) beside the metrics, and seeding the tile caches on demand.
func adminHandler(m *api.Metrics, seed http.HandlerFunc) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/metrics", m.Handler())
	mux.Handle(seedPath, seed)
	return mux
}

// serveAdmin serves adminHandler on addr until the returned server is closed. It has no
// write timeout: a CPU profile or a trace streams for as long as asked.
func serveAdmin(addr string, m *api.Metrics, seed http.HandlerFunc, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--admin-listen: %w", err)
	}
	hs := &http.Server{Handler: adminHandler(m, seed), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	log.Info("admin listening", "addr", ln.Addr().String())
	go func() {
		if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "err", err)
		}
	}()
	return hs, nil
}
