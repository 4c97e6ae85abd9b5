package shared

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Tiles is the second-level tile cache, behind each instance's own: the gzipped bytes and
// ETag of a tile, kept for the cache's time to live and seen by every instance.
//
// Dropping. Every instance hears every committed change and drops from its own cache the
// tiles the change touches; each also drops them here, and dropping twice is harmless.
// Redis cannot be searched by area, so the caller names the tiles: for a source table and
// zoom, the coordinates z/x/y the change's boxes cover (buffer included) and the layers drawn
// from that table there. Each coordinate has a set of the variants cached at it (the layers
// a tile holds and how they are drawn), and Drop deletes those that hold one of the named
// layers. Where a change covers too many tiles, or all of a table, the caller bumps the
// table's generation at that zoom instead (Bump): it is part of every key of a tile drawn
// from the table, so the tiles of the old generation are no longer found and expire.
// Bumping is keyed by the change, so that the instances hearing it bump once between them.
//
// The race. Instance A misses a tile, reads it from the database, and stores it. If a
// change commits after A's read, and instance B, having heard it, drops the tile before
// A's store, A would store rows from before the change after the drop that was meant to
// remove them, to be served until the tile expires. So every drop takes a number from one
// counter (seq) and leaves it at each coordinate it drops (a drop marker); a miss returns
// the counter as it stood (Miss), taken before A asked the database; and the store script
// refuses a tile when a marker at its coordinate is newer than the miss, or when a
// generation of its tables moved since. Redis runs scripts one at a time, so "newer" is
// exact: the drop came after A's miss and so possibly after A's read. A tile refused is
// merely not shared; A still serves it, and its own cache follows the same rule
// (tiles.Service's epoch). Markers live dropMarkerTTL, far longer than a tile may take.
// The number is Redis's own rather than the change's position in the changes table: ids
// are taken when rows are written, not when they commit (store.ChangeCursor), so a position
// does not say exactly which rows a read saw, while the order of scripts in Redis does.
//
// Redis gone. A drop that fails is not lost: the next call that reaches Redis first bumps
// a generation every tile key holds, which forgets the whole shared cache at once. A Redis
// restarted empty has lost its markers and generations with its tiles; so that a tile missed
// before the restart is not stored after it, every key and miss also holds the Redis's epoch,
// the time its first script ran. The counters and generations have no time to live, so that
// Redis never evicts them (maxmemory-policy volatile-lru, as scripts/redis.sh sets).
type Tiles struct {
	c   *Client
	ttl time.Duration
	// lost is set when a drop or bump failed: the shared cache may hold tiles that
	// should have gone.
	lost atomic.Bool

	hits, misses atomic.Int64
}

// dropMarkerTTL is how long a drop is remembered at a coordinate: longer than any tile is
// in the making (the statement timeout, and the tile timeout, are seconds).
const dropMarkerTTL = 10 * time.Minute

// Tiles returns the shared tile cache keeping each tile for ttl.
func (c *Client) Tiles(ttl time.Duration) *Tiles { return &Tiles{c: c, ttl: ttl} }

// TileKey names one tile: where it is, what it holds, and what it is drawn from.
type TileKey struct {
	// Coord is z/x/y.
	Coord string
	// Layers are the layers' names, in the tile's order; Drawn identifies how they are
	// drawn (a digest of their statements), so that a change of the catalog gives new keys.
	Layers []string
	Drawn  string
	// Tables are the tables the layers are drawn from at this zoom.
	Tables []string
}

// Tile is a tile as the shared cache keeps it. An empty Hash is a tile with no features.
type Tile struct {
	Hash string
	Gzip []byte
}

// Miss is what a miss knew of the shared cache, for the store that follows it.
type Miss struct {
	seq  int64
	gens string
}

// TileStats counts what the shared cache answered this instance.
type TileStats struct{ Hits, Misses int64 }

// Stats returns the counts since the cache was made.
func (t *Tiles) Stats() TileStats { return TileStats{Hits: t.hits.Load(), Misses: t.misses.Load()} }

// Keys, under keyPrefix "tiles:": epoch, seq (the drop counter), gen (the global generation),
// gen:TABLE:Z (a generation), drop:COORD
// (the marker), idx:COORD (the variants cached there), tile:COORD:VARIANT:GENS (a tile),
// bumped:TABLE:Z:CHANGE (a bump done). The scripts build keys from their arguments, which a
// single Redis allows (Redis Cluster would not: keep to one node). A tile's value is its
// 32-character hash then its gzipped bytes; an empty tile's is empty.
const tilesPrefix = keyPrefix + "tiles:"

// luaGens is a function the scripts share: the generations of the tables (ARGV from i on)
// at zoom z, after the Redis's epoch and the global generation.
const luaGens = `
local P = ARGV[1]
local function gens(z, from)
	local epoch = redis.call('GET', P .. 'epoch')
	if not epoch then
		local t = redis.call('TIME')
		epoch = t[1] .. string.format('%06d', tonumber(t[2]))
		redis.call('SET', P .. 'epoch', epoch)
	end
	local g = {epoch, redis.call('GET', P .. 'gen') or '0'}
	for i = from, #ARGV do
		g[#g + 1] = redis.call('GET', P .. 'gen:' .. ARGV[i] .. ':' .. z) or '0'
	end
	return table.concat(g, '.')
end
`

// ARGV: prefix, z, coord, variant, tables...
var getScript = redis.NewScript(luaGens + `
local g = gens(ARGV[2], 5)
local v = redis.call('GET', P .. 'tile:' .. ARGV[3] .. ':' .. ARGV[4] .. ':' .. g)
return {tonumber(redis.call('GET', P .. 'seq') or '0'), g, v}
`)

// ARGV: prefix, z, coord, variant, since, gens, ttl (s), value, tables...
var storeScript = redis.NewScript(luaGens + `
if tonumber(redis.call('GET', P .. 'drop:' .. ARGV[3]) or '0') > tonumber(ARGV[5]) then return 0 end
local g = gens(ARGV[2], 9)
if g ~= ARGV[6] then return 0 end
local member = ARGV[4] .. ':' .. g
redis.call('SET', P .. 'tile:' .. ARGV[3] .. ':' .. member, ARGV[8], 'EX', ARGV[7])
redis.call('SADD', P .. 'idx:' .. ARGV[3], member)
redis.call('EXPIRE', P .. 'idx:' .. ARGV[3], ARGV[7])
return 1
`)

// ARGV: prefix, marker ttl (s), ",names,", coords... A variant is "layer,layer@drawn".
var dropScript = redis.NewScript(`
local P = ARGV[1]
local seq = redis.call('INCR', P .. 'seq')
local dropped = 0
for i = 4, #ARGV do
	local coord = ARGV[i]
	redis.call('SET', P .. 'drop:' .. coord, seq, 'EX', ARGV[2])
	local idx = P .. 'idx:' .. coord
	for _, member in ipairs(redis.call('SMEMBERS', idx)) do
		local layers = string.match(member, '^([^@]*)@')
		local hit = false
		for name in string.gmatch(layers or '', '[^,]+') do
			if string.find(ARGV[3], ',' .. name .. ',', 1, true) then hit = true break end
		end
		if hit then
			dropped = dropped + redis.call('DEL', P .. 'tile:' .. coord .. ':' .. member)
			redis.call('SREM', idx, member)
		end
	end
end
return dropped
`)

// ARGV: prefix, change, marker ttl (s), z, tables...
var bumpScript = redis.NewScript(`
local P = ARGV[1]
for i = 5, #ARGV do
	local gen = ARGV[i] .. ':' .. ARGV[4]
	if redis.call('SET', P .. 'bumped:' .. gen .. ':' .. ARGV[2], 1, 'NX', 'EX', ARGV[3]) then
		redis.call('INCR', P .. 'gen:' .. gen)
	end
end
return 1
`)

func (k TileKey) variant() string { return strings.Join(k.Layers, ",") + "@" + k.Drawn }

func (k TileKey) zoom() string { z, _, _ := strings.Cut(k.Coord, "/"); return z }

func (k TileKey) args(first ...any) []any {
	args := append([]any{tilesPrefix, k.zoom(), k.Coord, k.variant()}, first...)
	for _, t := range k.Tables {
		args = append(args, t)
	}
	return args
}

// Get returns the tile under k; found is false on a miss, when miss is what Store needs.
// It counts a hit or a miss (Stats).
func (t *Tiles) Get(ctx context.Context, k TileKey) (tile Tile, found bool, miss Miss, err error) {
	return t.get(ctx, k, true)
}

// Look is Get without counting, for the service's own work (seeding, pre-rendering), which
// is not the clients' hit rate.
func (t *Tiles) Look(ctx context.Context, k TileKey) (tile Tile, found bool, miss Miss, err error) {
	return t.get(ctx, k, false)
}

func (t *Tiles) get(ctx context.Context, k TileKey, count bool) (tile Tile, found bool, miss Miss, err error) {
	var reply []any
	err = t.do(ctx, func(ctx context.Context) error {
		var err error
		reply, err = getScript.Run(ctx, t.c.rdb, nil, k.args()...).Slice()
		return err
	})
	if err != nil {
		return tile, false, miss, err
	}
	seq, _ := reply[0].(int64)
	gens, _ := reply[1].(string)
	value, found := reply[2].(string)
	if !found {
		if count {
			t.misses.Add(1)
		}
		return tile, false, Miss{seq: seq, gens: gens}, nil
	}
	if count {
		t.hits.Add(1)
	}
	if len(value) >= hashLen {
		tile = Tile{Hash: value[:hashLen], Gzip: []byte(value[hashLen:])}
	}
	return tile, true, miss, nil
}

// hashLen is the length of a tile's hash (tiles.Tile.Hash).
const hashLen = 32

// Store keeps tile under k unless a drop or a new generation came since miss, the Get that
// missed it; stored says which.
func (t *Tiles) Store(ctx context.Context, k TileKey, miss Miss, tile Tile) (stored bool, err error) {
	value := ""
	if tile.Hash != "" {
		value = tile.Hash + string(tile.Gzip)
	}
	var n int64
	err = t.do(ctx, func(ctx context.Context) error {
		var err error
		n, err = storeScript.Run(ctx, t.c.rdb, nil, k.args(miss.seq, miss.gens, seconds(t.ttl), value)...).Int64()
		return err
	})
	return n == 1, err
}

// Drop deletes, at each of coords (z/x/y), the tiles holding one of the named layers.
func (t *Tiles) Drop(ctx context.Context, names []string, coords []string) error {
	if len(coords) == 0 || len(names) == 0 {
		return nil
	}
	args := []any{tilesPrefix, seconds(dropMarkerTTL), "," + strings.Join(names, ",") + ","}
	for _, c := range coords {
		args = append(args, c)
	}
	return t.change(ctx, func(ctx context.Context) error { return dropScript.Run(ctx, t.c.rdb, nil, args...).Err() })
}

// Bump moves the generation of tables at zoom z, once for the change numbered change
// however many instances bump for it.
func (t *Tiles) Bump(ctx context.Context, change int64, z int, tables []string) error {
	if len(tables) == 0 {
		return nil
	}
	args := []any{tilesPrefix, change, seconds(dropMarkerTTL), z}
	for _, tb := range tables {
		args = append(args, tb)
	}
	return t.change(ctx, func(ctx context.Context) error { return bumpScript.Run(ctx, t.c.rdb, nil, args...).Err() })
}

// change runs a drop or bump; one that fails leaves the whole cache to be forgotten.
func (t *Tiles) change(ctx context.Context, fn func(context.Context) error) error {
	err := t.do(ctx, fn)
	if err != nil {
		t.lost.Store(true)
	}
	return err
}

// do runs fn, first forgetting the whole cache if a drop was lost.
func (t *Tiles) do(ctx context.Context, fn func(context.Context) error) error {
	if t.lost.Load() {
		err := t.c.do(ctx, func(ctx context.Context) error { return t.c.rdb.Incr(ctx, tilesPrefix+"gen").Err() })
		if err != nil {
			return err
		}
		t.lost.Store(false)
	}
	return t.c.do(ctx, fn)
}

// seconds is d in whole seconds, at least one, as Redis's EX takes it.
func seconds(d time.Duration) int64 { return max(int64(d/time.Second), 1) }
