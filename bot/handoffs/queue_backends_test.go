package handoffs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/cluster/jsstore/jstest"
	"lifeline/flows"
	"lifeline/store"
	"lifeline/store/storetest"
)

// The queue is ordered in Go over the handoffs the store lists, in
// whatever order a backend lists them: the same order, and the same
// places, on badger and on JetStream. A person back five hours after
// their need-help handoff closed is listed and placed behind the one in
// danger, ahead of the need-help and ordinary ones waiting longer.
func TestQueueOrderOnEveryBackend(t *testing.T) {
	backends := []struct {
		name string
		open func(testing.TB) *store.DB
	}{
		{"badger", storetest.OpenMemory},
		{"nats", jstest.OpenDB},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.open(t)
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			ctx := context.Background()
			write := func(user string, fn func(tx store.Writer) error) {
				t.Helper()
				if err := db.Write(ctx, store.UserScope(user), fn); err != nil {
					t.Fatal(err)
				}
			}
			open := func(user string, eff flows.Effect, at time.Time) {
				t.Helper()
				eff.Kind = flows.EffectHandoff
				write(user, func(tx store.Writer) error { _, _, err := Open(tx, user, "", eff, at); return err })
			}
			const back, urgent, help, other = "15550000004", "15550000003", "15550000002", "15550000001"
			write(back, func(tx store.Writer) error {
				return store.PutHandoff(ctx, tx, back, Handoff{ID: back, User: back, Status: Closed, Priority: true,
					CreatedAt: now.Add(-6 * time.Hour), ClosedAt: now.Add(-5 * time.Hour)})
			})
			open(other, flows.Effect{Reason: "asked"}, now.Add(-time.Hour))
			open(help, flows.Effect{Reason: "needs help", Priority: true}, now.Add(-30*time.Minute))
			open(urgent, flows.Effect{Reason: "danger", Priority: true, Urgent: true}, now.Add(-10*time.Minute))
			open(back, flows.Effect{Reason: "asked"}, now)

			d := New(Config{}, db, (&fakeEngine{}).engine(0), zerolog.Nop(), func() time.Time { return now })
			list, err := d.List("")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range list {
				got = append(got, v.ID)
				if want := len(got); v.Position != want {
					t.Errorf("%s listed %d, told place %d", v.ID, want, v.Position)
				}
			}
			if want := strings.Join([]string{urgent, back, help, other}, " "); strings.Join(got, " ") != want {
				t.Errorf("queue %v, want %s (urgent, back, need help, the rest)", got, want)
			}
		})
	}
}
