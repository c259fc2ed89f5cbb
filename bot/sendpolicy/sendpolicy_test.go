package sendpolicy

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
)

// coded is a send error with a Graph error code, as the client builds it.
func coded(code int) error {
	return &whatsapp.SendError{HTTPStatus: 400, HasCode: true, Code: code, Action: whatsapp.Classify(code)}
}

var (
	unknownOutcome = &whatsapp.SendError{Timeout: true, Action: whatsapp.ActionRetry, Message: "success response without message id"}
	plain5xx       = &whatsapp.SendError{HTTPStatus: 502, Action: whatsapp.ActionRetry}
	dialFailed     = &whatsapp.SendError{Action: whatsapp.ActionRetry, Err: errors.New("dial tcp: connection refused")}
)

var (
	conversational = []Kind{KindReply, KindAgentReply}
	broadcasts     = []Kind{KindBroadcast, KindCheckin, KindReminder, KindNotice}
	messages       = append(append([]Kind{}, conversational...), broadcasts...)
)

// The decision, by error x message kind x failed attempts so far. Each row
// is a rule; the kinds it names are all checked.
func TestDecideReadsLikeTheReference(t *testing.T) {
	p := Policy{Rand: func() float64 { return 0 }}
	rows := []struct {
		rule     string
		err      error
		kinds    []Kind
		attempts int
		want     Verdict
		check    func(t *testing.T, d Decision)
	}{
		{rule: "a success is done", err: nil, kinds: append(messages, KindReadReceipt), attempts: 1, want: Done},

		// §5.1 transient: the same payload again, soon.
		{rule: "131000 is retried with backoff", err: coded(131000), kinds: messages, attempts: 1, want: Retry,
			check: delayAtLeast(time.Second)},
		{rule: "131016 is retried", err: coded(131016), kinds: messages, attempts: 3, want: Retry},
		{rule: "a 5xx without a body is retried", err: plain5xx, kinds: messages, attempts: 1, want: Retry},
		{rule: "a refused connection never reached Meta: retried", err: dialFailed, kinds: messages, attempts: 1, want: Retry},
		{rule: "130429 is retried and slows the number down", err: coded(130429), kinds: messages, attempts: 1, want: Retry,
			check: func(t *testing.T, d Decision) {
				if !d.Throttle {
					t.Error("want Throttle")
				}
			}},
		{rule: "131056 waits 4^n s for that recipient", err: coded(131056), kinds: messages, attempts: 2, want: Retry,
			check: delayAtLeast(16 * time.Second)},
		{rule: "131057 (maintenance) waits about a minute", err: coded(131057), kinds: messages, attempts: 1, want: Retry,
			check: delayAtLeast(time.Minute)},

		// After the fast retries every message waits; its sender knows until when.
		{rule: "any message still failing after the fast retries waits long", err: coded(131000), kinds: messages, attempts: 10, want: WaitLong,
			check: delayAtLeast(DefaultLongBase * 3 / 4)},
		{rule: "a message waits long however many attempts, capped at MaxWait", err: coded(130429), kinds: messages, attempts: 500, want: WaitLong,
			check: func(t *testing.T, d Decision) {
				if d.Delay > DefaultMaxWait || d.Delay < DefaultMaxWait*3/4 {
					t.Errorf("delay %v, want within the last quarter below %v", d.Delay, DefaultMaxWait)
				}
			}},

		// The outcome is unknown: no second copy until the status or the grace.
		{rule: "a timeout holds for the status webhook", err: unknownOutcome, kinds: messages, attempts: 1, want: HoldForStatus,
			check: delayIs(DefaultGrace)},
		{rule: "a reply whose outcome keeps being unknown keeps being held", err: unknownOutcome, kinds: conversational, attempts: 50, want: HoldForStatus},
		{rule: "a broadcast whose outcome keeps being unknown waits long after the fast attempts", err: unknownOutcome, kinds: broadcasts, attempts: 10, want: WaitLong},
		{rule: "an error of unknown shape is an unknown outcome", err: errors.New("sandbox broke"), kinds: messages, attempts: 1, want: HoldForStatus},

		// §5.3 the window closed.
		{rule: "131047 on a reply switches to the re-engagement template", err: coded(131047), kinds: conversational, attempts: 1, want: UseTemplate},
		{rule: "131047 on a template cannot be fixed by a template", err: coded(131047), kinds: broadcasts, attempts: 1, want: Fail,
			check: reasonIs("131047")},

		// §5.4 the recipient.
		{rule: "131026 fails and marks the contact", err: coded(131026), kinds: messages, attempts: 1, want: Fail,
			check: func(t *testing.T, d Decision) {
				if !d.Unreachable || d.Reason != "131026" || d.Code != 131026 {
					t.Errorf("got %+v, want unreachable with reason 131026", d)
				}
			}},
		{rule: "131050 fails for that recipient", err: coded(131050), kinds: messages, attempts: 1, want: Fail},
		{rule: "an unknown code fails that one message", err: coded(999999), kinds: messages, attempts: 1, want: Fail},

		// §5.2, §5.5 don't retry.
		{rule: "131049 (Meta chose not to deliver) fails", err: coded(131049), kinds: messages, attempts: 1, want: Fail, check: noAlert},
		{rule: "100 (bad request) fails without an alert", err: coded(100), kinds: messages, attempts: 1, want: Fail, check: noAlert},
		{rule: "132015 (template paused) fails and alerts", err: coded(132015), kinds: messages, attempts: 1, want: Fail, check: alerts},
		{rule: "132016 (template disabled) fails and alerts", err: coded(132016), kinds: messages, attempts: 1, want: Fail, check: alerts},

		// §5.6 account trouble: the number stops, nothing is lost.
		{rule: "190 (token) pauses the number and alerts", err: coded(190), kinds: append(messages, KindReadReceipt), attempts: 1, want: PauseNumber,
			check: func(t *testing.T, d Decision) {
				if !d.Alert || d.PauseFor != whatsapp.NumberPause {
					t.Errorf("got %+v, want an alert and a pause of %v", d, whatsapp.NumberPause)
				}
			}},
		{rule: "368 (policy block) pauses the number", err: coded(368), kinds: messages, attempts: 7, want: PauseNumber},
		{rule: "131048 (spam limit) pauses the number", err: coded(131048), kinds: messages, attempts: 1, want: PauseNumber},

		// Read receipts are cosmetic.
		{rule: "a read receipt is retried a little", err: coded(131000), kinds: []Kind{KindReadReceipt}, attempts: 2, want: Retry},
		{rule: "a read receipt whose outcome is unknown is simply retried", err: unknownOutcome, kinds: []Kind{KindReadReceipt}, attempts: 1, want: Retry},
		{rule: "a read receipt is dropped after three attempts", err: coded(131000), kinds: []Kind{KindReadReceipt}, attempts: 3, want: Fail,
			check: reasonIs("read receipt: 131000")},
		{rule: "a read receipt is never held for a status", err: unknownOutcome, kinds: []Kind{KindReadReceipt}, attempts: 3, want: Fail},
	}
	for _, r := range rows {
		for _, k := range r.kinds {
			t.Run(fmt.Sprintf("%s/%s", r.rule, k), func(t *testing.T) {
				d := p.Decide(r.err, r.attempts, k)
				if d.Verdict != r.want {
					t.Fatalf("Decide(%v, %d, %s) = %s %+v, want %s", r.err, r.attempts, k, d.Verdict, d, r.want)
				}
				if r.check != nil {
					r.check(t, d)
				}
			})
		}
	}
}

func delayAtLeast(min time.Duration) func(*testing.T, Decision) {
	return func(t *testing.T, d Decision) {
		if d.Delay < min {
			t.Errorf("delay %v, want at least %v", d.Delay, min)
		}
	}
}

func delayIs(want time.Duration) func(*testing.T, Decision) {
	return func(t *testing.T, d Decision) {
		if d.Delay != want {
			t.Errorf("delay %v, want %v", d.Delay, want)
		}
	}
}

func reasonIs(want string) func(*testing.T, Decision) {
	return func(t *testing.T, d Decision) {
		if d.Reason != want {
			t.Errorf("reason %q, want %q", d.Reason, want)
		}
	}
}

func alerts(t *testing.T, d Decision) {
	if !d.Alert {
		t.Errorf("got %+v, want an alert", d)
	}
}

func noAlert(t *testing.T, d Decision) {
	if d.Alert {
		t.Errorf("got %+v, want no alert", d)
	}
}

// Under the default policy a reply is never given up during a long outage:
// every transient failure keeps it, the waits grow to the cap and no
// further, so 30 minutes of failures are far from exhausting anything.
func TestDefaultPolicyKeepsAReplyThroughAnOutage(t *testing.T) {
	var elapsed time.Duration
	attempts := 0
	for elapsed < 30*time.Minute {
		attempts++
		d := Decide(coded(131000), attempts, KindReply)
		if d.Verdict != Retry && d.Verdict != WaitLong {
			t.Fatalf("attempt %d after %v: %s, want the reply kept", attempts, elapsed, d.Verdict)
		}
		if d.Delay > DefaultMaxWait {
			t.Fatalf("attempt %d: delay %v above the cap %v", attempts, d.Delay, DefaultMaxWait)
		}
		elapsed += d.Delay
	}
	t.Logf("30 minutes of 131000 are %d attempts", attempts)
}

// A failed status reports the same codes as a send answer: both are
// decided by the same table.
func TestFailedStatusIsDecidedLikeASendError(t *testing.T) {
	for _, code := range []int{131047, 131026, 131000, 130429, 190, 132015} {
		fromStatus := Decide(FromStatus([]whatsapp.APIError{{Code: code, Title: "x"}}), 1, KindReply)
		fromSend := Decide(coded(code), 1, KindReply)
		if fromStatus.Verdict != fromSend.Verdict || fromStatus.Code != code {
			t.Errorf("code %d: status gives %s (code %d), send gives %s", code, fromStatus.Verdict, fromStatus.Code, fromSend.Verdict)
		}
	}
	if d := Decide(FromStatus(nil), 1, KindReply); d.Verdict != Fail || d.Unreachable {
		t.Errorf("failed status without errors: %+v, want a plain failure", d)
	}
}
