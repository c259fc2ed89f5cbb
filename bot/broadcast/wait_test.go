package broadcast

import (
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
)

// A WhatsApp outage longer than the fast retries does not fail a
// broadcast's recipients: they wait, with a growing backoff, for as long
// as a template may wait (Config.TemplateWait, the replies' setting),
// counted from each recipient's first attempt.
func TestOutageWaitsForTheTemplateWait(t *testing.T) {
	const templateWait = 2 * time.Hour
	const fastRetries = 3
	cases := []struct {
		label  string
		outage time.Duration // sends fail until this long after the start
		// want: every recipient delivered exactly once, or failed with
		// the reason that says the wait ran out.
		delivered bool
	}{
		{label: "an outage longer than the fast retries but shorter than the wait delivers everyone once", outage: time.Hour, delivered: true},
		{label: "an outage longer than the wait fails everyone, saying so", outage: 3 * time.Hour, delivered: false},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
			clk := clocktest.New(start)
			graph := whatsapptest.NewServer(t)
			var (
				mu        sync.Mutex
				delivered = map[string]int{}
				failures  = map[string]int{}
			)
			// Every send moves the clock on three minutes, so the outage
			// is measured in sends (a few dozen), not in the machine's time.
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				mu.Lock()
				defer mu.Unlock()
				now := clk.Now()
				clk.Add(3 * time.Minute)
				if now.Before(start.Add(c.outage)) {
					failures[r.To]++
					return whatsapptest.Response{Status: 500, Code: 131000}
				}
				delivered[r.To]++
				return whatsapptest.Response{}
			})
			h := newHarness(t, hopts{graph: graph, now: clk.Now, cfg: Config{
				MaxAttempts: fastRetries, TemplateWait: templateWait, PairGap: -1,
				// No backoff: only sends move this clock, so a retry due
				// even a millisecond after the last send would never come.
				Backoff: func(whatsapp.Action, int) time.Duration { return 0 }}})
			ids := h.contacts(3, "en")
			id := h.create(noticeSpec())
			// The round ends (sent, then completed) only once nobody waits.
			st := h.waitState(id, StateSent, StateCompleted, StatePaused)
			if st.State == StatePaused {
				t.Fatalf("status %+v", st)
			}

			mu.Lock()
			defer mu.Unlock()
			for i, who := range ids {
				if failures[who] <= fastRetries {
					t.Errorf("%s failed %d times: the outage must outlast the %d fast retries", who, failures[who], fastRetries)
				}
				r, _ := h.recipient(id, uint64(i+1))
				if r.FirstTry.IsZero() {
					t.Errorf("recipient %d: first attempt not recorded: %+v", i+1, r)
				}
				if c.delivered {
					if delivered[who] != 1 || r.State != recSent {
						t.Errorf("recipient %d delivered %d times, record %+v; want once and sent", i+1, delivered[who], r)
					}
					continue
				}
				if delivered[who] != 0 || r.State != recFailed || !strings.Contains(r.Reason, "still failing after 2h0m0s") {
					t.Errorf("recipient %d delivered %d times, record %+v; want failed because the template wait ran out", i+1, delivered[who], r)
				}
			}
			if c.delivered && (st.Sent != 3 || st.Failed != 0) {
				t.Errorf("status sent %d failed %d, want 3 and 0", st.Sent, st.Failed)
			}
			if !c.delivered && (st.Failed != 3 || st.FailedByReason["131000"] != 3) {
				t.Errorf("status failed %d by reason %v, want 3 of 131000", st.Failed, st.FailedByReason)
			}
		})
	}
}
