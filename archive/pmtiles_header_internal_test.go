package archive

import (
	"math/rand/v2"
	"testing"

	"github.com/protomaps/go-pmtiles/pmtiles"
)

// go-pmtiles, the format's reference Go implementation, is the independent reading of the
// spec these tests hold the code here to.

func theirHeader(h header) pmtiles.HeaderV3 {
	return pmtiles.HeaderV3{SpecVersion: h.Version, RootOffset: h.RootOffset, RootLength: h.RootLength,
		MetadataOffset: h.MetadataOffset, MetadataLength: h.MetadataLength, LeafDirectoryOffset: h.LeafOffset,
		LeafDirectoryLength: h.LeafLength, TileDataOffset: h.DataOffset, TileDataLength: h.DataLength,
		AddressedTilesCount: h.AddressedTiles, TileEntriesCount: h.TileEntries, TileContentsCount: h.TileContents,
		Clustered: h.Clustered, InternalCompression: pmtiles.Compression(h.InternalCompression),
		TileCompression: pmtiles.Compression(h.Compression), TileType: pmtiles.TileType(h.TileType),
		MinZoom: h.MinZoom, MaxZoom: h.MaxZoom, MinLonE7: h.MinLonE7, MinLatE7: h.MinLatE7, MaxLonE7: h.MaxLonE7,
		MaxLatE7: h.MaxLatE7, CenterZoom: h.CenterZoom, CenterLonE7: h.CenterLonE7, CenterLatE7: h.CenterLatE7}
}

func randomHeader(rng *rand.Rand) header {
	h := header{Version: 3, Clustered: rng.IntN(2) == 1, InternalCompression: compression(rng.IntN(5)),
		Compression: compression(rng.IntN(5)), TileType: tileType(rng.IntN(7)), MinZoom: uint8(rng.IntN(32)),
		MaxZoom: uint8(rng.IntN(256)), CenterZoom: uint8(rng.IntN(256))}
	for _, v := range h.counts() {
		*v = rng.Uint64() >> rng.IntN(64)
	}
	for _, v := range append(h.bounds(), &h.CenterLonE7, &h.CenterLatE7) {
		*v = int32(rng.Uint32())
	}
	return h
}

// TestHeaderAgainstGoPMTiles: a header written here reads in go-pmtiles as the same, and
// one go-pmtiles writes reads here as the same, to the byte.
func TestHeaderAgainstGoPMTiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 127))
	for range 500 {
		h := randomHeader(rng)
		b := h.marshal()
		if len(b) != headerLen {
			t.Fatalf("header of %d bytes, want %d", len(b), headerLen)
		}
		theirs, err := pmtiles.DeserializeHeader(b)
		if err != nil || theirs != theirHeader(h) {
			t.Fatalf("go-pmtiles reads %+v, %v\nwant %+v", theirs, err, theirHeader(h))
		}
		back, err := parseHeader(pmtiles.SerializeHeader(theirHeader(h)))
		if err != nil || back != h {
			t.Fatalf("read back %+v, %v\nwant %+v", back, err, h)
		}
		if string(pmtiles.SerializeHeader(theirs)) != string(b) {
			t.Fatalf("bytes differ from go-pmtiles'")
		}
	}
}

// TestHeaderRefused: a file not PMTiles, or of another version, or cut short, is refused.
func TestHeaderRefused(t *testing.T) {
	good := header{Version: 3}.marshal()
	if _, err := parseHeader(good); err != nil {
		t.Fatalf("a good header: %v", err)
	}
	v2 := append([]byte(nil), good...)
	v2[7] = 2
	for name, b := range map[string][]byte{"short": good[:headerLen-1], "SQLite": []byte("SQLite format 3\x00" + string(good[16:])), "version 2": v2} {
		if _, err := parseHeader(b); err == nil {
			t.Errorf("%s: read", name)
		}
	}
}

// TestTileIDAgainstGoPMTiles: tile IDs agree with go-pmtiles' at every zoom to 22, on the
// edges and corners and at random tiles, and with the spec's first ones.
func TestTileIDAgainstGoPMTiles(t *testing.T) {
	// The spec: zoom 0 is ID 0; zoom 1 goes 0/0, 0/1, 1/1, 1/0 (x/y) as IDs 1 to 4.
	for id, xy := range [][2]uint32{{0, 0}, {0, 1}, {1, 1}, {1, 0}} {
		if got := zxyID(1, xy[0], xy[1]); got != uint64(id+1) {
			t.Errorf("1/%d/%d: ID %d, want %d", xy[0], xy[1], got, id+1)
		}
	}
	if got := zxyID(0, 0, 0); got != 0 {
		t.Errorf("0/0/0: ID %d, want 0", got)
	}
	rng := rand.New(rand.NewPCG(22, 4))
	checked := 0
	for z := uint8(0); z <= 22; z++ {
		last := uint32(1)<<z - 1
		edges := []uint32{0, 1, last / 2, last/2 + 1, last - 1, last}
		for _, x := range edges {
			for _, y := range edges {
				x, y = min(x, last), min(y, last)
				tiles := [][2]uint32{{x, y}, {rng.Uint32N(last + 1), y}, {x, rng.Uint32N(last + 1)}}
				for _, xy := range tiles {
					want := pmtiles.ZxyToID(z, xy[0], xy[1])
					if got := zxyID(z, xy[0], xy[1]); got != want {
						t.Fatalf("%d/%d/%d: ID %d, go-pmtiles %d", z, xy[0], xy[1], got, want)
					}
					if bz, bx, by := pmtiles.IDToZxy(want); bz != z || bx != xy[0] || by != xy[1] {
						t.Fatalf("%d/%d/%d: go-pmtiles reads its ID back as %d/%d/%d", z, xy[0], xy[1], bz, bx, by)
					}
					checked++
				}
			}
		}
		for range 1000 {
			x, y := rng.Uint32N(last+1), rng.Uint32N(last+1)
			if got, want := zxyID(z, x, y), pmtiles.ZxyToID(z, x, y); got != want {
				t.Fatalf("%d/%d/%d: ID %d, go-pmtiles %d", z, x, y, got, want)
			}
			checked++
		}
	}
	t.Logf("%d tiles checked", checked)
}
