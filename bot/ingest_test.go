package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// batchPayload is one webhook POST carrying n text messages of text, each
// from its own user, in Meta's shape.
func batchPayload(prefix string, n int, text string) []byte {
	var msgs, contacts []string
	for i := range n {
		from := fmt.Sprintf("1555%07d", i)
		contacts = append(contacts, fmt.Sprintf(`{"profile":{"name":"U"},"wa_id":%q}`, from))
		msgs = append(msgs, fmt.Sprintf(`{"from":%q,"id":"%s.%d","timestamp":"%d","type":"text","text":{"body":%q}}`, from, prefix, i, time.Now().Unix(), text))
	}
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"900800700600500","changes":[{"field":"messages","value":{
"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":%q},
"contacts":[%s],"messages":[%s]}}]}]}`, testPhone, strings.Join(contacts, ","), strings.Join(msgs, ",")))
}

// Every body the webhook accepts (up to its 4 MB limit, Meta's own is
// higher) can be stored: stored values are not HTML-escaped, and what
// does not fit one transaction is written in several.
func TestEveryAcceptedWebhookBodyIsStored(t *testing.T) {
	cases := []struct {
		name     string
		messages int
		text     string
	}{
		{"300 messages of 4,096 '<' (1.26 MB, six-fold when escaped)", 300, strings.Repeat("<", 4096)},
		{"900 messages of 4,096 '&' (3.7 MB, several commits)", 900, strings.Repeat("&", 4096)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{dir: t.TempDir()})
			body := batchPayload("wamid.big", c.messages, c.text)
			if err := h.accept(body); err != nil {
				t.Fatalf("body of %d bytes: %v", len(body), err)
			}
			// Acknowledged means on disk: every message is marked as seen.
			if n := h.seen("m:wamid.big."); n != c.messages {
				t.Errorf("%d of %d messages stored", n, c.messages)
			}
			// Meta's redelivery of the same body stores nothing more.
			if err := h.accept(body); err != nil {
				t.Fatalf("redelivery: %v", err)
			}
			if n := h.seen("m:wamid.big."); n != c.messages {
				t.Errorf("after redelivery %d seen markers, want %d", n, c.messages)
			}
		})
	}
}

// A batch split over several commits that was cut short after some of
// them (a crash, a full disk) is delivered again by Meta: the events
// already committed are not stored twice, the rest are stored.
func TestSplitBatchCutShortIsCompletedByRedeliveryWithoutDuplicates(t *testing.T) {
	h := newHarness(t, harnessOpts{dir: t.TempDir()})
	const n = 900
	b, err := whatsapp.ParseWebhook(batchPayload("wamid.cut", n, strings.Repeat("<", 4096)))
	if err != nil {
		t.Fatal(err)
	}
	events, size, err := encodeEvents(b, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if size <= ingestTxnBytes {
		t.Fatalf("batch of %d bytes would not be split", size)
	}
	// The first commits of the earlier attempt landed, then it failed.
	first, err := h.engine.writeSplit(events[:n/3])
	if err != nil || first != n/3 {
		t.Fatalf("first part: %d %v", first, err)
	}
	accepted, err := h.engine.Ingest(b)
	if err != nil {
		t.Fatal(err)
	}
	if accepted != n-n/3 {
		t.Errorf("redelivery accepted %d events, want the %d not stored before", accepted, n-n/3)
	}
	h.engine.WaitIdle()
	for i := range n {
		if got := len(h.transcript(fmt.Sprintf("1555%07d", i))); got != 2 {
			t.Fatalf("user %d has %d transcript entries, want the message and one reply", i, got)
		}
	}
}

// A body that can never be stored as events is kept whole for an operator,
// so that the webhook can acknowledge it instead of failing Meta's retries
// for days.
func TestRejectedBodyIsKeptWhole(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	body := batchPayload("wamid.rej", 3, "<&>")
	if err := h.engine.Reject(body, fmt.Errorf("%w: test", ErrUnstorable)); err != nil {
		t.Fatal(err)
	}
	var kept []string
	h.read(func(ctx context.Context, r store.Reader) error {
		return store.EachRejectedBody(ctx, r, func(rec store.RejectedBody) error {
			if !strings.Contains(rec.Reason, "can never be stored") {
				t.Errorf("reason %q", rec.Reason)
			}
			kept = append(kept, rec.Body)
			return nil
		})
	})
	if len(kept) != 1 || kept[0] != string(body) {
		t.Errorf("kept %d bodies; want the one body byte for byte", len(kept))
	}
}

// A webhook batch is stored as one write per lane, each in its person's
// scope. A crash after the first of them leaves that lane's events
// stored (found again by the restart scan) and the batch unanswered:
// Meta's redelivery stores the rest and nothing twice, and the error
// event, which has no id to recognise it by, is in the last write.
func TestBatchCutShortBetweenLanesIsCompletedByRedelivery(t *testing.T) {
	h := newHarness(t, harnessOpts{dir: t.TempDir()})
	body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"900800700600500","changes":[{"field":"messages","value":{
"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":%q},
"contacts":[{"profile":{"name":"A"},"wa_id":"15550000001"},{"profile":{"name":"B"},"wa_id":"15550000002"}],
"messages":[
 {"from":"15550000001","id":"wamid.lane.1","timestamp":"%d","type":"text","text":{"body":"hello"}},
 {"from":"15550000002","id":"wamid.lane.2","timestamp":"%d","type":"text","text":{"body":"hello"}},
 {"from":"15550000001","id":"wamid.lane.3","timestamp":"%d","type":"text","text":{"body":"thanks"}}],
"statuses":[{"id":"wamid.OUT.nobody","status":"delivered","timestamp":"%d"}],
"errors":[{"code":131000,"title":"Something went wrong"}]}}]}]}`, testPhone, time.Now().Unix(), time.Now().Unix(), time.Now().Unix(), time.Now().Unix()))
	b, err := whatsapp.ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	events, _, err := encodeEvents(b, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	writes, staged, _ := h.engine.laneWrites([][]ingestEvent{events})
	var scopes []string
	for _, w := range writes {
		scopes = append(scopes, w.Scope.ID())
	}
	if want := []string{"15550000001", "15550000002", "_statuses", "_errors"}; fmt.Sprint(scopes) != fmt.Sprint(want) {
		t.Fatalf("lanes written in the order %v, want %v (one per person, the error last)", scopes, want)
	}
	// The first write committed, then the process died before the others.
	if _, err := h.db.WriteEach(context.Background(), writes[:1]); err != nil {
		t.Fatalf("first lane: %v", err)
	}
	h.engine.queue(staged[0].tasks, "") // what the restart scan finds
	accepted, err := h.engine.Ingest(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(events) - 2; accepted != want {
		t.Errorf("redelivery accepted %d events, want the %d not stored before", accepted, want)
	}
	h.engine.WaitIdle()
	for user, want := range map[string]int{"15550000001": 4, "15550000002": 2} {
		if got := len(h.transcript(user)); got != want {
			t.Errorf("user %s has %d transcript entries, want %d: each message once with its reply", user, got, want)
		}
	}
	if n := h.seen("m:wamid.lane."); n != 3 {
		t.Errorf("%d messages marked seen, want 3", n)
	}
	if n := h.inboxLeft(); n != 0 {
		t.Errorf("%d events left in the inbox", n)
	}
}
