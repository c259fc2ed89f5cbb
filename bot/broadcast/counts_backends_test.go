package broadcast

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// The counts a broadcast's status shows add up what every person's
// statuses changed, on both backends: each status is handled in its
// person's scope (as the inbox does), and two people whose shares fell in
// one counter shard of the older layout (447700990025 and 447700990050)
// each count. The fold adds the shares into the broadcast's base (an
// epoch is folded FoldEvery after it closed) and the counts do not move;
// a status after the fold counts on top.
func TestCountsOfStatusesAddUpOnEachBackend(t *testing.T) {
	backends := map[string]func(t *testing.T) *store.DB{
		"badger": func(t *testing.T) *store.DB {
			db, err := store.Open(store.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
		"jetstream": openJetStreamDB,
	}
	people := []string{"447700990025", "447700990050", "15550003"}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			clock := now
			s := New(Config{FoldEvery: time.Minute}, Options{DB: db, Logger: zerolog.Nop(), Now: func() time.Time { return clock }})
			err := db.Write(ctx, store.BroadcastScope("b1"), func(w store.Writer) error {
				b := Broadcast{ID: "b1", Spec: Spec{Name: "flood notice", Kind: KindNotice}, State: StateSending, Targeted: int64(len(people))}
				if err := store.PutBroadcast(ctx, w, "b1", b); err != nil {
					return err
				}
				for i, p := range people {
					if err := store.PutBroadcastRecipient(ctx, w, "b1", uint64(i+1), Recipient{WaID: p, State: recSent}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			status := func(seq int, st string) {
				t.Helper()
				ws := &whatsapp.Status{ID: "wamid.b1." + people[seq-1], Status: st, RecipientID: people[seq-1],
					BizOpaqueCallbackData: callbackData("b1", uint64(seq), 0), Timestamp: now}
				if err := db.Write(ctx, store.UserScope(people[seq-1]), func(w store.Writer) error { return s.ObserveStatus(w, ws) }); err != nil {
					t.Fatal(err)
				}
			}
			want := func(when string, delivered, read int64) {
				t.Helper()
				st, err := s.Status("b1")
				if err != nil || st.Delivered != delivered || st.Read != read {
					t.Fatalf("%s: status %+v (%v); want %d delivered and %d read", when, st, err, delivered, read)
				}
			}
			for seq := range people {
				status(seq+1, store.StatusDelivered)
			}
			status(2, store.StatusRead)
			status(2, store.StatusRead) // again, as Meta may: counts once
			want("before the fold", 3, 1)
			walked := func(when string, want int) {
				t.Helper()
				var n int
				if err := db.Read(ctx, func(r store.Reader) (err error) {
					n, err = store.UnfoldedBroadcastCounts[Counts](ctx, r, "b1")
					return err
				}); err != nil || n != want {
					t.Fatalf("%s: a read adds up %d shares (%v), want %d", when, n, err, want)
				}
			}
			walked("before the fold", 3)
			if err := s.FoldCounts(ctx); err != nil { // closes the epoch
				t.Fatal(err)
			}
			status(1, store.StatusRead) // lands in the next epoch
			want("the epoch closed", 3, 2)
			walked("the epoch closed", 4)
			clock = clock.Add(time.Minute)
			if err := s.FoldCounts(ctx); err != nil {
				t.Fatal(err)
			}
			want("after the fold", 3, 2)
			walked("after the fold", 1)
		})
	}
}
