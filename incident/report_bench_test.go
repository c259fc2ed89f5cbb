package incident

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/store"
)

// BenchmarkReportOfALargeIncident measures one incident report (GET
// /admin/incidents/{id}/report, without HTTP), which the incident
// dashboard asks for on each live event: an incident affecting n people,
// all sent one check-in, a third of them answered, in the on-disk store.
// The report reads every affected contact (for who wrote in and their
// handoffs), every check-in recipient (who is accounted for) and the
// check-in's live counts, whose shares (one per recipient, as the
// statuses and answers wrote them) the broadcast service has folded.
//
//	go test -run XXX -bench ReportOfALargeIncident -benchtime 5x ./incident/
func BenchmarkReportOfALargeIncident(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) {
			db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			clock := time.Now()
			bcs := broadcast.New(broadcast.Config{FoldEvery: time.Minute}, broadcast.Options{DB: db, Logger: zerolog.Nop(), Now: func() time.Time { return clock }})
			svc := NewService(Options{DB: db, Broadcasts: bcs, Logger: zerolog.Nop()})
			in, err := svc.Create(ctx, flood(false), admin)
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now().Add(-time.Hour)
			bc := broadcast.Broadcast{ID: "bc-large", Spec: broadcast.Spec{Name: "Are you safe", Kind: broadcast.KindCheckin, Incident: in.ID},
				State: broadcast.StateSent, Targeted: int64(n)}
			const batch = 1000
			for start := 0; start < n; start += batch {
				err := db.WriteAny(ctx, func(w store.Writer) error {
					if start == 0 {
						if err := store.PutBroadcast(ctx, w, bc.ID, &bc); err != nil {
							return err
						}
					}
					for i := start; i < min(start+batch, n); i++ {
						id := fmt.Sprintf("96650%07d", i)
						c := store.Contact{WaID: id, Name: fmt.Sprintf("Person %d", i), Language: "en", Region: "Dammam", OptedIn: true, CreatedAt: t0}
						if err := store.PutContact(ctx, w, c); err != nil {
							return err
						}
						sent := t0.Add(time.Duration(i%600) * time.Second)
						if err := store.PutBroadcastRecipient(ctx, w, bc.ID, uint64(i+1), &broadcast.Recipient{WaID: id, State: "sent", SentAt: sent}); err != nil {
							return err
						}
						e := broadcast.Engagement{Delivery: "delivered", DeliveredAt: sent.Add(10 * time.Second)}
						if i%3 == 0 {
							e.Replied, e.Answer, e.AnsweredAt = true, broadcast.AnswerSafe, sent.Add(5*time.Minute)
						}
						if err := store.PutBroadcastEngagement(ctx, w, bc.ID, uint64(i+1), &e); err != nil {
							return err
						}
						err := store.AddBroadcastCounts(ctx, w, bc.ID, uint64(i+1), func(c *broadcast.Counts) {
							c.Delivered++
							if e.Replied {
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
			// Fold the shares: the first pass closes the epoch, the next
			// a FoldEvery later adds it to the base.
			for range 2 {
				if err := bcs.FoldCounts(ctx); err != nil {
					b.Fatal(err)
				}
				clock = clock.Add(time.Minute)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rep, err := svc.Report(ctx, in.ID)
				if err != nil {
					b.Fatal(err)
				}
				if rep.AccountedFor == nil || rep.AccountedFor.Denominator != int64(n) {
					b.Fatalf("accounted for %+v, want %d people", rep.AccountedFor, n)
				}
				if len(rep.Broadcasts) != 1 || rep.Broadcasts[0].Engagement.Denominator != int64(n) || rep.Broadcasts[0].Engagement.Numerator != int64((n+2)/3) {
					b.Fatalf("broadcasts %+v, want the check-in with %d delivered and %d replied", rep.Broadcasts, n, (n+2)/3)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/report")
		})
	}
}
