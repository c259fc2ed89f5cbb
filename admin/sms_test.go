package admin

import (
	"bytes"
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/sms"
	"lifeline/sms/smstest"
	"lifeline/store"
	"lifeline/store/storetest"
)

const smsBase = "https://lifeline.example.org"

func newSMSServer(t *testing.T, logs *bytes.Buffer) *testServer {
	t.Helper()
	db, faq := openStore(t)
	engine := startEngine(t, db, faq)
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: []string{"+15005550006"},
		CallbackURL: smsBase, APIURL: "http://127.0.0.1:1"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.New(logs).Level(zerolog.InfoLevel), SMS: &cfg}), db: db, engine: engine}
}

// postSMS posts form to path signed with sig ("sign" signs it right).
func (s *testServer) postSMS(t *testing.T, path string, form url.Values, sig string) int {
	t.Helper()
	if sig == "sign" {
		sig = sms.Sign(smstest.AuthToken, smsBase+path, form)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set(sms.SignatureHeader, sig)
	}
	resp, err := s.App().Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

func smsMessage(t *testing.T, db *store.DB, sid string) store.SMSMessage {
	t.Helper()
	var m store.SMSMessage
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) (err error) {
		m, _, err = store.GetSMSMessage(ctx, r, sid)
		return err
	})
	return m
}

func TestSMSCallbacksRefuseBadSignatures(t *testing.T) {
	var logs bytes.Buffer
	s := newSMSServer(t, &logs)
	storetest.Write(t, s.db, func(ctx context.Context, w store.Writer) error {
		return store.PutSMSMessage(ctx, w, store.SMSMessage{SID: "SM1", User: "447700900123", Status: "queued"})
	})
	status := smstest.StatusForm("SM1", "delivered", 0, "+447700900123", "+15005550006")
	inbound := smstest.InboundForm("SM9", "+447700900123", "+15005550006", "the bridge is down")
	cases := []struct {
		name, path string
		form       url.Values
		sig        string
		want       int
	}{
		{"status unsigned", sms.StatusPath, status, "", 403},
		{"status signed with another token", sms.StatusPath, status, sms.Sign("other", smsBase+sms.StatusPath, status), 403},
		{"status signed for another URL", sms.StatusPath, status, sms.Sign(smstest.AuthToken, "http://internal"+sms.StatusPath, status), 403},
		{"inbound unsigned", sms.InboundPath, inbound, "", 403},
		{"inbound signed over other parameters", sms.InboundPath, inbound, sms.Sign(smstest.AuthToken, smsBase+sms.InboundPath, status), 403},
	}
	for _, c := range cases {
		if got := s.postSMS(t, c.path, c.form, c.sig); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	if m := smsMessage(t, s.db, "SM1"); m.Status != "queued" {
		t.Errorf("a refused callback changed the status to %q", m.Status)
	}
	if n := transcriptLen(t, s.db, "447700900123"); n != 0 {
		t.Errorf("a refused inbound SMS was recorded (%d entries)", n)
	}
	if out := logs.String(); strings.Contains(out, "bridge") || strings.Contains(out, "7700900123") || strings.Contains(out, smstest.AuthToken) {
		t.Errorf("the log shows personal data or the token:\n%s", out)
	}
	if !strings.Contains(logs.String(), "sms callback refused") {
		t.Errorf("refusals are not logged:\n%s", logs.String())
	}
	if got := s.postSMS(t, sms.StatusPath, status, "sign"); got != 200 {
		t.Fatalf("a well-signed status: %d", got)
	}
}

func TestSMSStatusesStayMonotonic(t *testing.T) {
	s := newSMSServer(t, &bytes.Buffer{})
	storetest.Write(t, s.db, func(ctx context.Context, w store.Writer) error {
		return store.PutSMSMessage(ctx, w, store.SMSMessage{SID: "SM2", User: "447700900123", Status: "queued"})
	})
	steps := []struct {
		status string
		code   int
		want   string
	}{
		{"sent", 0, "sent"},
		{"delivered", 0, "delivered"},
		{"sending", 0, "delivered"}, // late
		{"sent", 0, "delivered"},    // late
		{"failed", 30003, "delivered"},
	}
	for i, st := range steps {
		if got := s.postSMS(t, sms.StatusPath, smstest.StatusForm("SM2", st.status, st.code, "+447700900123", "+15005550006"), "sign"); got != 200 {
			t.Fatalf("step %d: status %d", i, got)
		}
		if m := smsMessage(t, s.db, "SM2"); m.Status != st.want {
			t.Fatalf("step %d (%s): stored %q, want %q", i, st.status, m.Status, st.want)
		}
	}
	// An unknown sid is acknowledged, not retried forever by the provider.
	if got := s.postSMS(t, sms.StatusPath, smstest.StatusForm("SMunknown", "sent", 0, "+1", "+2"), "sign"); got != 200 {
		t.Errorf("unknown sid: %d", got)
	}
	if got := s.postSMS(t, sms.StatusPath, url.Values{"MessageSid": {"SM2"}, "MessageStatus": {"bogus"}}, "sign"); got != 400 {
		t.Errorf("unknown status: %d, want 400", got)
	}
}

func TestSMSInboundStopStartAndText(t *testing.T) {
	s := newSMSServer(t, &bytes.Buffer{})
	const from, user = "+447700900123", "447700900123"
	optOut := func() store.SMSContact {
		var c store.SMSContact
		storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) (err error) {
			c, err = store.GetSMSContact(ctx, r, user)
			return err
		})
		return c
	}
	post := func(sid, body string) {
		t.Helper()
		if got := s.postSMS(t, sms.InboundPath, smstest.InboundForm(sid, from, "+15005550006", body), "sign"); got != 200 {
			t.Fatalf("inbound %q: %d", body, got)
		}
	}
	post("SM10", "Stop")
	if c := optOut(); !c.OptedOut || c.OptOutWording != "Stop" || c.OptOutAt.IsZero() {
		t.Fatalf("after STOP: %+v", c)
	}
	post("SM11", "START")
	if c := optOut(); c.OptedOut || c.OptInWording != "START" {
		t.Fatalf("after START: %+v", c)
	}
	post("SM12", "QUIT")
	if c := optOut(); !c.OptedOut || c.OptOutWording != "QUIT" {
		t.Fatalf("after QUIT: %+v", c)
	}
	if n := transcriptLen(t, s.db, user); n != 0 {
		t.Fatalf("keywords went to the conversation: %d entries", n)
	}
	post("SM13", "my house is flooded, 3 people")
	post("SM13", "my house is flooded, 3 people") // the provider retried
	var got []store.Entry
	storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(e store.Entry) error { got = append(got, e); return nil })
	})
	if len(got) != 1 || got[0].Channel != "sms" || got[0].Text != "my house is flooded, 3 people" || got[0].Dir != store.In || got[0].MessageID != "SM13" {
		t.Fatalf("conversation = %+v", got)
	}
}
