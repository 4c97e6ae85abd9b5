package main_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	main "bandoso/cmd/bandoso"
	"bandoso/internal/testlog"
	"bandoso/internal/testwait"
	"bandoso/store/storetest"
)

// program is one run of the real bandoso program.
type program struct {
	stdout, stderr *testlog.Buffer
	env            main.Env
}

func newProgram(vars map[string]string) *program {
	p := &program{stdout: &testlog.Buffer{}, stderr: &testlog.Buffer{}}
	p.env = main.Env{Getenv: func(k string) string { return vars[k] }, Stdout: p.stdout, Stderr: p.stderr}
	return p
}

func (p *program) run(ctx context.Context, args ...string) error {
	return main.Run(ctx, p.env, args)
}

// main runs the program as its main function does and returns the exit status.
func (p *program) main(ctx context.Context, args ...string) int {
	return main.Main(ctx, p.env, args)
}

// serving is a running `bandoso serve`.
type serving struct {
	url    string
	done   chan error // receives Run's result
	cancel context.CancelFunc
	*program
}

// mustServe runs `bandoso serve` on a free port with the given environment and waits until
// it listens. The program is stopped, and must return nil, when the test ends.
func mustServe(t *testing.T, vars map[string]string, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{done: make(chan error, 1), cancel: cancel, program: newProgram(vars)}
	addrs := make(chan net.Addr, 1)
	s.env.Listening = func(a net.Addr) { addrs <- a }
	go func() {
		// net/http's Shutdown counts a connection accepted but not yet sent a request as
		// busy for its first 5 s (a load client cancelled mid-dial leaves one): a grace of 5 s
		// or less then fails at random.
		s.done <- s.run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--shutdown-timeout", "15s"}, args...)...)
	}()
	select {
	case a := <-addrs:
		s.url = "http://" + a.String()
	case err := <-s.done:
		t.Fatalf("serve returned before listening: %v\n%s", err, s.stderr)
	case <-time.After(testwait.Patience):
		t.Fatalf("serve did not listen within %s\n%s", testwait.Patience, s.stderr)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("serve returned %v after cancel", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s of cancel")
		}
	})
	return s
}

// running fails the test when the program has returned.
func (s *serving) running(t *testing.T) {
	t.Helper()
	select {
	case err := <-s.done:
		t.Fatalf("serve exited: %v\n%s", err, s.stderr)
	default:
	}
}

// get fetches path and decodes its JSON body.
func get(t *testing.T, u string) (int, http.Header, map[string]any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("GET %s: body %q: %v", u, raw, err)
	}
	return res.StatusCode, res.Header, body
}

// waitReadyz polls /readyz until it answers status.
func (s *serving) waitReadyz(t *testing.T, status int) {
	t.Helper()
	deadline := time.Now().Add(testwait.Patience)
	for {
		got, h, body := get(t, s.url+"/readyz")
		if got == status {
			if status == http.StatusServiceUnavailable {
				if ct := h.Get("Content-Type"); ct != "application/problem+json" || body["status"] != float64(503) || h.Get("Retry-After") == "" {
					t.Errorf("/readyz 503 is not a problem with Retry-After: %q %v", ct, body)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d (%v) after %s, want %d\n%s", got, body, testwait.Patience, status, s.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// proxiedDatabase returns a migrated database of this test's own behind a proxy, not started.
func proxiedDatabase(t *testing.T) (*proxy, map[string]string) {
	t.Helper()
	return proxyTo(t, storetest.NewURL(t))
}

// proxyTo puts a proxy, not started, in front of the database at raw and returns it with
// the service's environment reaching the database through it.
func proxyTo(t *testing.T, raw string) (*proxy, map[string]string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("this test needs DATABASE_URL in URL form: %v", err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr
	return p, map[string]string{"DATABASE_URL": u.String(), "LOG_FORMAT": "json"}
}

// serveReady runs `bandoso serve` on a database behind a started proxy and waits until it
// is ready.
func serveReady(t *testing.T) (*proxy, *serving) {
	t.Helper()
	p, vars := proxiedDatabase(t)
	p.Start()
	s := mustServe(t, vars)
	s.waitReadyz(t, http.StatusOK)
	return p, s
}

func TestServeOutageAndRecovery(t *testing.T) {
	t.Parallel()
	p, s := serveReady(t)

	for round := 1; round <= 2; round++ {
		p.Stop()
		s.waitReadyz(t, http.StatusServiceUnavailable)
		if code, _, _ := get(t, s.url+"/healthz"); code != http.StatusOK {
			t.Errorf("round %d: /healthz %d during the outage, want 200", round, code)
		}
		s.running(t)
		p.Start()
		s.waitReadyz(t, http.StatusOK)
		s.running(t)
	}
}

func TestServeStartsWhileDatabaseDown(t *testing.T) {
	t.Parallel()
	p, vars := proxiedDatabase(t)
	s := mustServe(t, vars)
	s.waitReadyz(t, http.StatusServiceUnavailable)
	p.Start()
	s.waitReadyz(t, http.StatusOK)
}

func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	p, s := serveReady(t)

	// Hold the database's answers so that a /readyz is in flight when the program is told to stop.
	p.Stall()
	type result struct {
		code int
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		res, err := http.Get(s.url + "/readyz")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		res.Body.Close()
		inflight <- result{code: res.StatusCode}
	}()
	testwait.Until(t, "the /readyz's ping at the stalled database", p.Holding)
	s.cancel()
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-s.done:
		p.Release()
		t.Fatalf("serve returned %v with a request in flight", err)
	default:
	}
	p.Release()
	r := <-inflight
	if r.err != nil || r.code != http.StatusOK {
		t.Errorf("in-flight request: %d, %v; want 200", r.code, r.err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve returned %v, want nil", err)
		}
		s.done <- err // for the cleanup's check
	case <-time.After(testwait.Patience):
		t.Fatal("serve did not return after its last request")
	}
	if !strings.Contains(s.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no \"stopped\" log line:\n%s", s.stderr)
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"DATABASE_URL": storetest.NewEmptyURL(t)}
	first := newProgram(vars)
	if err := first.run(context.Background(), "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, first.stderr)
	}
	out := first.stdout.String()
	for _, want := range []string{"applied 00001 00001_extensions.sql", "applied 00002 00002_vn2000.sql", "applied 00007 00007_history.sql"} {
		if !strings.Contains(out, want) {
			t.Errorf("first migrate output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "00001_") > strings.Index(out, "00007_") || strings.Contains(out, "nothing to apply") {
		t.Errorf("first migrate output out of order or says nothing applied:\n%s", out)
	}
	again := newProgram(vars)
	if err := again.run(context.Background(), "migrate"); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if out := again.stdout.String(); !strings.Contains(out, "nothing to apply") || strings.Contains(out, "applied 0") {
		t.Errorf("second migrate output %q, want only \"nothing to apply\"", out)
	}
}

// A database that stops answering without closing its connections (a network partition)
// makes /readyz 503 within its own timeout, and the service recovers when answers return.
func TestServeStalledDatabase(t *testing.T) {
	t.Parallel()
	p, s := serveReady(t)
	p.Stall()
	s.waitReadyz(t, http.StatusServiceUnavailable)
	p.Release()
	s.waitReadyz(t, http.StatusOK)
	s.running(t)
}
