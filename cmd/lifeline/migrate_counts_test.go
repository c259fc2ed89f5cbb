package main

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/store"
)

// diesAt is a store whose write number n fails before it runs: a folder
// killed there. It writes one scope at a time, as a backend without
// cross-scope transactions does.
type diesAt struct {
	db        *store.DB
	n, writes int
}

var errDied = errors.New("the folder died")

func (d *diesAt) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	if d.writes++; d.writes == d.n {
		return errDied
	}
	return d.db.Write(ctx, scope, fn)
}

func (d *diesAt) Read(ctx context.Context, fn func(r store.Reader) error) error {
	return d.db.Read(ctx, fn)
}

// A broadcast's counts on a single node, in every shape a store can
// hold them: shards of the older layout (one key for many people),
// shares already folded into the base, a closed epoch not yet folded,
// folded shares a crash left undeleted, and shares of two people in the
// open epoch (447700990025 and 447700990050, who shared an older
// shard). Copied into the cluster, each share is in its person's scope
// and the base and the shards in the broadcast's: the cluster adds up
// to what the source does, and folding on the cluster does not move it.
func TestMigratedCountsAddUpAsOnTheSource(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "badger")
	people := []string{"15550006001", "15550006002", "15550006003", "447700990025", "447700990050"}
	whose := func(r *broadcast.Recipient) string { return r.WaID }
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	fold := func(db store.Scopes, at time.Time) error {
		_, err := store.FoldBroadcastCounts[broadcast.Counts](ctx, db, "b1", whose, at, time.Minute, 10)
		return err
	}
	sum := func(db *store.DB) broadcast.Counts {
		t.Helper()
		var c broadcast.Counts
		if err := db.Read(ctx, func(r store.Reader) (err error) {
			c, err = store.SumBroadcastCounts[broadcast.Counts](ctx, r, "b1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	// An older shard: b k <id> 0 <shard u16>, the layout store/keys.go
	// still reads.
	shard := store.Key("bkb1\x00\x00\x07")
	if owner, ok := store.KeyOwner(shard); !ok || owner != store.BroadcastScope("b1") {
		t.Fatalf("the older counter shard is owned by %v (%v): store/keys.go changed its layout; update the test", owner, ok)
	}
	var want broadcast.Counts
	func() {
		db, err := store.Open(store.Options{Dir: filepath.Join(src, "store")})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		err = db.WriteAny(ctx, func(w store.Writer) error {
			if err := store.PutBroadcast(ctx, w, "b1", broadcast.Broadcast{ID: "b1", State: broadcast.StateSending}); err != nil {
				return err
			}
			for i, p := range people {
				if err := store.PutBroadcastRecipient(ctx, w, "b1", uint64(i+1), broadcast.Recipient{WaID: p}); err != nil {
					return err
				}
			}
			return w.Set(shard, []byte(`{"dl":4,"rp":2,"sf":2}`), 0)
		})
		if err != nil {
			t.Fatal(err)
		}
		count := func(i int, fn func(c *broadcast.Counts)) {
			t.Helper()
			if err := db.Write(ctx, store.UserScope(people[i]), func(w store.Writer) error {
				return store.AddBroadcastCounts(ctx, w, "b1", uint64(i+1), fn)
			}); err != nil {
				t.Fatal(err)
			}
		}
		delivered := func(c *broadcast.Counts) { c.Delivered++ }
		count(0, delivered)
		count(1, delivered)
		// Close epoch 1 (and take the older shard in), fold it a grace
		// later, and die while deleting its shares.
		if err := fold(db, now); err != nil {
			t.Fatal(err)
		}
		if err := fold(db, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := fold(&diesAt{db: db, n: 2}, now.Add(time.Minute)); !errors.Is(err, errDied) {
			t.Fatalf("the fold: %v, want it to die", err)
		}
		count(2, delivered) // epoch 2, closed next and not folded
		if err := fold(db, now.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		count(3, delivered)
		count(4, func(c *broadcast.Counts) { c.Delivered++; c.Read++ })
		want = sum(db)
	}()
	if want.Delivered != 9 || want.Read != 1 || want.Replied != 2 || want.Safe != 2 {
		t.Fatalf("the source counts %+v, want 9 delivered, 1 read, 2 replied, 2 safe", want)
	}
	cfg := natsConfig(t, filepath.Join(dir, "cluster"))
	if out, err := runMigration(t, cfg, migrateOptions{dir: src}, ctx); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	db, _, err := openNATSStore(cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := sum(db); got.Delivered != want.Delivered || got.Read != want.Read || got.Replied != want.Replied || got.Safe != want.Safe {
		t.Fatalf("the cluster counts %+v, want the source's %+v", got, want)
	}
	// Each share where its person's turn writes it: a read of that
	// scope alone (all a JetStream transaction of the scope sees) finds it.
	for _, i := range []int{3, 4} {
		var n int
		if err := db.ReadIn(ctx, store.UserScope(people[i]), func(r store.Reader) (err error) {
			n, err = store.UnfoldedBroadcastCounts[broadcast.Counts](ctx, r, "b1")
			return err
		}); err != nil || n != 1 {
			t.Fatalf("the scope of person %d holds %d shares (%v), want 1", i+1, n, err)
		}
	}
	for i := range 8 {
		if err := fold(db, now.Add(time.Duration(3+i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if got := sum(db); got.Delivered != want.Delivered || got.Read != want.Read || got.Replied != want.Replied || got.Safe != want.Safe {
		t.Fatalf("after a fold on the cluster the counts are %+v, want %+v", got, want)
	}
	var left int
	if err := db.Read(ctx, func(r store.Reader) (err error) {
		left, err = store.UnfoldedBroadcastCounts[broadcast.Counts](ctx, r, "b1")
		return err
	}); err != nil || left != 0 {
		t.Fatalf("%d shares left after folding on the cluster (%v), want none", left, err)
	}
}
