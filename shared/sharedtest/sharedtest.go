// Package sharedtest gives tests a Redis: the one REDIS_URL names (make test sets it, from
// scripts/redis.sh), or one of their own that they may stop and start again.
package sharedtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"bandoso/internal/testwait"
)

// URL returns REDIS_URL after emptying database db of it, or skips the test without it.
// Tests of different packages run at once: give each package its own db (1 to 15).
func URL(t testing.TB, db int) string {
	t.Helper()
	base := os.Getenv("REDIS_URL")
	if base == "" {
		t.Skip("REDIS_URL is not set: run with REDIS_URL=$(scripts/redis.sh url), as make test does")
	}
	opt, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	opt.DB = db
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("REDIS_URL %s: %v", base, err)
	}
	return fmt.Sprintf("redis://%s/%d", opt.Addr, db)
}

// Server is a redis-server of a test's own, on a free loopback port, without persistence.
type Server struct {
	t    testing.TB
	port int
	cmd  *exec.Cmd
}

// Start starts a redis-server for t, stopped when t ends; it skips the test where
// redis-server is not installed (scripts/redis.sh installs it).
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed: scripts/redis.sh url installs it")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, port: port}
	s.Restart()
	t.Cleanup(s.Kill)
	return s
}

// URL is the server's redis:// URL, database 0.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// Restart starts the server again on its port, with nothing in it, and waits until it answers.
func (s *Server) Restart() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(s.port),
		"--save", "", "--appendonly", "no", "--dir", s.t.TempDir())
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(s.port)})
	defer rdb.Close()
	testwait.Until(s.t, "redis-server answering", func() bool { return rdb.Ping(context.Background()).Err() == nil })
}

// Kill stops the server at once, as a crash would.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill() //nolint:errcheck // it may have stopped already
	s.cmd.Wait()         //nolint:errcheck // killed
	s.cmd = nil
}
