package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/paulmach/orb/encoding/mvt"
)

// Answer is what one server's answer to a request holds: bytes as sent and uncompressed.
type Answer struct {
	Sent, Bytes int
	Features    int
}

// answer gets base+path asking for gzip, inflates what came gzipped, and counts the
// features of the tile (every layer) or of the GeoJSON page (one for a single feature).
func answer(ctx context.Context, hc *http.Client, base, path string, tile bool) (Answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return Answer{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := hc.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Answer{}, err
	}
	switch {
	case resp.StatusCode == http.StatusNoContent || (resp.StatusCode == http.StatusOK && len(body) == 0):
		return Answer{}, nil
	case resp.StatusCode != http.StatusOK:
		return Answer{}, fmt.Errorf("%s: %s", path, resp.Status)
	}
	a := Answer{Sent: len(body)}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		if body, err = gunzip(body); err != nil {
			return a, fmt.Errorf("%s: %w", path, err)
		}
	}
	a.Bytes = len(body)
	if tile {
		layers, err := mvt.Unmarshal(body)
		if err != nil {
			return a, fmt.Errorf("%s: %w", path, err)
		}
		for _, l := range layers {
			a.Features += len(l.Features)
		}
		return a, nil
	}
	var page struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return a, fmt.Errorf("%s: %w", path, err)
	}
	a.Features = len(page.Features)
	if page.Type == "Feature" {
		a.Features = 1
	}
	return a, nil
}

// AnswerStat sums one server's answers to a scenario's sample.
type AnswerStat struct {
	Scenario, Peer        string
	Answers, Features     int
	Sent, Bytes, MaxBytes int
	DiffersFromBandoso    int // answers with another feature count than bandoso's
	FirstErr              error
	featuresByRequestIdx  []int
}

// checkAnswers asks each server for the first n requests of sc (after the timed runs, so
// nothing here is timed) and sums their sizes and features, counting the requests where a
// server has another number of features than bandoso: the reader sees whether the work was
// the same.
func checkAnswers(ctx context.Context, peers []Peer, sc Scenario, n int, tile bool) []AnswerStat {
	hc := &http.Client{}
	defer hc.CloseIdleConnections()
	var out []AnswerStat
	var ref []int
	for _, p := range peers {
		if !sc.has(p) {
			continue
		}
		s := AnswerStat{Scenario: sc.Name, Peer: p.Name}
		for i := range min(n, sc.N) {
			a, err := answer(ctx, hc, p.Base, sc.path(p, i), tile)
			if err != nil && s.FirstErr == nil {
				s.FirstErr = err
			}
			s.Answers++
			s.Features += a.Features
			s.Bytes += a.Bytes
			s.Sent += a.Sent
			s.MaxBytes = max(s.MaxBytes, a.Bytes)
			s.featuresByRequestIdx = append(s.featuresByRequestIdx, a.Features)
		}
		if p.Name == "bandoso" {
			ref = s.featuresByRequestIdx
		}
		out = append(out, s)
	}
	for k := range out {
		if ref == nil {
			break
		}
		for i, f := range out[k].featuresByRequestIdx {
			if i < len(ref) && f != ref[i] {
				out[k].DiffersFromBandoso++
			}
		}
	}
	return out
}

// reportAnswers prints the answers' sizes as a Markdown table.
func reportAnswers(w io.Writer, stats []AnswerStat) {
	fmt.Fprintln(w, "| scenario | server | answers | features | mean KB | max KB | mean KB as sent | answers with another feature count than bandoso | error |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---|")
	for _, s := range stats {
		mean, sent := 0.0, 0.0
		if s.Answers > 0 {
			mean = float64(s.Bytes) / float64(s.Answers) / 1024
			sent = float64(s.Sent) / float64(s.Answers) / 1024
		}
		e := ""
		if s.FirstErr != nil {
			e = s.FirstErr.Error()
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %.1f | %s | %.1f | %d | %s |\n", s.Scenario, s.Peer, s.Answers, s.Features, mean, kb(s.MaxBytes), sent, s.DiffersFromBandoso, e)
	}
}
