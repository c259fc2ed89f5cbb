package broadcast

import (
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
)

// outages counts what the send step reports of outages, as the metrics'
// lifeline_sending_stalled gauge sees it.
type outages struct {
	bot.NopObserver
	mu                 sync.Mutex
	stalled, recovered map[string]int
}

func (o *outages) SendingStalled(phone string, _ int) {
	o.mu.Lock()
	o.stalled[phone]++
	o.mu.Unlock()
}

func (o *outages) SendingRecovered(phone string, _ time.Duration) {
	o.mu.Lock()
	o.recovered[phone]++
	o.mu.Unlock()
}

// syncLog is a log buffer the senders write to from many goroutines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A broadcast that meets a Graph API outage past its fast retries raises
// the alert replies raise: one ALERT line and one "recovered" line for the
// number, and the stalled gauge told once of each, however many
// recipients wait; and when replies and the broadcast meet the same
// outage, it is still one outage of the number.
func TestBroadcastOutageAlertsOnceLikeReplies(t *testing.T) {
	const failEach = 12 // more than the replies' 10 fast retries and the broadcast's 3
	cases := []struct {
		label   string
		replies bool // someone writes in during the outage, and the engine answers
	}{
		{label: "a broadcast alone alerts once and says when sending recovered"},
		{label: "a broadcast and replies in the same outage alert once between them", replies: true},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
			clk := clocktest.New(start)
			// Every look at the clock moves it a little, so that short
			// waits on it pass.
			now := func() time.Time { clk.Add(time.Millisecond); return clk.Now() }
			const writer = "447700900123"
			h0 := []string{"966500000001", "966500000002", "966500000003"}
			waiting := append([]string(nil), h0...)
			if c.replies {
				waiting = append(waiting, writer)
			}
			graph := whatsapptest.NewServer(t)
			var (
				mu        sync.Mutex
				failures  = map[string]int{}
				delivered = map[string]int{}
				over      bool
			)
			// The outage lasts until every message waiting has failed
			// failEach times, so each of them has gone past its fast
			// retries; then every send succeeds.
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.Kind != "message" {
					return whatsapptest.Response{}
				}
				mu.Lock()
				defer mu.Unlock()
				if !over {
					over = true
					for _, who := range waiting {
						if failures[who] < failEach {
							over = false
						}
					}
				}
				if !over {
					failures[r.To]++
					return whatsapptest.Response{Status: 500, Code: 131000}
				}
				delivered[r.To]++
				return whatsapptest.Response{}
			})
			obs := &outages{stalled: map[string]int{}, recovered: map[string]int{}}
			var logs syncLog
			h := newHarness(t, hopts{graph: graph, now: now, obs: obs, log: &logs, engine: true, cfg: Config{
				MaxAttempts: 3, PairGap: -1,
				Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }}})
			h.contacts(len(h0), "en")
			if c.replies {
				in := whatsapp.Message{ID: "wamid.in.outage", From: writer, Type: "text", Text: "where is the shelter", Timestamp: now()}
				if _, err := h.engine.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{in}}); err != nil {
					t.Fatal(err)
				}
			}
			id := h.create(noticeSpec())
			st := h.waitState(id, StateSent, StateCompleted, StatePaused)
			if st.State == StatePaused {
				t.Fatalf("broadcast paused: %+v", st)
			}
			h.engine.WaitIdle()

			mu.Lock()
			for _, who := range waiting {
				if failures[who] < failEach || delivered[who] == 0 {
					t.Errorf("%s: %d failed sends and %d delivered; want at least %d failed, then delivered", who, failures[who], delivered[who], failEach)
				}
			}
			for _, who := range h0 {
				if delivered[who] != 1 {
					t.Errorf("%s got the broadcast %d times, want once", who, delivered[who])
				}
			}
			mu.Unlock()
			if st.Sent != int64(len(h0)) || st.Failed != 0 {
				t.Errorf("status sent %d failed %d, want %d and 0", st.Sent, st.Failed, len(h0))
			}
			obs.mu.Lock()
			defer obs.mu.Unlock()
			if obs.stalled["1001"] != 1 || obs.recovered["1001"] != 1 || len(obs.stalled) != 1 {
				t.Errorf("outages reported %v, recoveries %v; want one of each for 1001", obs.stalled, obs.recovered)
			}
			out := logs.String()
			if n := strings.Count(out, "ALERT:"); n != 1 {
				t.Errorf("%d ALERT lines, want 1:\n%s", n, out)
			}
			if n := strings.Count(out, "sending recovered for this number"); n != 1 {
				t.Errorf("%d lines say sending recovered, want 1:\n%s", n, out)
			}
			if !strings.Contains(out, `"phone_number_id":"1001"`) {
				t.Errorf("the alert does not name the number:\n%s", out)
			}
		})
	}
}
