package outgoing

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/pace"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
)

// client answers each send with the next error of its script (nil: accepted).
type client struct {
	mu     sync.Mutex
	script []error
	sends  int
}

func (c *client) Send(context.Context, string, whatsapp.Outbound) (whatsapp.SendResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sends++
	if len(c.script) == 0 {
		return whatsapp.SendResult{MessageID: "wamid.ok"}, nil
	}
	err := c.script[0]
	c.script = c.script[1:]
	if err != nil {
		return whatsapp.SendResult{}, err
	}
	return whatsapp.SendResult{MessageID: "wamid.ok"}, nil
}

func (c *client) MarkRead(context.Context, string, string, bool) error { return nil }

// observer records attempts and outages.
type observer struct {
	attempts           []int // codes, 0 for success
	stalled, recovered int
}

func (o *observer) SendAttempt(_ string, ok bool, code int, _ time.Duration) {
	if ok {
		code = 0
	}
	o.attempts = append(o.attempts, code)
}
func (o *observer) SendingStalled(string, int)             { o.stalled++ }
func (o *observer) SendingRecovered(string, time.Duration) { o.recovered++ }
func serverError() error                                   { return sendErr(131000, whatsapp.ActionRetry) }
func accountError() error                                  { return sendErr(190, whatsapp.ActionAlertAdmin) }
func sendErr(code int, a whatsapp.Action) *whatsapp.SendError {
	return &whatsapp.SendError{HasCode: true, Code: code, Action: a}
}
func attempt(kind sendpolicy.Kind, failed int) Attempt {
	return Attempt{Phone: "1001", Kind: kind, Failed: failed, Msg: whatsapp.Outbound{To: "1", Kind: "text", Text: "x"}}
}
func policy() sendpolicy.Policy { return sendpolicy.Policy{FastAttempts: 3} }
func newStep(c *client, o *observer, log *bytes.Buffer) *Step {
	return New(Options{Client: c, Pacer: pace.New(1000), Observer: o, Logger: zerolog.New(log)})
}

// What one send comes to, for the number, by what WhatsApp answered: the
// outage is the number's, whatever the kind of message, and is alerted
// once and ended once.
func TestSendDecidesAndTracksTheNumbersOutage(t *testing.T) {
	cases := []struct {
		label   string
		script  []error
		kinds   []sendpolicy.Kind // one send each, with failed = its index
		verdict []sendpolicy.Verdict
		stalled int
		recov   int
		alerts  int
		paused  bool
	}{
		{label: "an accepted send is done and starts no outage",
			kinds: []sendpolicy.Kind{sendpolicy.KindReply}, verdict: []sendpolicy.Verdict{sendpolicy.Done}},
		{label: "fast retries are no outage yet",
			script: []error{serverError(), serverError()}, kinds: []sendpolicy.Kind{sendpolicy.KindReply, sendpolicy.KindReply},
			verdict: []sendpolicy.Verdict{sendpolicy.Retry, sendpolicy.Retry}},
		{label: "failing past the fast retries alerts once, for replies and broadcasts alike, and recovers once",
			script:  []error{serverError(), serverError(), serverError(), serverError(), nil},
			kinds:   []sendpolicy.Kind{sendpolicy.KindReply, sendpolicy.KindReply, sendpolicy.KindBroadcast, sendpolicy.KindReply, sendpolicy.KindBroadcast},
			verdict: []sendpolicy.Verdict{sendpolicy.Retry, sendpolicy.Retry, sendpolicy.WaitLong, sendpolicy.WaitLong, sendpolicy.Done},
			stalled: 1, recov: 1, alerts: 1},
		{label: "account trouble pauses the number and alerts once",
			script: []error{accountError(), accountError()}, kinds: []sendpolicy.Kind{sendpolicy.KindBroadcast, sendpolicy.KindReply},
			verdict: []sendpolicy.Verdict{sendpolicy.PauseNumber, sendpolicy.PauseNumber}, stalled: 1, alerts: 1, paused: true},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			cl, obs, log := &client{script: c.script}, &observer{}, &bytes.Buffer{}
			s := newStep(cl, obs, log)
			for i, k := range c.kinds {
				if s.PausedUntil("1001").IsZero() {
					// Sends go after Wait; a paused number's would wait out the pause.
					if _, err := s.Wait(context.Background(), "1001", pace.Conversation); err != nil {
						t.Fatal(err)
					}
				}
				o := s.Send(context.Background(), policy(), attempt(k, i))
				if o.Decision.Verdict != c.verdict[i] {
					t.Errorf("send %d (%s): verdict %s, want %s", i+1, k, o.Decision.Verdict, c.verdict[i])
				}
			}
			if len(obs.attempts) != len(c.kinds) {
				t.Errorf("%d attempts counted, want %d", len(obs.attempts), len(c.kinds))
			}
			if obs.stalled != c.stalled || obs.recovered != c.recov {
				t.Errorf("stalled %d recovered %d, want %d and %d", obs.stalled, obs.recovered, c.stalled, c.recov)
			}
			if n := strings.Count(log.String(), "ALERT:"); n != c.alerts {
				t.Errorf("%d ALERT lines, want %d:\n%s", n, c.alerts, log)
			}
			if n := strings.Count(log.String(), "sending recovered"); n != c.recov {
				t.Errorf("%d recovered lines, want %d", n, c.recov)
			}
			if paused := s.PausedUntil("1001").After(time.Now()); paused != c.paused {
				t.Errorf("paused %v, want %v", paused, c.paused)
			}
		})
	}
}

// A failure of a send that began before the number recovered is the old
// outage's, not a new one: no second alert.
func TestLateFailureOfAnEarlierSendStartsNoOutage(t *testing.T) {
	obs, log := &observer{}, &bytes.Buffer{}
	base := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := base
	s := New(Options{Client: &client{}, Observer: obs, Logger: zerolog.New(log), Now: func() time.Time { return clock }})
	waitLong := sendpolicy.Decision{Verdict: sendpolicy.WaitLong, Code: 131000}
	s.Apply("1001", waitLong, base)
	clock = base.Add(time.Minute)
	s.Apply("1001", sendpolicy.Decision{Verdict: sendpolicy.Done}, clock)
	s.Apply("1001", waitLong, base.Add(30*time.Second)) // began before the recovery
	if _, stalled := s.Stalled("1001"); stalled || obs.stalled != 1 || obs.recovered != 1 {
		t.Fatalf("stalled now %v, outages %d, recoveries %d; want no outage now, one of each", stalled, obs.stalled, obs.recovered)
	}
	s.Apply("1001", waitLong, clock.Add(time.Second)) // began after: a new outage
	if _, stalled := s.Stalled("1001"); !stalled || obs.stalled != 2 {
		t.Fatalf("a failure after the recovery did not start a new outage (%d)", obs.stalled)
	}
}

// Wait holds a sender while its number is paused, whatever its class, and
// lets it go when an admin resumes the number.
func TestWaitHoldsWhileTheNumberIsPaused(t *testing.T) {
	s := newStep(&client{}, &observer{}, &bytes.Buffer{})
	s.Pacer().Pause("1001", time.Now().Add(time.Hour))
	done := make(chan error, 1)
	go func() {
		_, err := s.Wait(context.Background(), "1001", pace.Broadcast)
		done <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); s.Pacer().Held("1001") != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sender is not held by the pause")
		}
	}
	select {
	case err := <-done:
		t.Fatalf("Wait returned (%v) while the number is paused", err)
	default:
	}
	s.Pacer().Resume("1001")
	if err := <-done; err != nil {
		t.Fatalf("Wait after resume: %v", err)
	}
}
