package broadcast

import (
	"context"
	"testing"
	"time"

	"lifeline/cluster/jsstore/jstest"
	"lifeline/store"
)

// openJetStreamDB is a store.DB over one embedded JetStream node.
func openJetStreamDB(t *testing.T) *store.DB { return jstest.OpenDB(t) }

// The retention sweep of check-in answers runs on both backends: each
// answer is rewritten in its person's scope (JetStream has no
// transaction across people), the details of old answers go, recent ones
// and the answers themselves stay, and a second sweep changes nothing.
func TestSweepAnswersOnEachBackend(t *testing.T) {
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
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	old, recent := now.Add(-48*time.Hour), now.Add(-time.Hour)
	answers := []struct {
		person  string
		eng     Engagement
		details bool // details left after the sweep
	}{
		{"15550001", Engagement{Answer: AnswerHelp, AnsweredAt: old, HasLocation: true, Lat: 24.7, Lng: 46.7, Description: "water is rising"}, false},
		{"15550002", Engagement{Answer: AnswerHelp, AnsweredAt: recent, Description: "roof"}, true},
		{"15550003", Engagement{Answer: AnswerSafe, AnsweredAt: old}, false},
		{"15550004", Engagement{Answer: AnswerHelp, AnsweredAt: old, Preferred: "tomorrow", Reached: &Reached{At: old, Note: "called"}}, false},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			for i, a := range answers {
				seq := uint64(i + 1)
				// Where the dispatcher and the person's turn write them.
				if err := db.Write(ctx, store.BroadcastScope("b1"), func(w store.Writer) error {
					return store.PutBroadcastRecipient(ctx, w, "b1", seq, Recipient{WaID: a.person, State: recSent})
				}); err != nil {
					t.Fatal(err)
				}
				if err := db.Write(ctx, store.UserScope(a.person), func(w store.Writer) error {
					return store.PutBroadcastEngagement(ctx, w, "b1", seq, a.eng)
				}); err != nil {
					t.Fatal(err)
				}
			}
			cutoff := now.Add(-24 * time.Hour)
			n, err := SweepAnswers(db, cutoff)
			if err != nil || n != 2 {
				t.Fatalf("the sweep changed %d answers (%v), want 2", n, err)
			}
			for i, a := range answers {
				var e Engagement
				if err := db.Read(ctx, func(r store.Reader) (err error) {
					e, _, err = store.GetBroadcastEngagement[Engagement](ctx, r, "b1", uint64(i+1))
					return err
				}); err != nil {
					t.Fatal(err)
				}
				details := e.HasLocation || e.Description != "" || e.Preferred != "" || e.Reached != nil && e.Reached.Note != ""
				if details != a.details || e.Answer != a.eng.Answer {
					t.Errorf("answer %d after the sweep: %+v; want details %v and the answer %q", i+1, e, a.details, a.eng.Answer)
				}
			}
			if n, err := SweepAnswers(db, cutoff); err != nil || n != 0 {
				t.Fatalf("a second sweep changed %d answers (%v), want 0", n, err)
			}
		})
	}
}
