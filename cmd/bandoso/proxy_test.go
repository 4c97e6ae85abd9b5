package main_test

import (
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// proxy forwards TCP connections from a fixed loopback port to a database server. Stop
// closes the port and cuts every open connection, as a database restart or a network fault
// does; Start opens the same port again. Stall holds every byte in flight until Release.
type proxy struct {
	t       *testing.T
	addr    string // where it listens, fixed for its life
	backend string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	gate  sync.RWMutex
	held  atomic.Int64 // writes that waited at a stalled gate
}

// newProxy reserves a loopback port for a proxy to backend; it is not started.
func newProxy(t *testing.T, backend string) *proxy {
	t.Helper()
	p := &proxy{t: t, addr: reservePort(t), backend: backend, conns: map[net.Conn]bool{}}
	t.Cleanup(p.Stop)
	return p
}

// reserved are the ports handed out by reservePort in this process.
var reserved sync.Map

// reservePort returns a free loopback address whose port lies below the kernel's ephemeral
// range: the proxy closes and opens it again, and a port of that range may meanwhile become
// the local end of some outgoing connection (another test's), so that it cannot listen again.
func reservePort(t *testing.T) string {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				low = n
			}
		}
	}
	if low <= 2048 {
		t.Skipf("the ephemeral port range starts at %d: no port outside it to reserve", low)
	}
	for range 1000 {
		port := 1024 + rand.IntN(low-1024)
		if _, taken := reserved.LoadOrStore(port, true); taken {
			continue
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if ln, err := net.Listen("tcp", addr); err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no free loopback port below the ephemeral range")
	return ""
}

func (p *proxy) Start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
}

func (p *proxy) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.backend)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(client, server) {
		return
	}
	go p.copy(server, client)
	p.copy(client, server)
}

// track records a connection pair, or closes it when the proxy stopped meanwhile.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		p.conns[c] = true
	}
	return true
}

func (p *proxy) copy(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.gate.TryRLock() {
				p.held.Add(1)
				p.gate.RLock()
			}
			_, werr := dst.Write(buf[:n])
			p.gate.RUnlock()
			if werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Stop closes the listener and every connection through it.
func (p *proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// Stall holds every byte passing through until Release.
func (p *proxy) Stall()   { p.gate.Lock() }
func (p *proxy) Release() { p.gate.Unlock() }

// Holding reports whether bytes have come to the stalled gate since it was last asked.
func (p *proxy) Holding() bool { return p.held.Swap(0) > 0 }
