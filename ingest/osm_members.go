package ingest

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// memberWays keeps the geometries of the ways multipolygons are made of, and only of those:
// their ids are known from a first pass over the relations. Coordinates go to a temporary
// file as int32 pairs (1e-7 degrees); memory holds 17 bytes per member way.
type memberWays struct {
	ids     []int64 // sorted, unique
	off     []int64
	points  []int32 // points stored; -1: the way is not in the file
	missing []int32 // nodes of the way not in the file
	inside  []bool  // a node lies inside the bounding box
	file    *spill
	buf     []byte
}

func newMemberWays(dir string, ids []int64) (*memberWays, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	f, err := newSpill(dir, "bandoso-osm-ways-*")
	if err != nil {
		return nil, err
	}
	m := &memberWays{ids: slices.Clip(ids), file: f, off: make([]int64, len(ids)),
		points: make([]int32, len(ids)), missing: make([]int32, len(ids)), inside: make([]bool, len(ids))}
	for i := range m.points {
		m.points[i] = -1
	}
	return m, nil
}

// index returns where way id is kept, if a multipolygon needs it.
func (m *memberWays) index(id int64) (int, bool) {
	return slices.BinarySearch(m.ids, id)
}

// put keeps the way at index i: coords as lon, lat pairs.
func (m *memberWays) put(i int, coords []int32, missing int, inside bool) error {
	m.buf = m.buf[:0]
	for _, c := range coords {
		m.buf = binary.LittleEndian.AppendUint32(m.buf, uint32(c))
	}
	off, err := m.file.append(m.buf)
	if err != nil {
		return fmt.Errorf("ingest: writing member ways: %w", err)
	}
	m.off[i], m.points[i], m.missing[i], m.inside[i] = off, int32(len(coords)/2), int32(missing), inside
	return nil
}

// memberWay is a kept way: found is false when the file does not have it.
type memberWay struct {
	coords  []int32
	missing int
	inside  bool
	found   bool
}

// get returns the way id as put.
func (m *memberWays) get(id int64) (memberWay, error) {
	i, ok := m.index(id)
	if !ok || m.points[i] < 0 {
		return memberWay{}, nil
	}
	raw := make([]byte, 8*int(m.points[i]))
	if err := m.file.readAt(raw, m.off[i]); err != nil {
		return memberWay{}, fmt.Errorf("ingest: reading member ways: %w", err)
	}
	coords := make([]int32, len(raw)/4)
	for k := range coords {
		coords[k] = int32(binary.LittleEndian.Uint32(raw[4*k:]))
	}
	return memberWay{coords: coords, missing: int(m.missing[i]), inside: m.inside[i], found: true}, nil
}

func (m *memberWays) close() error {
	if m == nil {
		return nil
	}
	return m.file.close()
}
