package main_test

import (
	"net"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, addr: ln.Addr().String(), backend: backend, conns: map[net.Conn]bool{}}
	ln.Close()
	t.Cleanup(p.Stop)
	return p
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
