package live_test

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"bandoso/internal/testwait"
	"bandoso/live"
	"bandoso/store"
	"bandoso/store/storetest"
)

// recorder is a subscriber that keeps every batch it is told of, and notices when it is
// called again before a call returned.
type recorder struct {
	mu      sync.Mutex
	batches [][]store.Change
	running atomic.Int32
	overlap atomic.Bool
}

func newRecorder(h *live.Hub) *recorder {
	r := &recorder{}
	h.Subscribe(r.apply)
	return r
}

func (r *recorder) apply(changes []store.Change) {
	if r.running.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.running.Add(-1)
	runtime.Gosched() // room for another call to overlap, were the hub to allow it
	r.mu.Lock()
	r.batches = append(r.batches, changes)
	r.mu.Unlock()
}

// seen returns the batches so far.
func (r *recorder) seen() [][]store.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]store.Change(nil), r.batches...)
}

// changes returns every change told so far, batch after batch.
func (r *recorder) changes() []store.Change {
	var all []store.Change
	for _, b := range r.seen() {
		all = append(all, b...)
	}
	return all
}

// sqlAddStreet adds a short street going east from $2, $3: one statement, one change.
const sqlAddStreet = `INSERT INTO streets (name, geom)
VALUES ($1, ST_Multi(ST_MakeLine(ST_Point($2, $3, 4326), ST_Point($2 + 0.001, $3, 4326))))`

func addStreet(t *testing.T, pool *pgxpool.Pool, name string, lon, lat float64) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sqlAddStreet, name, lon, lat); err != nil {
		t.Fatal(err)
	}
}

func catchUp(t *testing.T, h *live.Hub) {
	t.Helper()
	if err := h.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// isCatalogReload is the batch a hub's first read tells: everything may have changed.
func isCatalogReload(b []store.Change) bool {
	return len(b) == 1 && b[0].Table == "layers" && b[0].All
}

func TestCatchUp(t *testing.T) {
	t.Parallel()
	db, pool := storetest.NewWithPool(t)
	addStreet(t, pool, "Đường Trước", 106.69, 10.77) // before the hub: not told
	h := live.New(db, nil)
	a, b := newRecorder(h), newRecorder(h)

	catchUp(t, h)
	if got := a.seen(); len(got) != 1 || !isCatalogReload(got[0]) {
		t.Fatalf("first read told %+v, want one catalog reload", got)
	}
	catchUp(t, h)
	if got := a.seen(); len(got) != 1 {
		t.Fatalf("a read without changes told %+v", got[1:])
	}

	addStreet(t, pool, "Đường Sau", 106.70, 10.78)
	catchUp(t, h)
	got := a.seen()
	if len(got) != 2 || len(got[1]) != 1 {
		t.Fatalf("after one statement: %+v, want a batch of one change", got)
	}
	c := got[1][0]
	if c.Table != "streets" || c.All || c.ID == 0 || len(c.Boxes) != 1 {
		t.Fatalf("change %+v, want one box on streets", c)
	}
	if box := c.Boxes[0]; !box.Contains(orb.Point{106.70, 10.78}) || !box.Contains(orb.Point{106.701, 10.78}) {
		t.Errorf("box %v does not hold the street from 106.700 to 106.701 at 10.78", box)
	}
	catchUp(t, h)
	if n := len(a.seen()); n != 2 {
		t.Errorf("the change was told again: %d batches", n)
	}
	if len(b.seen()) != len(a.seen()) || b.changes()[1].ID != c.ID {
		t.Errorf("the second subscriber was told %+v, the first %+v", b.seen(), a.seen())
	}

	var none *live.Hub
	if err := none.CatchUp(context.Background()); err != nil {
		t.Errorf("a nil hub: %v", err)
	}
}

// TestCatchUpBatches: more changes than one read takes, committed together, come in one
// catch-up as several batches, each change once and in order.
func TestCatchUpBatches(t *testing.T) {
	t.Parallel()
	const n = 2500
	db, pool := storetest.NewWithPool(t)
	h := live.New(db, nil)
	r := newRecorder(h)
	catchUp(t, h)
	if _, err := pool.Exec(context.Background(), `DO $$ BEGIN FOR i IN 1..`+strconv.Itoa(n)+` LOOP
		INSERT INTO streets (name, geom) VALUES ('Đường ' || i, ST_Multi(ST_MakeLine(ST_Point(106.7, 10.78, 4326), ST_Point(106.701, 10.78, 4326))));
	END LOOP; END $$`); err != nil {
		t.Fatal(err)
	}
	catchUp(t, h)
	batches := r.seen()[1:]
	changes := r.changes()[1:]
	if len(changes) != n || len(batches) < 2 {
		t.Fatalf("%d changes in %d batches, want %d in several", len(changes), len(batches), n)
	}
	for i := 1; i < len(changes); i++ {
		if changes[i].ID <= changes[i-1].ID {
			t.Fatalf("change %d has id %d after %d", i, changes[i].ID, changes[i-1].ID)
		}
	}
	catchUp(t, h)
	if len(r.changes()) != n+1 {
		t.Errorf("a read after all was read told %d more", len(r.changes())-n-1)
	}
}

// TestCatchUpConcurrent: writers that catch up after their commits, all at once, as the
// handlers of one service do: every change is told exactly once, one batch at a time.
func TestCatchUpConcurrent(t *testing.T) {
	t.Parallel()
	const writers, writes = 4, 20
	db, pool := storetest.NewWithPool(t)
	h := live.New(db, nil)
	r := newRecorder(h)
	catchUp(t, h) // from here on every change is told; those before are the catalog reload
	var wg sync.WaitGroup
	errs := make(chan error, writers*writes)
	for w := range writers {
		wg.Go(func() {
			for i := range writes {
				if _, err := pool.Exec(context.Background(), sqlAddStreet, "Đường Song Song", 106.7+float64(w)*0.01, 10.78+float64(i)*0.001); err != nil {
					errs <- err
					return
				}
				if err := h.CatchUp(context.Background()); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	catchUp(t, h)
	if r.overlap.Load() {
		t.Error("a subscriber was called while another call to it ran")
	}
	told := map[int64]int{}
	for _, b := range r.seen() {
		for i, c := range b {
			told[c.ID]++
			if i > 0 && c.ID <= b[i-1].ID {
				t.Errorf("batch out of order: %d after %d", c.ID, b[i-1].ID)
			}
		}
	}
	delete(told, 0) // the catalog reload
	if len(told) != writers*writes {
		t.Errorf("told %d changes, want %d", len(told), writers*writes)
	}
	for id, n := range told {
		if n != 1 {
			t.Errorf("change %d told %d times", id, n)
		}
	}
}

// TestListen: a change committed elsewhere reaches a listening hub without anyone catching
// up, and Listen returns when its context ends.
func TestListen(t *testing.T) {
	t.Parallel()
	db, pool := storetest.NewWithPool(t)
	h := live.New(db, nil)
	r := newRecorder(h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Listen(ctx)
	}()
	defer func() {
		cancel()
		testwait.Until(t, "Listen returns after its context ended", func() bool {
			select {
			case <-done:
				return true
			default:
				return false
			}
		})
	}()
	// Listening, it reads at once: what came before is the catalog reload.
	testwait.Until(t, "the catalog reload", func() bool { return len(r.seen()) > 0 })
	if got := r.seen(); !isCatalogReload(got[0]) {
		t.Fatalf("first batch %+v, want the catalog reload", got[0])
	}
	addStreet(t, pool, "Đường Loa", 106.71, 10.79)
	testwait.Until(t, "the change of streets", func() bool {
		c := r.changes()
		return len(c) > 1 && c[len(c)-1].Table == "streets"
	})
}
