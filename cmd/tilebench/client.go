package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

// get returns the body of path: nil for 204, an error for any status but 200 and 204.
func (c *client) get(ctx context.Context, path string) ([]byte, error) {
	body, _, err := c.getETag(ctx, path)
	return body, err
}

// getETag is get, also returning the response's ETag.
func (c *client) getETag(ctx context.Context, path string) ([]byte, string, error) {
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
		return body, resp.Header.Get("ETag"), nil
	case http.StatusNoContent:
		return nil, "", nil
	}
	return nil, "", fmt.Errorf("%s: %s: %.200s", path, resp.Status, body)
}

func (c *client) close() { c.hc.CloseIdleConnections() }
