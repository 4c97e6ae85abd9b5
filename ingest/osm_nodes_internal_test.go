package ingest

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// storeNodes adds nodes to a fresh store of the given sort chunk and cache size.
func storeNodes(t *testing.T, nodes []nodeLoc, chunk, cached int) *nodeStore {
	t.Helper()
	s, err := newNodeStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.close() })
	s.chunk, s.blocksCached = chunk, cached
	for _, n := range nodes {
		if err := s.add(n.id, n.lon, n.lat); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.seal(); err != nil {
		t.Fatal(err)
	}
	return s
}

// randomNodes returns n nodes with ids ascending from start by random gaps (1 to 20) and
// random locations.
func randomNodes(rng *rand.Rand, n int, start int64) []nodeLoc {
	nodes := make([]nodeLoc, n)
	id := start
	for i := range nodes {
		id += 1 + rng.Int64N(20)
		nodes[i] = nodeLoc{id, rng.Int32N(3_600_000_000/2) - 900_000_000, rng.Int32N(1_800_000_000) - 900_000_000}
	}
	return nodes
}

// checkStore looks every node up, and the ids between and around them, which must be missing.
func checkStore(t *testing.T, s *nodeStore, nodes []nodeLoc) {
	t.Helper()
	want := map[int64]nodeLoc{}
	for _, n := range nodes {
		want[n.id] = n
	}
	for _, n := range nodes {
		for _, id := range []int64{n.id, n.id - 1, n.id + 1} {
			lon, lat, found, err := s.get(id)
			if err != nil {
				t.Fatal(err)
			}
			w, ok := want[id]
			if found != ok || found && (lon != w.lon || lat != w.lat) {
				t.Fatalf("get(%d) = %d, %d, %v; want %d, %d, %v", id, lon, lat, found, w.lon, w.lat, ok)
			}
		}
	}
}

func TestNodeStoreAscending(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nodes := randomNodes(rng, 50_000, -1000)
	const chunk = 7_000
	s := storeNodes(t, nodes, chunk, 16)
	runs, last := len(nodes)/chunk, len(nodes)%chunk
	want := runs*((chunk+nodesPerBlock-1)/nodesPerBlock) + (last+nodesPerBlock-1)/nodesPerBlock
	if len(s.blocks) != want {
		t.Errorf("%d blocks, want %d: sorted runs should be indexed as they are, not merged", len(s.blocks), want)
	}
	checkStore(t, s, nodes)
	for _, id := range []int64{-1 << 62, nodes[0].id - 100, nodes[len(nodes)-1].id + 1, 1 << 62} {
		if _, _, found, _ := s.get(id); found {
			t.Errorf("get(%d) found a node that was never added", id)
		}
	}
}

// Editors' XML: new nodes have negative ids counting down, mixed with existing ones; a node
// given twice counts as given last.
func TestNodeStoreUnsorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	nodes := randomNodes(rng, 30_000, -200_000)
	rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	moved := nodeLoc{nodes[10].id, 1, 2}
	nodes = append(nodes, moved)
	s := storeNodes(t, nodes, 1_000, 8) // 31 overlapping runs to merge
	if got, want := len(s.blocks), (len(nodes)-1+nodesPerBlock-1)/nodesPerBlock; got != want {
		t.Errorf("%d blocks, want %d after merging", got, want)
	}
	checkStore(t, s, append(nodes[:10:10], nodes[11:]...))
}

func TestNodeStoreDescending(t *testing.T) {
	nodes := make([]nodeLoc, 3_000)
	for i := range nodes {
		nodes[i] = nodeLoc{int64(-1 - i), int32(i), int32(-i)}
	}
	checkStore(t, storeNodes(t, nodes, 500, 4), nodes)
}

// Lookups over far more blocks than the cache holds evict and read blocks again, and still
// answer right.
func TestNodeStoreEviction(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	nodes := randomNodes(rng, 40*nodesPerBlock, 0)
	s := storeNodes(t, nodes, 1<<20, 4)
	for range 2 {
		for i := range nodes {
			n := nodes[rng.IntN(len(nodes))]
			if i%2 == 0 {
				n = nodes[i]
			}
			lon, lat, found, err := s.get(n.id)
			if err != nil || !found || lon != n.lon || lat != n.lat {
				t.Fatalf("get(%d) = %d, %d, %v, %v; want %d, %d", n.id, lon, lat, found, err, n.lon, n.lat)
			}
			if s.cache.Len() > 4 {
				t.Fatalf("cache holds %d blocks, more than its 4", s.cache.Len())
			}
		}
	}
	if s.spare == nil {
		t.Error("no block was ever evicted")
	}
}

func TestNodeStoreRefusesNodesAfterLookups(t *testing.T) {
	s := storeNodes(t, []nodeLoc{{1, 2, 3}}, 10, 2)
	if err := s.add(2, 0, 0); err != errNodeStoreClosed {
		t.Fatalf("add after seal: %v, want errNodeStoreClosed", err)
	}
}

// Three million nodes (a Go map of them would take over 100 MB) are stored, sorted or not,
// in memory that does not depend on their number: the sort buffer, the cache and a small index.
func TestNodeStoreMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("stores three million nodes")
	}
	// under the race detector: one and a half million nodes, sorted only in part, still
	// three times what a 48 MB heap could hold as a map
	n, gets, orders := 3_000_000, 3_000_000, []bool{false, true}
	if raceOn {
		n, gets, orders = 1_500_000, 200_000, []bool{true}
	}
	for _, shuffled := range orders {
		rng := rand.New(rand.NewPCG(7, 8))
		s, err := newNodeStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		base := heapInUse()
		peak := uint64(0)
		next := func(i int) nodeLoc {
			id := int64(i) * 3
			if shuffled { // a permutation of the same ids, in runs that overlap
				id = int64((uint64(i)*2654435761)%uint64(n)) * 3
			}
			return nodeLoc{id, int32(id % 1_000_000), int32(-id % 1_000_000)}
		}
		for i := range n {
			nd := next(i)
			if err := s.add(nd.id, nd.lon, nd.lat); err != nil {
				t.Fatal(err)
			}
			if i%500_000 == 0 {
				peak = max(peak, heapInUse())
			}
		}
		for i := range gets {
			nd := next(rng.IntN(n))
			lon, lat, found, err := s.get(nd.id)
			if err != nil || !found || lon != nd.lon || lat != nd.lat {
				t.Fatalf("get(%d) = %d, %d, %v, %v", nd.id, lon, lat, found, err)
			}
			if i%500_000 == 0 {
				peak = max(peak, heapInUse())
			}
		}
		s.close()
		grew := int64(peak) - int64(base)
		t.Logf("shuffled %v: %d blocks, heap grew %.1f MB", shuffled, len(s.blocks), float64(grew)/(1<<20))
		if grew > 48<<20 {
			t.Errorf("shuffled %v: the heap grew %.1f MB storing %d nodes, more than the 48 MB the store should need", shuffled, float64(grew)/(1<<20), n)
		}
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
