//go:build race

package ingest

// raceOn: the race detector slows the store's millions of reads and writes some twenty
// times; the memory tests then use fewer.
const raceOn = true
