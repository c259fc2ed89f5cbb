package jsstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/store"
)

// The speed of the paths a webhook, a turn and a partition's new owner
// take, on one embedded node (R1) and on three (R3). Compare builds with
// benchstat; the machine's load moves these figures, so interleave runs.

// BenchmarkIngestWebhooks stores what 64 webhooks from 64 people carry,
// one message each, as the engine's ingest loop does: one group of
// scoped writes (store.DB.WriteEach), each marking the message id seen
// and adding the event to the inbox. webhooks/s is how many such
// acknowledgements the store gives per second.
func BenchmarkIngestWebhooks(b *testing.B) {
	for _, nodes := range []struct {
		name string
		open func(testing.TB) *Store
	}{{"R1", open}, {"R3", open3}} {
		b.Run(nodes.name, func(b *testing.B) {
			db, err := store.OpenBackend(nodes.open(b), "jetstream", store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			benchIngest(b, db, 64)
		})
	}
}

func benchIngest(b *testing.B, db *store.DB, lanes int) {
	ctx := context.Background()
	var n, runs atomic.Int64
	b.ResetTimer()
	for b.Loop() {
		writes := make([]store.ScopedWrite, lanes)
		for i := range writes {
			user := fmt.Sprintf("1555200%04d", i)
			id := fmt.Sprintf("m:wamid.%d", n.Add(1))
			writes[i] = store.ScopedWrite{Scope: store.UserScope(user), Fn: func(w store.Writer) error {
				runs.Add(1)
				first, err := store.MarkSeen(ctx, w, id, time.Now(), time.Hour)
				if err != nil || !first {
					return err
				}
				_, err = store.AddInbox(ctx, w, []byte(`{"kind":"message","message":{"from":"`+user+`","text":{"body":"where is the shelter"}}}`))
				return err
			}}
		}
		done, err := db.WriteAll(ctx, writes)
		if err != nil {
			b.Fatal(err)
		}
		for i, ok := range done {
			if !ok {
				b.Fatalf("write %d not done", i)
			}
		}
	}
	b.ReportMetric(float64(b.N*lanes)/b.Elapsed().Seconds(), "webhooks/s")
	b.ReportMetric(float64(runs.Load())/float64(b.N*lanes), "runs/webhook")
}

// BenchmarkTakeover reads what a partition's new owner reads: the
// pending inbound events and outbox items of every user of the
// partition, here 100 pending events and 20 outbox items among 50 users
// who also had 1,000 events processed (deleted) in the last minutes
// (more than 10 s ago).
func BenchmarkTakeover(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	const pending, outbox, processed = 100, 20, 1000
	var users []string
	for i := 0; len(users) < 50; i++ {
		u := fmt.Sprintf("1555300%04d", i)
		if s.PartitionOf(u) == 3 {
			users = append(users, u)
		}
	}
	db, err := store.OpenBackend(s, "jetstream", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	raw := []byte(`{"kind":"message","message":{"text":{"body":"where is the shelter"}}}`)
	// Round by round, each user gets an event; in the rounds before the
	// last two it is processed as a turn does (deleted with the session
	// written), in the last two it stays pending, and 20 users also have
	// an outbox item.
	rounds := (processed + pending) / len(users)
	for round := range rounds {
		seqs := make([]uint64, len(users))
		writes := make([]store.ScopedWrite, len(users))
		for i, u := range users {
			withOut := round == rounds-1 && i < outbox
			writes[i] = store.ScopedWrite{Scope: store.UserScope(u), Fn: func(w store.Writer) error {
				var err error
				if seqs[i], err = store.AddInbox(ctx, w, raw); err != nil || !withOut {
					return err
				}
				next, err := store.NewOutboxSeq(ctx, w)
				if err != nil {
					return err
				}
				return store.PutOutboxItem(ctx, w, &store.OutboxItem{Seq: next, User: u, PhoneNumberID: "100",
					Message: []byte(`{"type":"text","text":{"body":"the shelter is open"}}`)})
			}}
		}
		if _, err := db.WriteAll(ctx, writes); err != nil {
			b.Fatal(err)
		}
		if round >= rounds-2 {
			continue
		}
		for i, u := range users {
			writes[i] = store.ScopedWrite{Scope: store.UserScope(u), Fn: func(w store.Writer) error {
				if err := store.PutSession(ctx, w, u, map[string]uint64{"last_in": seqs[i]}); err != nil {
					return err
				}
				return store.DeleteInbox(ctx, w, seqs[i])
			}}
		}
		if _, err := db.WriteAll(ctx, writes); err != nil {
			b.Fatal(err)
		}
	}
	// The deletes are from the last minutes: within the day a tombstone
	// kept before, past the seconds a tombstone with an anchor keeps.
	time.Sleep(11 * time.Second)
	b.ResetTimer()
	for b.Loop() {
		in, out := 0, 0
		if err := s.ReadPartition(ctx, 3, func(r store.Reader) error {
			if err := store.EachPendingInbox(ctx, r, func(uint64, map[string]any, error) error { in++; return nil }); err != nil {
				return err
			}
			return store.EachPendingOutbox(ctx, r, func(uint64, store.OutboxItem, error) error { out++; return nil })
		}); err != nil {
			b.Fatal(err)
		}
		if in != pending || out != outbox {
			b.Fatalf("read %d pending events and %d outbox items, want %d and %d", in, out, pending, outbox)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/takeover")
}
