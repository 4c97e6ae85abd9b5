package tiles_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"bandoso/catalog"
	"bandoso/internal/testwait"
	"bandoso/live"
	"bandoso/store"
	"bandoso/store/storetest"
	"bandoso/tiles"
)

// With the replica's replay paused, a change the instance has heard of shows in the very next
// tile, made by the primary and cached; once replay resumes the cache still holds that tile,
// never one from before the change.
func TestReplicaBehindNeverCachesStaleTiles(t *testing.T) {
	url, pool := liveCity(t)
	replica := storetest.ReplicaURL(t, url)
	ctx := context.Background()
	db, err := store.Open(ctx, url, store.Options{MaxConns: 8, Replicas: []string{replica}, ReplicaMaxLag: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	cat := catalog.New(db)
	s := tiles.New(db, cat, tiles.NewCache(64<<20, time.Hour))
	hub := live.New(db, nil)
	hub.Subscribe(cat.Apply)
	hub.Subscribe(s.Apply)
	if err := hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "the replica is up", func() bool { return db.Replicas()[0].Up })
	before := tileData(t, s, centre)

	resume := storetest.PauseReplay(t, replica)
	edit(t, pool)
	if err := hub.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if st := db.Replicas()[0]; st.Replayed >= db.Seen() {
		t.Fatalf("the paused replica has replayed %s, past the change at %s", st.Replayed, db.Seen())
	}
	queries := s.Stats().Queries
	fresh := tileData(t, s, centre)
	if bytes.Equal(fresh, before) {
		t.Fatal("the tile after the change was heard of does not show it")
	}
	if again := tileData(t, s, centre); !bytes.Equal(again, fresh) || s.Stats().Queries != queries+1 {
		t.Errorf("the fresh tile was not cached: %d queries for two requests", s.Stats().Queries-queries)
	}

	resume()
	storetest.WaitReplayed(t, url, replica)
	if after := tileData(t, s, centre); !bytes.Equal(after, fresh) {
		t.Error("after replay resumed the tile is not the one with the change")
	}
}
