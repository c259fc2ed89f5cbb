package admin

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/sms"
	"lifeline/sms/smstest"
)

// Every way consent is given or withdrawn lands in one consent log, per
// channel, with time, source and wording, shown with the contact and in
// the person's export: an import, STOP and START on WhatsApp, an admin,
// the explicit "Reply YES to receive alerts about ..." conversation, and
// STOP by SMS.
func TestConsentRecordsEverySource(t *testing.T) {
	db, faq := openStore(t)
	engine := bot.New(bot.Config{Workers: 1, AlertTopic: "floods in Dammam"}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Logger: zerolog.Nop()})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.Close)
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: []string{"+15005550006"}, CallbackURL: smsBase, APIURL: "http://127.0.0.1:1"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	tok, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Sandbox: true, Logger: zerolog.Nop(), SMS: &cfg}), db: db, engine: engine, token: tok}
	const user = "447700900123"
	say := func(text string) []string {
		t.Helper()
		code, out := s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": user, "text": text})
		if code != 200 {
			t.Fatalf("sandbox %q: %d %v", text, code, out)
		}
		return replyTexts(t, out)
	}
	consent := func() []map[string]any {
		t.Helper()
		code, out := s.do(t, "GET", "/admin/contacts/"+user, tok, nil)
		if code != 200 {
			t.Fatalf("contact: %d %v", code, out)
		}
		var evs []map[string]any
		for _, e := range out["consent"].([]any) {
			evs = append(evs, e.(map[string]any))
		}
		return evs
	}

	if code, body := call(t, s.Server, "POST", "/admin/contacts/import", tok, "text/csv", "phone,name,opted_in,opt_in_source\n+"+user+",Jane,yes,paper form\n"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	say("STOP")
	say("START")
	if code, out := s.do(t, "POST", "/admin/contacts/"+user+"/consent", tok, map[string]any{"channel": "whatsapp", "opt_in": false, "wording": "asked by phone to stop"}); code != 200 || out["changed"] != true || out["opted_in"] != false {
		t.Fatalf("admin opt-out: %d %v", code, out)
	}
	// Not opted in any more: asking for alerts is answered with the explicit question.
	replies := say("START")
	if len(replies) != 1 || !strings.Contains(replies[0], "Reply YES to receive alerts about floods in Dammam") {
		t.Fatalf("asking for alerts: %q, want the explicit opt-in question", replies)
	}
	if n := len(consent()); n != 4 {
		t.Fatalf("the question alone recorded consent: %d events", n)
	}
	say("yes")
	if code := s.postSMS(t, sms.InboundPath, smstest.InboundForm("SM1", "+"+user, "+15005550006", "STOP"), "sign"); code != 200 {
		t.Fatalf("sms stop: %d", code)
	}
	// An admin cannot undo the person's SMS STOP, nor write without saying how.
	for _, c := range []struct {
		body map[string]any
		code int
	}{
		{map[string]any{"channel": "sms", "opt_in": true, "wording": "form"}, 409},
		{map[string]any{"channel": "whatsapp", "opt_in": true}, 400},
		{map[string]any{"channel": "fax", "opt_in": true, "wording": "form"}, 400},
	} {
		if code, out := s.do(t, "POST", "/admin/contacts/"+user+"/consent", tok, c.body); code != c.code {
			t.Errorf("%v: %d %v, want %d", c.body, code, out, c.code)
		}
	}
	// A second STOP on SMS changes nothing and is not logged again.
	s.postSMS(t, sms.InboundPath, smstest.InboundForm("SM2", "+"+user, "+15005550006", "stop"), "sign")

	want := []struct {
		channel, source, wording string
		optIn                    bool
	}{
		{"whatsapp", "import", "paper form", true},
		{"whatsapp", "keyword", "", false},
		{"whatsapp", "keyword", "START", true},
		{"whatsapp", "admin", "asked by phone to stop", false},
		{"whatsapp", "conversation", "Reply YES to receive alerts about floods in Dammam", true},
		{"sms", "sms_keyword", "STOP", false},
	}
	got := consent()
	if len(got) != len(want) {
		t.Fatalf("consent log %v, want %d events", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		wording, _ := g["wording"].(string)
		if g["channel"] != w.channel || g["source"] != w.source || g["opt_in"] != w.optIn || !strings.Contains(wording, w.wording) || g["at"] == nil {
			t.Errorf("event %d = %v, want %+v", i+1, g, w)
		}
	}
	if by, _ := got[0]["by"].(string); !strings.HasPrefix(by, "import by") {
		t.Errorf("import event by %q, want the import", by)
	}
	if w, _ := got[4]["wording"].(string); !strings.HasSuffix(w, "/ yes") {
		t.Errorf("conversation wording %q, want the question and the answer", w)
	}
	code, out := s.do(t, "GET", "/admin/contacts/"+user, tok, nil)
	if code != 200 || out["opted_in"] != true || out["opt_in_source"] != "conversation" || out["opted_out"] != nil {
		t.Errorf("contact after the YES: %v", out)
	}
	code, x := s.do(t, "GET", "/admin/contacts/"+user+"/export", tok, nil)
	if code != 200 || fmt.Sprint(x["consent"]) != fmt.Sprint(toAny(got)) {
		t.Errorf("export consent = %v, want the contact's log %v", x["consent"], got)
	}
}

func toAny(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}
