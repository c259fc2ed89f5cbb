package broadcast

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// BenchmarkStatusOfALargeBroadcast measures one read of a broadcast's
// live counts (GET /admin/broadcasts/{id}, the dashboard and the
// incident report) for a check-in of n recipients, every one delivered
// and a third answered, each share written in its person's scope as the
// inbox does, in the on-disk store: before any fold (the read adds up n
// shares) and after the fold (the base alone). It also reports how long
// the pass that folds the n shares and deletes them took.
//
//	go test ./bot/broadcast -run '^$' -bench StatusOfALargeBroadcast -benchtime 20x
func BenchmarkStatusOfALargeBroadcast(b *testing.B) {
	n := envInt("BROADCAST_BENCH_STATUS_RECIPIENTS", 100_000)
	db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	clock := time.Now()
	s := New(Config{FoldEvery: time.Minute}, Options{DB: db, Logger: zerolog.Nop(), Now: func() time.Time { return clock }})
	bc := Broadcast{ID: "bc-large", Spec: Spec{Name: "Are you safe", Kind: KindCheckin}, State: StateSent, Targeted: int64(n)}
	const batch = 1000
	for start := 0; start < n; start += batch {
		// One transaction per thousand people to fill quickly; the
		// records are the ones each person's turn writes.
		err := db.WriteAny(ctx, func(w store.Writer) error {
			if start == 0 {
				if err := store.PutBroadcast(ctx, w, bc.ID, &bc); err != nil {
					return err
				}
			}
			for i := start; i < min(start+batch, n); i++ {
				seq := uint64(i + 1)
				if err := store.PutBroadcastRecipient(ctx, w, bc.ID, seq, &Recipient{WaID: fmt.Sprintf("96650%07d", i), State: recSent}); err != nil {
					return err
				}
				err := store.AddBroadcastCounts(ctx, w, bc.ID, seq, func(c *Counts) {
					c.Delivered++
					if i%3 == 0 {
						c.Replied++
						c.Safe++
					}
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("fill from %d: %v", start, err)
		}
	}
	read := func(b *testing.B) {
		st, err := s.Status(bc.ID)
		if err != nil {
			b.Fatal(err)
		}
		if st.Delivered != int64(n) || st.Replied != int64((n+2)/3) {
			b.Fatalf("status %d delivered, %d replied; want %d and %d", st.Delivered, st.Replied, n, (n+2)/3)
		}
	}
	b.Run("unfolded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			read(b)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/status")
	})
	// The first pass closes the epoch, the next a FoldEvery later folds
	// it and deletes its shares.
	if err := s.FoldCounts(ctx); err != nil {
		b.Fatal(err)
	}
	clock = clock.Add(time.Minute)
	start := time.Now()
	if err := s.FoldCounts(ctx); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	var left int
	if err := db.Read(ctx, func(r store.Reader) (err error) {
		left, err = store.UnfoldedBroadcastCounts[Counts](ctx, r, bc.ID)
		return err
	}); err != nil || left != 0 {
		b.Fatalf("after the fold a read adds up %d shares (%v), want none", left, err)
	}
	b.Run("folded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			read(b)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/status")
		b.ReportMetric(took.Seconds(), "s/fold-of-all")
	})
}
