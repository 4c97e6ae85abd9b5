package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// client fetches tiles over HTTP as a map client does: keep-alive connections, one per
// concurrent request, and gzip asked for (or not) by header, with the body left as sent.
type client struct {
	base string
	gzip bool
	hc   *http.Client
}

func newClient(base string, conns int, gz bool) *client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}
	return &client{base: base, gzip: gz, hc: &http.Client{Transport: tr}}
}

// get returns the body of path: nil for 204, an error for any status but 200 and 204; for
// 503 and 429 with a valid Retry-After, an errShed (shedFor).
func (c *client) get(ctx context.Context, path string) ([]byte, error) {
	body, _, err := c.getETag(ctx, path)
	return body, err
}

// getCold is get for a cold list: an answer a cache gave (X-Cache, as bandoso says) is an
// error.
func (c *client) getCold(ctx context.Context, path string) ([]byte, error) {
	body, _, err := c.fetch(ctx, path, true)
	return body, err
}

// getETag is get, also returning the response's ETag.
func (c *client) getETag(ctx context.Context, path string) ([]byte, string, error) {
	return c.fetch(ctx, path, false)
}

func (c *client) fetch(ctx context.Context, path string, cold bool) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, "", err
	}
	if c.gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	// Read into a buffer of the announced size: the client shares the machine with the
	// server and should cost it as little as it can.
	var body []byte
	if resp.ContentLength >= 0 {
		body = make([]byte, resp.ContentLength)
		_, err = io.ReadFull(resp.Body, body)
	} else {
		body, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return nil, "", err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		if x := resp.Header.Get("X-Cache"); cold && strings.HasSuffix(x, "hit") {
			return nil, "", fmt.Errorf("%s: answered from a cache (X-Cache: %s) in a cold list", path, x)
		}
		return body, resp.Header.Get("ETag"), nil
	case http.StatusNoContent:
		return nil, "", nil
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		// Retry-After in seconds, a positive integer, is what bandoso promises; an HTTP
		// date or anything else counts as an error.
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 1 {
			return nil, "", errShed{path: path, status: resp.Status, retryAfter: time.Duration(s) * time.Second}
		}
	}
	return nil, "", fmt.Errorf("%s: %s: %.200s", path, resp.Status, body)
}

func (c *client) close() { c.hc.CloseIdleConnections() }

// errShed is an answer that turned the request away for now: 503 or 429 with Retry-After.
type errShed struct {
	path, status string
	retryAfter   time.Duration
}

func (e errShed) Error() string {
	return fmt.Sprintf("%s: %s, retry after %s", e.path, e.status, e.retryAfter)
}

// shedFor tells whether err is a request turned away, and how long the client should wait.
func shedFor(err error) (time.Duration, bool) {
	var s errShed
	if errors.As(err, &s) {
		return s.retryAfter, true
	}
	return 0, false
}
