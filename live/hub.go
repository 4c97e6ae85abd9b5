// Package live brings committed changes to what users see: it reads the changes the
// database records (store.ChangesSince) and hands each batch, once and in order, to the
// services that keep something derived from the data (the tile cache, the geocoder's street
// names). Notifications wake it in every running service; a writer calls CatchUp after its
// commit so that its own next read is fresh before any notification arrives.
package live

import (
	"context"
	"log/slog"
	"sync"

	"bandoso/store"
)

// batch is how many changes one read takes; CatchUp reads until none is left.
const batch = 1000

// Hub reads changes and fans them out to its subscribers. It is safe for concurrent use;
// batches reach subscribers one at a time, in id order. With each batch it records the
// primary's WAL position after it (store.DB.Saw), which readers from replicas compare with.
type Hub struct {
	db  *store.DB
	log *slog.Logger

	mu      sync.Mutex
	started bool
	cursor  store.ChangeCursor
	subs    []func([]store.Change)
}

// New returns a hub over db's changes; log receives failed reads (nil discards).
func New(db *store.DB, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub{db: db, log: log}
}

// Subscribe adds fn to the functions told of every batch of changes. Call it before the hub
// is used.
func (h *Hub) Subscribe(fn func([]store.Change)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs = append(h.subs, fn)
}

// CatchUp reads the changes committed since the last read and applies them now. The first
// successful call starts from the latest change and tells subscribers that everything may
// have changed (a change of the catalog), since what they hold was read at some time before.
// A nil hub does nothing.
func (h *Hub) CatchUp(ctx context.Context) error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.started {
		c, err := h.db.ChangesHead(ctx)
		if err != nil {
			return err
		}
		h.cursor, h.started = c, true
		h.db.Saw(c.LSN)
		h.apply([]store.Change{{Table: "layers", All: true}})
	}
	for {
		changes, next, err := h.db.ChangesSince(ctx, h.cursor, batch)
		if err != nil {
			return err
		}
		h.cursor = next
		if len(changes) == 0 {
			return nil
		}
		// The position goes first: a tile asked for once subscribers have dropped what the
		// changes touch must hold them to be cached (tiles.Service.Tile), and a read goes
		// to a replica only once it has replayed them.
		h.db.Saw(next.LSN)
		h.apply(changes)
	}
}

func (h *Hub) apply(changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	for _, fn := range h.subs {
		fn(changes)
	}
}

// Listen catches up whenever the database announces a change, every store.ChangesPoll
// otherwise, and after every reconnection, until ctx ends. It never fails: a read that fails
// is logged and tried again at the next wake.
func (h *Hub) Listen(ctx context.Context) {
	h.db.ListenChanges(ctx, func() { //nolint:errcheck // returns only when ctx ends
		if err := h.CatchUp(ctx); err != nil && ctx.Err() == nil {
			h.log.Warn("changes: read failed; tiles may be stale until the next read", "err", err)
		}
	})
}
