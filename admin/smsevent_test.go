package admin

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/sms"
	"lifeline/sms/smstest"
)

// An SMS that opens a handoff, and one that joins it, each tell the
// console's live stream (the engine's event bus) as a WhatsApp message
// would, danger that makes it urgent with an emergency too; an SMS asking
// for nothing tells it nothing.
func TestInboundSMSToTheDeskIsALiveEvent(t *testing.T) {
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
	sub, err := engine.Bus().Subscribe(bot.EventsTopic, 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	const quiet, user = "447700900100", "447700900123"
	post := func(sid, from, body string) {
		t.Helper()
		if code := s.postSMS(t, sms.InboundPath, smstest.InboundForm(sid, "+"+from, cfg.From[0], body), "sign"); code != 200 {
			t.Fatalf("inbound %q: %d", body, code)
		}
	}
	// next waits for the next event of user's (events of others fail).
	next := func(what string) bot.Event {
		t.Helper()
		select {
		case m := <-sub.C:
			ev, err := bot.DecodeEvent(m)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if ev.User != user {
				t.Fatalf("%s: event %+v of another person", what, ev)
			}
			return ev
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no live event", what)
		}
		return bot.Event{}
	}
	post("SM1", quiet, "ok thanks")
	post("SM2", user, "please help, the water is rising in our house")
	if ev := next("opening"); ev.Kind != "handoff" {
		t.Errorf("first event on opening %+v, want handoff", ev)
	}
	if ev := next("opening"); ev.Kind != "message" {
		t.Errorf("second event on opening %+v, want message", ev)
	}
	// Rising water in the house is danger: the urgent handoff it opened
	// is an emergency, as on WhatsApp.
	if ev := next("opening"); ev.Kind != "emergency" {
		t.Errorf("third event on opening %+v, want emergency", ev)
	}
	post("SM3", user, "we are on the roof, 3 people")
	if ev := next("joining"); ev.Kind != "handoff" {
		t.Errorf("event on joining %+v, want handoff", ev)
	}
}
