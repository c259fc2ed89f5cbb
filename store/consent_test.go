package store

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// The rules of the one consent writer: the person's own word outranks an
// opt-in on their behalf, and only changes are logged.
func TestRecordConsentRules(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	wa := func(optIn bool, source string) ConsentEvent {
		return ConsentEvent{Channel: ChannelWhatsApp, OptIn: optIn, At: at, Source: source, Wording: "w"}
	}
	for _, c := range []struct {
		label       string
		before      Contact
		ev          ConsentEvent
		changed     bool
		in, out     bool
		logged      int
		contactNote string // OptInSource after
	}{
		{"import opts in a new contact", Contact{}, wa(true, SourceImport), true, true, false, 1, "w"},
		{"import again changes nothing", Contact{OptedIn: true, OptInSource: "x"}, wa(true, SourceImport), false, true, false, 0, "x"},
		{"import cannot opt in someone who said STOP", Contact{OptedOut: true}, wa(true, SourceImport), true, true, true, 1, "w"},
		{"admin opt-out withdraws the opt-in only", Contact{OptedIn: true}, wa(false, SourceAdmin), true, false, false, 1, ""},
		{"STOP opts out", Contact{OptedIn: true}, wa(false, SourceKeyword), true, true, true, 1, ""},
		{"START after STOP opts in again", Contact{OptedIn: true, OptedOut: true}, wa(true, SourceKeyword), true, true, false, 1, ""},
		{"YES in the conversation opts in", Contact{}, wa(true, SourceConversation), true, true, false, 1, SourceConversation},
		{"a second STOP changes nothing", Contact{OptedOut: true}, wa(false, SourceKeyword), false, false, true, 0, ""},
	} {
		t.Run(c.label, func(t *testing.T) {
			db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			ct := c.before
			ct.WaID = "1"
			var changed bool
			if err := db.WriteAny(ctx, func(w Writer) (err error) {
				ct = c.before
				changed, err = RecordConsent(ctx, w, "1", &ct, c.ev)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var log []ConsentEvent
			if err := db.Read(ctx, func(r Reader) (err error) { log, err = ConsentLog(ctx, r, "1"); return err }); err != nil {
				t.Fatal(err)
			}
			if changed != c.changed || ct.OptedIn != c.in || ct.OptedOut != c.out || len(log) != c.logged {
				t.Errorf("changed %v in %v out %v logged %d; want %v %v %v %d", changed, ct.OptedIn, ct.OptedOut, len(log), c.changed, c.in, c.out, c.logged)
			}
			if c.contactNote != "" && ct.OptInSource != c.contactNote {
				t.Errorf("opt_in_source %q, want %q", ct.OptInSource, c.contactNote)
			}
		})
	}
}

// SMS has no opt-in on someone's behalf: only the person's START lifts a STOP.
func TestSMSConsentOnlyThePersonLiftsAStop(t *testing.T) {
	db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		ev      ConsentEvent
		changed bool
		out     bool
	}{
		{ConsentEvent{Channel: ChannelSMS, At: at, Source: SourceSMSKeyword, Wording: "STOP"}, true, true},
		{ConsentEvent{Channel: ChannelSMS, OptIn: true, At: at, Source: SourceAdmin, Wording: "form"}, false, true},
		{ConsentEvent{Channel: ChannelSMS, OptIn: true, At: at, Source: SourceSMSKeyword, Wording: "START"}, true, false},
		{ConsentEvent{Channel: "fax", At: at, Source: SourceAdmin}, false, false},
	}
	for i, s := range steps {
		var changed bool
		err := db.WriteAny(ctx, func(w Writer) (err error) { changed, err = RecordConsent(ctx, w, "1", nil, s.ev); return err })
		if s.ev.Channel == "fax" {
			if err == nil {
				t.Errorf("step %d: an unknown channel was accepted", i+1)
			}
			continue
		}
		if err != nil || changed != s.changed {
			t.Fatalf("step %d: changed %v err %v, want %v", i+1, changed, err, s.changed)
		}
		var sc SMSContact
		if err := db.Read(ctx, func(r Reader) (err error) { sc, err = GetSMSContact(ctx, r, "1"); return err }); err != nil || sc.OptedOut != s.out {
			t.Fatalf("step %d: %+v %v, want opted out %v", i+1, sc, err, s.out)
		}
	}
}
