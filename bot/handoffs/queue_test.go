package handoffs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/flows"
	"lifeline/store"
)

func TestWaitEstimatesAreHonestRanges(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	claimed := func(waited time.Duration) Handoff {
		return Handoff{Status: Active, CreatedAt: now.Add(-time.Hour - waited), ClaimedAt: now.Add(-time.Hour)}
	}
	recent := []Handoff{claimed(2 * time.Minute), claimed(3 * time.Minute), claimed(4 * time.Minute)}
	cases := []struct {
		label string
		all   []Handoff
		pos   int
		want  int
		text  string
	}{
		{"no recent claim: no estimate", nil, 1, -1, "You are next in the queue. We cannot estimate the wait yet; we will tell you if it changes."},
		{"claims older than the lookback do not count", []Handoff{{CreatedAt: now.Add(-20 * time.Hour), ClaimedAt: now.Add(-19 * time.Hour)}}, 1, -1, ""},
		{"next, median wait 3 minutes", recent, 1, 0, "You are next in the queue. The wait is likely a few minutes."},
		{"third, about 9 minutes", recent, 3, 1, "You are number 3 in the queue. The wait is likely 5 to 15 minutes."},
		{"twentieth, about an hour", recent, 20, 4, "You are number 20 in the queue. The wait is likely more than an hour."},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			got := estimateBucket(c.all, c.pos, now)
			if got != c.want {
				t.Fatalf("bucket = %d, want %d", got, c.want)
			}
			if c.text != "" {
				if text := queueText("en", c.pos, got, placeTold); text != c.text {
					t.Errorf("text = %q, want %q", text, c.text)
				}
			}
		})
	}
	if got := queueText("ar", 2, 1, placeMoved); got != "تحديث: ترتيبك في قائمة الانتظار: 2. مدة الانتظار المتوقعة: من 5 إلى 15 دقيقة." {
		t.Errorf("arabic update = %q", got)
	}
}

// The queue's order, as a coordinator reads it: danger first, then the
// people who came back after their need-help or urgent conversation
// ended, then need help, then the rest; each oldest first, waiting
// before active.
func TestQueueOrder(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	h := func(id, status string, minutesAgo int, urgent, returning, priority bool) Handoff {
		return Handoff{ID: id, Status: status, Urgent: urgent, Returning: returning, Priority: priority || urgent || returning,
			CreatedAt: at.Add(-time.Duration(minutesAgo) * time.Minute)}
	}
	cases := []struct {
		label string
		queue []Handoff
		want  string
	}{
		{"urgent, then need help, then the rest",
			[]Handoff{h("other", Waiting, 30, false, false, false), h("help", Waiting, 20, false, false, true), h("urgent", Waiting, 1, true, false, false)},
			"urgent help other"},
		{"a returning person passes older need-help and ordinary ones, not those in danger",
			[]Handoff{h("u1", Waiting, 60, true, false, false), h("p1", Waiting, 50, false, false, true), h("p2", Waiting, 40, false, false, true),
				h("o1", Waiting, 90, false, false, false), h("back", Waiting, 0, false, true, false), h("u2", Waiting, 5, true, false, false)},
			"u1 u2 back p1 p2 o1"},
		{"returning people among themselves: oldest first",
			[]Handoff{h("back2", Waiting, 1, false, true, false), h("back1", Waiting, 9, false, true, false), h("p", Waiting, 30, false, false, true)},
			"back1 back2 p"},
		{"returning and in danger again: urgent, in the order they came",
			[]Handoff{h("u1", Waiting, 10, true, false, false), h("backUrgent", Waiting, 1, true, true, false), h("back", Waiting, 20, false, true, false)},
			"u1 backUrgent back"},
		{"waiting before active, whatever the tier",
			[]Handoff{h("activeUrgent", Active, 30, true, false, false), h("other", Waiting, 1, false, false, false), h("activeBack", Active, 5, false, true, false)},
			"other activeUrgent activeBack"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			pos := queuePositions(c.queue)
			sorted := slices.Clone(c.queue)
			slices.SortStableFunc(sorted, func(a, b Handoff) int { return compareQueue(&a, &b) })
			var ids []string
			for i, x := range sorted {
				ids = append(ids, x.ID)
				if x.Status == Waiting && pos[x.ID] != i+1 {
					t.Errorf("%s told place %d, listed at %d", x.ID, pos[x.ID], i+1)
				}
			}
			if got := strings.Join(ids, " "); got != c.want {
				t.Errorf("order %q, want %q", got, c.want)
			}
		})
	}
}

// A request goes back to the front when the person's need-help or
// urgent handoff was closed or released within a day; not after an
// ordinary one, nor after the day.
func TestReturnsWithinADayOfNeedHelp(t *testing.T) {
	closedAt := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		label            string
		priority, urgent bool
		after            time.Duration
		want             bool
	}{
		{"need help, 5 hours later", true, false, 5 * time.Hour, true},
		{"urgent, a minute later", true, true, time.Minute, true},
		{"need help, a second short of a day", true, false, flows.PriorityKeep - time.Second, true},
		{"need help, a day later", true, false, flows.PriorityKeep, false},
		{"an ordinary request, an hour later", false, false, time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			const user = "15550002222"
			closed := Handoff{ID: user, User: user, Status: Closed, Priority: c.priority, Urgent: c.urgent,
				CreatedAt: closedAt.Add(-time.Hour), ClosedAt: closedAt}
			var got *Handoff
			err = db.WriteAny(context.Background(), func(tx store.Writer) error {
				if err := store.PutHandoff(context.Background(), tx, user, closed); err != nil {
					return err
				}
				got, _, err = Open(tx, user, "", flows.Effect{Kind: flows.EffectHandoff, Reason: "asked"}, closedAt.Add(c.after))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Returning != c.want || got.Priority != c.want || got.Status != Waiting {
				t.Errorf("returning %t, priority %t, status %s; want returning and priority %t, waiting", got.Returning, got.Priority, got.Status, c.want)
			}
		})
	}
}
