package bot

import (
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// Close gives the replies that can go out a grace period, and writes the
// outcome of every send made (a clean stop is not a crash: the message
// must not go out again from the next start or owner), but does not wait
// for a reply parked until later: waiting for it made every such stop
// take the whole grace.
func TestCloseWritesEveryOutcomeButLeavesParkedReplies(t *testing.T) {
	const user = "15551230001"
	const grace = time.Minute
	for _, tc := range []struct {
		name       string
		failSends  int           // sends answered with a 503
		backoff    time.Duration // wait after a failed send
		failWrites int           // outcome writes that fail once a reply reached the Graph API
		ready      func(h *harness, faults *outcomeFaults) bool
		leftQueued bool // the reply stays in the outbox, for the next start
	}{
		{"reply backing off", 100, time.Minute, 0, func(h *harness, _ *outcomeFaults) bool {
			for _, it := range h.outbox() {
				if it.ReadID == "" && it.Attempts > 0 {
					return true
				}
			}
			return false
		}, true},
		{"outcome write failing", 0, time.Millisecond, 3, func(_ *harness, f *outcomeFaults) bool { return f.injected() > 0 }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var faults *outcomeFaults
			graph := whatsapptest.NewServer(t, whatsapptest.Strict())
			graph.FailNext(tc.failSends, 503, 0)
			backoff := tc.backoff
			h := newHarness(t, harnessOpts{graph: graph,
				cfg: Config{ShutdownGrace: grace, Backoff: func(whatsapp.Action, int) time.Duration { return backoff }},
				backend: func(db *store.DB) store.Backend {
					faults = &outcomeFaults{DB: db, left: tc.failWrites, armed: func() bool { return len(graph.Messages()) > 0 }}
					return faults
				}})
			h.mustAccept(textPayload("wamid.close.1", user, "where is the shelter", time.Now()))
			h.waitFor(tc.name, func() bool { return tc.ready(h, faults) })

			start := time.Now()
			h.engine.Close()
			if took := time.Since(start); took > grace/2 {
				t.Errorf("Close took %s of its %s grace", took.Round(time.Millisecond), grace)
			}
			queued := 0
			for _, it := range h.outbox() {
				if it.ReadID == "" {
					queued++
				}
			}
			if tc.leftQueued {
				if queued == 0 {
					t.Error("the reply parked on its backoff left the outbox; want it kept for the next start")
				}
				return
			}
			if queued > 0 {
				t.Errorf("%d replies left in the outbox after a clean Close; want every outcome written", queued)
			}
			replies := h.replies(user)
			for _, e := range replies {
				if e.Status != store.StatusSent {
					t.Errorf("reply recorded %q after Close, want sent", e.Status)
				}
			}
			if n := len(graph.Messages()); n != len(replies) || n == 0 {
				t.Errorf("%d messages reached the Graph API for %d replies; want one each", n, len(replies))
			}
		})
	}
}
