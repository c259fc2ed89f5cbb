package admin

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/store"
)

// BenchmarkSeriesOfALargeCheckin measures what one request for a
// check-in's figures over time costs (GET /admin/broadcasts/{id}/series,
// without HTTP): the incident dashboard asks for it once per broadcast on
// each live event, at most twice a second while statuses arrive. The
// recipients are in the on-disk store as the dispatcher and the inbox
// leave them: every one sent, most delivered, half read, a third
// answered, some of those needing help.
//
//	go test -run XXX -bench SeriesOfALargeCheckin -benchtime 5x ./admin/
func BenchmarkSeriesOfALargeCheckin(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("recipients=%d", n), func(b *testing.B) {
			db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			t0 := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
			id := "large"
			fillCheckin(b, ctx, db, id, n, t0)
			now := t0.Add(2 * time.Hour)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := deriveSeries(ctx, db, id, 0, now)
				if err != nil {
					b.Fatal(err)
				}
				if last := s.Points[len(s.Points)-1]; last.Sent != int64(n) {
					b.Fatalf("last point sent %d, want %d", last.Sent, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/request")
		})
	}
}

// fillCheckin writes a sent check-in of n recipients in batches of a
// thousand, spreading their sends over ten minutes and their statuses and
// answers over the next hour.
func fillCheckin(b *testing.B, ctx context.Context, db *store.DB, id string, n int, t0 time.Time) {
	b.Helper()
	bc := broadcast.Broadcast{ID: id, Spec: broadcast.Spec{Name: "Block 7", Kind: broadcast.KindCheckin}, State: broadcast.StateSent, Targeted: int64(n)}
	const batch = 1000
	for start := 0; start < n; start += batch {
		err := db.WriteAny(ctx, func(w store.Writer) error {
			if start == 0 {
				if err := store.PutBroadcast(ctx, w, id, &bc); err != nil {
					return err
				}
			}
			for i := start; i < min(start+batch, n); i++ {
				sent := t0.Add(time.Duration(i%600) * time.Second)
				rec := broadcast.Recipient{WaID: fmt.Sprintf("9665%08d", i), State: "sent", SentAt: sent}
				if err := store.PutBroadcastRecipient(ctx, w, id, uint64(i+1), &rec); err != nil {
					return err
				}
				e := broadcast.Engagement{Delivery: "sent"}
				if i%20 != 0 { // 95% delivered
					e.Delivery, e.DeliveredAt = "delivered", sent.Add(time.Duration(5+i%40)*time.Second)
				}
				if i%2 == 0 && !e.DeliveredAt.IsZero() {
					e.Delivery, e.ReadAt = "read", e.DeliveredAt.Add(time.Duration(i%1800)*time.Second)
					if i%3 == 0 {
						e.Replied, e.AnsweredAt, e.Answer = true, e.ReadAt.Add(time.Minute), broadcast.AnswerSafe
						if i%30 == 0 {
							e.Answer = broadcast.AnswerHelp
						}
					}
				}
				if err := store.PutBroadcastEngagement(ctx, w, id, uint64(i+1), &e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("fill recipients from %d: %v", start, err)
		}
	}
}
