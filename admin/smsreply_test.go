package admin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/handoffs"
	"lifeline/sms"
	"lifeline/sms/smstest"
	"lifeline/store"
	"lifeline/store/storetest"
)

// A person who writes by SMS reaches the desk as on WhatsApp: asking for
// help opens a handoff (at the front of the queue), later SMS join it,
// and the agent's console reply goes back by SMS through the provider,
// recorded in the conversation with its sid. A plain SMS that asks for
// nothing opens no handoff.
func TestSMSConversationReachesTheAgent(t *testing.T) {
	prov := smstest.New()
	t.Cleanup(prov.Close)
	cfg := prov.Config(smsBase)
	client, err := sms.New(cfg, sms.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	db, faq := openStore(t)
	engine := startEngine(t, db, faq)
	s := &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), SMS: &cfg, SMSSender: client}), db: db, engine: engine}
	tok, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	const quiet, user = "447700900100", "447700900123"
	post := func(sid, from, body string) {
		t.Helper()
		if code := s.postSMS(t, sms.InboundPath, smstest.InboundForm(sid, "+"+from, cfg.From[0], body), "sign"); code != 200 {
			t.Fatalf("inbound %q: %d", body, code)
		}
	}
	handoff := func(u string) (handoffs.Handoff, bool) {
		var h handoffs.Handoff
		found := true
		storetest.Read(t, db, func(ctx context.Context, r store.Reader) (err error) {
			h, err = store.GetHandoff[handoffs.Handoff](ctx, r, u)
			if err == store.ErrNotFound || (err != nil && strings.Contains(err.Error(), "not found")) {
				found, err = false, nil
			}
			return err
		})
		return h, found
	}
	post("SM1", quiet, "ok thanks")
	if _, found := handoff(quiet); found {
		t.Fatal("an SMS asking for nothing opened a handoff")
	}
	post("SM2", user, "please help, the water is rising in our house")
	h, found := handoff(user)
	if !found || h.Status != handoffs.Waiting || !h.Priority || h.Channel != "sms" {
		t.Fatalf("after asking for help by SMS: %+v (found %v), want a waiting priority handoff on SMS", h, found)
	}
	post("SM3", user, "we are on the roof, 3 people")
	if h, _ = handoff(user); h.LastMessage != "we are on the roof, 3 people" {
		t.Errorf("the second SMS did not join the handoff: %+v", h)
	}

	if code, out := s.do(t, "POST", "/admin/handoffs/"+user+"/claim", tok, nil); code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	if code, out := s.do(t, "POST", "/admin/handoffs/"+user+"/messages", tok, map[string]any{"template": map[string]any{"name": "x", "language": "en"}}); code != 400 {
		t.Errorf("template by SMS: %d %v, want 400", code, out)
	}
	code, out := s.do(t, "POST", "/admin/handoffs/"+user+"/messages", tok, map[string]any{"text": "A boat is on its way. Stay on the roof."})
	if code != 202 || out["channel"] != "sms" {
		t.Fatalf("reply: %d %v, want 202 on SMS", code, out)
	}
	got := prov.To("+" + user)
	if len(got) != 1 || got[0].Body != "A boat is on its way. Stay on the roof." || out["message_id"] != got[0].SID {
		t.Fatalf("provider received %+v, reply entry %v", got, out)
	}
	if m := smsMessage(t, db, got[0].SID); m.User != user {
		t.Errorf("SMS record of the reply %+v, want it kept for the person (status callbacks, export, erasure)", m)
	}
	// The reply is in the conversation the agent sees, after the two SMS.
	var entries []store.Entry
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error { entries = append(entries, e); return nil })
	})
	if n := len(entries); n != 3 || entries[2].Dir != store.Out || entries[2].Channel != "sms" || entries[2].Author == "" {
		t.Errorf("conversation %+v, want two SMS in and the agent's SMS out", entries)
	}
	// A provider refusal is the agent's answer, and nothing is recorded as sent.
	prov.FailTo("+"+user, 21610)
	if code, out := s.do(t, "POST", "/admin/handoffs/"+user+"/messages", tok, map[string]any{"text": "Are you safe?"}); code != 503 || !strings.Contains(out["error"].(string), "21610") {
		t.Errorf("refused reply: %d %v, want 503 naming 21610", code, out)
	}
	entries = entries[:0]
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error { entries = append(entries, e); return nil })
	})
	if len(entries) != 3 {
		t.Errorf("a refused reply was recorded: %d entries", len(entries))
	}
}
