package osmwrite

import (
	"slices"

	"github.com/paulmach/osm"
)

// pbfBlock gathers the elements of one PBF block, all of one type, column-wise: tags as
// key-value string ids in kv, a node's coordinates in lats and lons, a way's refs or a
// relation's members in refs (with roles and memberTypes) up to refEnd.
type pbfBlock struct {
	kind        kind
	size        int // an estimate of the encoded size
	strings     stringTable
	ids         []int64
	kv          []uint32
	kvEnd       []int // element i's tags are kv[kvEnd[i]:kvEnd[i+1]]
	lats, lons  []int64
	refs        []int64
	refEnd      []int
	roles       []uint32
	memberTypes []byte
}

func (b *pbfBlock) addElement(id int64, tags osm.Tags) {
	if len(b.kvEnd) == 0 {
		b.kvEnd = append(b.kvEnd, 0)
	}
	b.ids = append(b.ids, id)
	for _, t := range tags {
		b.kv = append(b.kv, b.strings.add(t.Key), b.strings.add(t.Value))
	}
	b.kvEnd = append(b.kvEnd, len(b.kv))
}

func (b *pbfBlock) reset() {
	b.kind, b.size = none, 0
	b.strings.reset()
	b.ids, b.kv, b.kvEnd = b.ids[:0], b.kv[:0], b.kvEnd[:0]
	b.lats, b.lons = b.lats[:0], b.lons[:0]
	b.refs, b.refEnd, b.roles, b.memberTypes = b.refs[:0], b.refEnd[:0], b.roles[:0], b.memberTypes[:0]
}

// stringTable numbers a block's strings as they come, then renumbers them by frequency so
// that the commonest keys and values take one-byte ids. Id 0 is the empty entry the format
// reserves as a delimiter; the empty string, when used, gets an id of its own.
type stringTable struct {
	id    map[string]uint32
	strs  []string // by provisional id
	count []int
}

func (t *stringTable) reset() {
	if t.id == nil {
		t.id = map[string]uint32{}
	}
	clear(t.id)
	t.strs, t.count = append(t.strs[:0], ""), append(t.count[:0], 0)
}

// add returns the provisional id of s.
func (t *stringTable) add(s string) uint32 {
	id, ok := t.id[s]
	if !ok {
		id = uint32(len(t.strs))
		t.id[s] = id
		t.strs = append(t.strs, s)
		t.count = append(t.count, 0)
	}
	t.count[id]++
	return id
}

// byFrequency returns the table to write, most used strings first (ties in order of first
// use, so the output is deterministic), and the final id of each provisional id.
func (t *stringTable) byFrequency() (table []string, index []uint32) {
	order := make([]uint32, len(t.strs)-1)
	for i := range order {
		order[i] = uint32(i + 1)
	}
	slices.SortStableFunc(order, func(a, b uint32) int { return t.count[b] - t.count[a] })
	table = make([]string, 1, len(t.strs))
	index = make([]uint32, len(t.strs))
	for _, p := range order {
		index[p] = uint32(len(table))
		table = append(table, t.strs[p])
	}
	return table, index
}
