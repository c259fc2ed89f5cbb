package broadcast

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"lifeline/bot"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// attempts records what the service reports of its sends, as the metrics do.
type attempts struct {
	bot.NopObserver // only send attempts are counted
	mu              sync.Mutex
	sent            map[string]int // phone number id -> successful attempts
	errs            map[int]int    // code -> failed attempts
}

func (a *attempts) SendAttempt(num string, ok bool, code int, _ time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ok {
		a.sent[num]++
	} else {
		a.errs[code]++
	}
}

// Broadcast sends count in the same per-number send metric as replies, so
// that its rate is the number's true send rate.
func TestBroadcastSendsAreReportedPerNumber(t *testing.T) {
	obs := &attempts{sent: map[string]int{}, errs: map[int]int{}}
	h := newHarness(t, hopts{cfg: Config{PhoneNumberIDs: []string{"1001", "1002"}}, obs: obs})
	h.contacts(6, "en")
	h.graph.FailNext(1, 500, 131000)
	id := h.create(noticeSpec())
	h.waitState(id, StateCompleted)
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if got := obs.sent["1001"] + obs.sent["1002"]; got != 6 {
		t.Errorf("successful attempts reported %v, want 6 in all", obs.sent)
	}
	for num := range obs.sent {
		if num != "1001" && num != "1002" {
			t.Errorf("attempt reported for %q, not a sending number", num)
		}
	}
	if obs.errs[131000] != 1 {
		t.Errorf("failed attempts reported %v, want one with 131000", obs.errs)
	}
}

// 131057 (account in maintenance mode, about a minute) is retried after a
// minute, not after the usual short backoff.
func TestMaintenanceModeRetriesAfterAMinute(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contacts(1, "en")
	h.graph.FailNext(1, 400, 131057)
	start := time.Now()
	id := h.create(noticeSpec())
	var r Recipient
	eventually(t, 10*time.Second, "the recipient scheduled for a retry", func() bool {
		ctx := context.Background()
		err := h.db.Read(ctx, func(tx store.Reader) (err error) {
			r, err = store.GetBroadcastRecipient[Recipient](ctx, tx, id, 1)
			return err
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		return r.State == recRetry || r.State == recSent
	})
	if r.State != recRetry || r.NotBefore.Sub(start) < time.Minute {
		t.Fatalf("after 131057: %+v, want a retry not before a minute has passed", r)
	}
}

// An account error on a reply pauses the number for broadcasts too: one
// pause per number, ended by time or by an admin.
func TestAccountErrorOnAReplyStopsBroadcastsFromTheNumber(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	ids := h.contacts(2, "en")
	h.graph.FailNext(1, 401, 190) // the reply's send
	in := whatsapp.Message{ID: "wamid.in.190", From: "15550001111", PhoneNumberID: "1001", Type: "text", Text: "hello", Timestamp: time.Now()}
	if _, err := h.engine.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{in}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the number paused by the reply's 190", func() bool {
		return h.pacer.PausedUntil("1001").After(time.Now())
	})
	id := h.create(noticeSpec())
	eventually(t, 10*time.Second, "broadcast senders held by the pause", func() bool { return h.pacer.Held("1001") > 0 })
	if n := sendsTo(h.graph.Messages()); n[ids[0]]+n[ids[1]] != 0 {
		t.Fatalf("broadcast sent from a paused number: %v", n)
	}
	h.pacer.Resume("1001") // the admin fixed the token
	h.waitState(id, StateCompleted)
	if n := sendsTo(h.graph.Messages()); n[ids[0]] != 1 || n[ids[1]] != 1 {
		t.Fatalf("after resume: %v, want one each", n)
	}
}
