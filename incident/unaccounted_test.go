package incident

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

var staff = broadcast.Actor{ID: "agent:omar", Name: "Omar", Role: "agent"}

// TestReachedByStaffCountsAsAccountedFor: of four people sent a check-in,
// one answers; staff reach a second and mark it, by number and by the
// list's ref: the report's accounted-for goes from 1/4 to 2/4 with one
// "reached by staff", and the list and the timeline say so.
func TestReachedByStaffCountsAsAccountedFor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.people(4, 1, "Dammam")
	in, b := e.floodCheckinSent()
	e.write(ids[0], whatsapp.Message{Type: "text", Text: "safe"})
	eventually(t, "the answer counted", func() bool { st, _ := e.bc.Status(b.ID); return st.Replied == 1 })

	accounted := func() (Rate, int64) {
		t.Helper()
		rep, err := e.svc.Report(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		return *rep.AccountedFor, rep.ReachedByStaff
	}
	if r, reached := accounted(); r.Numerator != 1 || r.Denominator != 4 || reached != 0 {
		t.Fatalf("before: accounted for %d/%d, reached %d", r.Numerator, r.Denominator, reached)
	}

	l, err := e.bc.Unaccounted(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Answered != 1 || l.Remaining != 3 || len(l.People) != 3 || l.People[0].WaID != ids[1] || l.People[0].Name != "Person 2" {
		t.Fatalf("unaccounted list %+v", l)
	}

	if _, err := e.bc.MarkReached(b.ID, ids[1], "called: safe at her sister's", staff); err != nil {
		t.Fatal(err)
	}
	refusals := []struct {
		label, who string
		want       error
	}{
		{"marked twice", l.People[0].Ref, broadcast.ErrState},
		{"answered herself", ids[0], broadcast.ErrState},
		{"not a recipient", "966599999999", store.ErrNotFound},
		{"no such ref", "r99", store.ErrNotFound},
	}
	for _, c := range refusals {
		if _, err := e.bc.MarkReached(b.ID, c.who, "", staff); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.label, err, c.want)
		}
	}

	r, reached := accounted()
	if r.Numerator != 2 || r.Denominator != 4 || reached != 1 {
		t.Errorf("after: accounted for %d/%d, reached %d; want 2/4, 1", r.Numerator, r.Denominator, reached)
	}
	rep, _ := e.svc.Report(ctx, in.ID)
	var left []string
	for _, u := range rep.Unaccounted {
		left = append(left, u.WaID)
	}
	if !slices.Equal(left, ids[2:]) {
		t.Errorf("unaccounted in the report %v, want %v", left, ids[2:])
	}
	l, _ = e.bc.Unaccounted(b.ID)
	if l.Reached != 1 || l.Remaining != 2 || l.People[0].Reached == nil || l.People[0].Reached.Note != "called: safe at her sister's" {
		t.Errorf("list after marking %+v", l)
	}
	tl, err := e.svc.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tl.Rows, func(r Row) bool { return r.Kind == "broadcast.reached" && r.Subject == b.ID }) {
		t.Errorf("timeline has no broadcast.reached row: %+v", tl.Rows)
	}
	// The audit log keeps who reached whom, the number masked, the note not.
	var audit []store.AuditEntry
	err = e.db.Read(ctx, func(r store.Reader) (err error) {
		audit, _, err = store.ListAudit(ctx, r, store.AuditFilter{Action: "broadcast.reached"}, 10)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 || audit[0].Target != b.ID || strings.Contains(audit[0].Detail, ids[1]) || strings.Contains(audit[0].Detail, "sister") {
		t.Errorf("audit of the mark %+v, want one entry for %s with the number masked and no note", audit, b.ID)
	}
}

// TestUnaccountedEscalateToTheirQueue: a check-in asking for escalation
// opens, once it completes, a handoff per person still unaccounted in the
// "unaccounted" queue, without priority; the person staff reached and the
// one who answered get none.
func TestUnaccountedEscalateToTheirQueue(t *testing.T) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	fast := func(whatsapp.Action, int) time.Duration { return time.Millisecond }
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Backoff: fast, ShutdownGrace: 100 * time.Millisecond},
		bot.Options{DB: db, Sender: client, KB: noKB{}, Logger: zerolog.Nop()})
	// The answer window opens when the check-in is sent; a gate keeps it
	// from closing until the test has answered and marked.
	var open = make(chan struct{})
	clock := func() time.Time {
		select {
		case <-open:
			return time.Now().Add(time.Hour)
		default:
			return time.Now()
		}
	}
	bc := broadcast.New(broadcast.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Tick: 10 * time.Millisecond,
		CommitEvery: 5 * time.Millisecond, Backoff: fast, FrequencyCap: -1, InFlightGrace: -1, PairGap: -1, AnswerWindow: time.Minute},
		broadcast.Options{DB: db, Sender: client, Logger: zerolog.Nop(), Incidents: Gate{}, Now: clock, Escalate: engine.Handoffs().Request})
	engine.Intercept(bc)
	engine.ObserveStatuses(bc)
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := bc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bc.Close(); engine.Close(); db.Close() })
	e := &env{t: t, db: db, graph: graph, engine: engine, bc: bc}
	ids := e.people(4, 1, "Dammam")

	sp := checkin("")
	sp.Unaccounted = &broadcast.UnaccountedPolicy{Handoff: true}
	b, err := bc.Create(sp, "Amira (agent:amira)", "")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the check-in sent", func() bool { st, _ := bc.Status(b.ID); return st.State == broadcast.StateSent })
	e.write(ids[0], whatsapp.Message{Type: "text", Text: "safe"})
	eventually(t, "the answer counted", func() bool { st, _ := bc.Status(b.ID); return st.Replied == 1 })
	if _, err := bc.MarkReached(b.ID, ids[1], "", staff); err != nil {
		t.Fatal(err)
	}
	close(open)
	eventually(t, "the check-in completed", func() bool { st, _ := bc.Status(b.ID); return st.State == broadcast.StateCompleted })

	var queued []string
	eventually(t, "two handoffs opened", func() bool {
		queued = queued[:0]
		ctx := context.Background()
		err := db.Read(ctx, func(r store.Reader) error {
			return store.EachHandoff(ctx, r, func(h handoffs.Handoff) error {
				if h.Reason == broadcast.QueueUnaccounted && !h.Priority && !h.Urgent && h.Status == handoffs.Waiting {
					queued = append(queued, h.User)
				}
				return nil
			})
		})
		return err == nil && len(queued) == 2
	})
	slices.Sort(queued)
	if !slices.Equal(queued, ids[2:]) {
		t.Errorf("handoffs in the unaccounted queue for %v, want %v", queued, ids[2:])
	}
	l, err := bc.Unaccounted(b.ID)
	if err != nil || !l.Final || l.Remaining != 2 {
		t.Errorf("final list %+v (%v)", l, err)
	}
}

// TestAccountedForCountsEachPersonOnce: two check-ins to the same four
// people. Two answer the first; one more answers the second, and one of
// the first two does not answer it. Each check-in keeps its own figure
// (2/4, 1/4), while the incident counts each person once by their latest
// answer: 3 of 4 accounted for, one unaccounted, listed once.
func TestAccountedForCountsEachPersonOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.people(4, 1, "Dammam")
	in, err := e.svc.Create(ctx, flood(false), admin)
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.bc.Create(checkin(in.ID), "Amira (agent:amira)", "")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first check-in sent", func() bool { st, _ := e.bc.Status(first.ID); return st.State == broadcast.StateSent })
	for _, id := range ids[:2] {
		e.write(id, whatsapp.Message{Type: "text", Text: "safe"})
	}
	eventually(t, "two answers to the first", func() bool { st, _ := e.bc.Status(first.ID); return st.Replied == 2 })
	second, err := e.bc.Create(checkin(in.ID), "Amira (agent:amira)", "")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the second check-in sent", func() bool { st, _ := e.bc.Status(second.ID); return st.State == broadcast.StateSent })
	e.write(ids[2], whatsapp.Message{Type: "text", Text: "safe"})
	eventually(t, "one answer to the second", func() bool { st, _ := e.bc.Status(second.ID); return st.Replied == 1 })

	rep, err := e.svc.Report(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Broadcasts) != 2 {
		t.Fatalf("report broadcasts %+v", rep.Broadcasts)
	}
	figures := []struct {
		label    string
		got      *Rate
		num, den int64
	}{
		{"first check-in", rep.Broadcasts[0].AccountedFor, 2, 4},
		{"second check-in", rep.Broadcasts[1].AccountedFor, 1, 4},
		{"incident, each person once", rep.AccountedFor, 3, 4},
	}
	for _, f := range figures {
		if f.got == nil || f.got.Numerator != f.num || f.got.Denominator != f.den {
			t.Errorf("%s: accounted for %+v, want %d/%d", f.label, f.got, f.num, f.den)
		}
	}
	if len(rep.Unaccounted) != 1 || rep.Unaccounted[0].Broadcast != second.ID || rep.Unaccounted[0].WaID != ids[3] {
		t.Errorf("unaccounted %+v, want only %s, at the second check-in", rep.Unaccounted, ids[3])
	}
}
