package admin

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/sms"
	"lifeline/sms/smstest"
	"lifeline/store"
	"lifeline/store/storetest"
)

// Someone in danger who writes by SMS goes ahead of a person waiting on
// WhatsApp, and that person is told so, once, as when the one in danger
// writes on WhatsApp; a request for a person by SMS passes nobody, and a
// second person in danger soon after passes them silently.
func TestSMSHandoffAheadTellsPeopleWaitingOnWhatsApp(t *testing.T) {
	s := newSMSServer(t, &bytes.Buffer{})
	const waiting = "447700900200"
	if _, err := s.engine.Submit(whatsapp.Message{ID: "wamid.in.waiting", From: waiting, Type: "text",
		Text: "I want to talk to a person", Timestamp: time.Now()}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	// passedNotices counts the messages that told the person waiting on
	// WhatsApp someone was placed ahead of them.
	passedNotices := func() int {
		t.Helper()
		n := 0
		storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) error {
			return store.EachTranscriptEntry(ctx, r, waiting, func(e store.Entry) error {
				if e.Dir == store.Out && strings.Contains(e.Text, "placed ahead of you") {
					n++
				}
				return nil
			})
		})
		return n
	}
	if n := passedNotices(); n != 0 {
		t.Fatalf("before any SMS: %d notices of being passed", n)
	}
	steps := []struct {
		label, sid, from, body string
		want                   int // notices of being passed so far
	}{
		{"a request for a person by SMS goes behind them", "SM1", "447700900201", "I want to talk to a person", 0},
		{"someone in danger by SMS goes ahead: told once", "SM2", "447700900202", "my father collapsed and is not breathing", 1},
		{"a second person in danger soon after: not told again", "SM3", "447700900203", "my father collapsed and is not breathing", 1},
	}
	for _, st := range steps {
		if code := s.postSMS(t, sms.InboundPath, smstest.InboundForm(st.sid, "+"+st.from, "+15005550006", st.body), "sign"); code != 200 {
			t.Fatalf("%s: inbound SMS %d", st.label, code)
		}
		if n := passedNotices(); n != st.want {
			t.Errorf("%s: %d notices of being passed, want %d", st.label, n, st.want)
		}
	}
}
