package broadcast

import (
	"reflect"
	"testing"
	"time"

	"lifeline/store"
)

// TestDecide is the dispatcher's rule book: what happens to one recipient
// given its record, what came back about it, the person and their recent
// messages.
func TestDecide(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later := now.Add(time.Minute)
	earlier := now.Add(-time.Minute)
	sentAt := now.Add(-time.Hour)

	first := roundPolicy{Round: 0, OptedInOnly: true, CapOn: true, FrequencyCap: 2}
	critical := roundPolicy{Round: 0, OptedInOnly: false, CapOn: false, FrequencyCap: 2}
	reminder := roundPolicy{Round: 1, OptedInOnly: true, FrequencyCap: 2}
	grace := first
	grace.InFlightGraceUntil = now.Add(time.Minute)
	graceEnding := first
	graceEnding.InFlightGraceUntil = now.Add(2 * time.Second)
	graceOver := first
	graceOver.InFlightGraceUntil = now
	// Taken over from a dispatcher that had handed sends up to seq 9 to
	// WhatsApp when it died.
	handed := grace
	handed.HandedTo = 10

	person := &store.Contact{WaID: "u1", Language: "en", OptedIn: true}
	neverOptedIn := &store.Contact{WaID: "u1", Language: "en"}
	optedOut := &store.Contact{WaID: "u1", OptedIn: true, OptedOut: true, Unreachable: true}
	unreachable := &store.Contact{WaID: "u1", OptedIn: true, Unreachable: true}

	pending := Recipient{WaID: "u1", State: recPending}
	retryDue := Recipient{WaID: "u1", State: recRetry, Attempts: 2, Code: 130429, Reason: "130429", NotBefore: earlier}
	retryLaterRec := Recipient{WaID: "u1", State: recRetry, Attempts: 2, NotBefore: later}
	inFlight := Recipient{WaID: "u1", State: recSending, Lang: "en"}
	sentFirst := Recipient{WaID: "u1", State: recSent, Phone: "1001", WAMID: "wamid.1", Attempts: 1, SentAt: sentAt}

	with := func(r Recipient, fn func(*Recipient)) Recipient { fn(&r); return r }
	skipped := func(r Recipient, reason string) Recipient {
		return with(r, func(r *Recipient) { r.State, r.Reason = recSkipped, reason })
	}
	resent := func(r Recipient) Recipient { return with(r, func(r *Recipient) { r.Dups++ }) }
	remind := with(sentFirst, func(r *Recipient) { r.Round, r.State, r.Attempts = 1, recPending, 0 })

	for _, c := range []struct {
		name  string
		pol   roundPolicy
		facts recipientFacts
		want  decision
	}{
		// Whose turn it is.
		{"pending, first message today: send, counting against the daily limit", first,
			recipientFacts{Rec: pending, Contact: person},
			decision{Verdict: sendNow, Rec: pending, NewToday: true}},
		{"pending, messaged within 24 hours: send, no new unit of the daily limit", first,
			recipientFacts{Rec: pending, Contact: person, Recent: 1, KnownToday: true},
			decision{Verdict: sendNow, Rec: pending}},
		{"already sent: nothing to do", first,
			recipientFacts{Rec: sentFirst, Contact: person},
			decision{Verdict: notThisRound, Rec: sentFirst}},
		{"failed for good: nothing to do", first,
			recipientFacts{Rec: Recipient{WaID: "u1", State: recFailed, Code: 131026}},
			decision{Verdict: notThisRound, Rec: Recipient{WaID: "u1", State: recFailed, Code: 131026}}},
		{"skipped (erased): nothing to do", first,
			recipientFacts{Rec: Recipient{State: recSkipped, Reason: "erased"}},
			decision{Verdict: notThisRound, Rec: Recipient{State: recSkipped, Reason: "erased"}}},
		{"pending of another round: not this pass's", reminder,
			recipientFacts{Rec: pending, Contact: person},
			decision{Verdict: notThisRound, Rec: pending}},

		// Skips, in the order they are checked.
		{"contact deleted since enqueued", first,
			recipientFacts{Rec: pending},
			decision{Verdict: skip, Rec: skipped(pending, "contact_deleted"), Reason: "contact_deleted"}},
		{"opted out (before unreachable)", first,
			recipientFacts{Rec: pending, Contact: optedOut},
			decision{Verdict: skip, Rec: skipped(pending, "opted_out"), Reason: "opted_out"}},
		{"unreachable", first,
			recipientFacts{Rec: pending, Contact: unreachable},
			decision{Verdict: skip, Rec: skipped(pending, "unreachable"), Reason: "unreachable"}},
		{"never opted in, opted-in audience", first,
			recipientFacts{Rec: pending, Contact: neverOptedIn},
			decision{Verdict: skip, Rec: skipped(pending, "not_opted_in"), Reason: "not_opted_in"}},
		{"never opted in, critical with a consent override: send", critical,
			recipientFacts{Rec: pending, Contact: neverOptedIn},
			decision{Verdict: sendNow, Rec: pending, NewToday: true}},
		{"frequency cap reached", first,
			recipientFacts{Rec: pending, Contact: person, Recent: 2, KnownToday: true},
			decision{Verdict: skip, Rec: skipped(pending, "frequency_cap"), Reason: "frequency_cap"}},
		{"frequency cap reached, critical: send", critical,
			recipientFacts{Rec: pending, Contact: person, Recent: 5, KnownToday: true},
			decision{Verdict: sendNow, Rec: pending}},
		{"frequency cap is checked before the pair rate", first,
			recipientFacts{Rec: pending, Contact: person, Recent: 2, KnownToday: true, PairBusyUntil: later},
			decision{Verdict: skip, Rec: skipped(pending, "frequency_cap"), Reason: "frequency_cap"}},

		// Later.
		{"messaged seconds ago (pair rate): retry when allowed", first,
			recipientFacts{Rec: pending, Contact: person, Recent: 1, KnownToday: true, PairBusyUntil: later},
			decision{Verdict: retryLater, At: later, Rec: with(pending, func(r *Recipient) { r.State, r.NotBefore = recRetry, later })}},
		{"retry not due yet: look again at its time", first,
			recipientFacts{Rec: retryLaterRec, Contact: person},
			decision{Verdict: notYet, At: later, Rec: retryLaterRec}},
		{"retry due: send, leaving the retrying count", first,
			recipientFacts{Rec: retryDue, Contact: person, KnownToday: true},
			decision{Verdict: sendNow, Rec: retryDue, RetryDue: true}},
		{"retry due, opted out meanwhile: skip, still leaving the retrying count", first,
			recipientFacts{Rec: retryDue, Contact: optedOut},
			decision{Verdict: skip, Rec: skipped(retryDue, "opted_out"), Reason: "opted_out", RetryDue: true}},

		// Sends found in flight after a crash.
		{"in flight, a status proved it went out: record it", first,
			recipientFacts{Rec: inFlight, Engagement: Engagement{WAMID: "wamid.9", Phone: "1002", SentAt: sentAt}},
			decision{Verdict: recordSent, Rec: inFlight, SentPhone: "1002", SentWAMID: "wamid.9", SentAt: sentAt}},
		{"in flight, a status without a time: recorded as sent now", first,
			recipientFacts{Rec: inFlight, Engagement: Engagement{WAMID: "wamid.9", Phone: "1002"}},
			decision{Verdict: recordSent, Rec: inFlight, SentPhone: "1002", SentWAMID: "wamid.9", SentAt: now}},
		{"in flight, no status during the grace: look again in 5s", grace,
			recipientFacts{Rec: inFlight, Contact: person},
			decision{Verdict: awaitOutcome, At: now.Add(inFlightRecheck), Rec: inFlight}},
		{"in flight, grace ends within 5s: look again when it ends", graceEnding,
			recipientFacts{Rec: inFlight, Contact: person},
			decision{Verdict: awaitOutcome, At: now.Add(2 * time.Second), Rec: inFlight}},
		{"in flight, grace over, no status: send again, counted as a possible duplicate", graceOver,
			recipientFacts{Rec: inFlight, Contact: person, KnownToday: true},
			decision{Verdict: sendNow, Rec: resent(inFlight), Resend: true}},
		{"in flight, marked but never handed to WhatsApp (past HandedTo): send now, no duplicate", handed,
			recipientFacts{Seq: 10, Rec: inFlight, Contact: person, KnownToday: true},
			decision{Verdict: sendNow, Rec: inFlight}},
		{"in flight, handed to WhatsApp (before HandedTo): wait for its status", handed,
			recipientFacts{Seq: 9, Rec: inFlight, Contact: person},
			decision{Verdict: awaitOutcome, At: now.Add(inFlightRecheck), Rec: inFlight}},
		{"in flight, HandedTo not known (an older progress): wait for its status", grace,
			recipientFacts{Seq: 10, Rec: inFlight, Contact: person},
			decision{Verdict: awaitOutcome, At: now.Add(inFlightRecheck), Rec: inFlight}},
		{"in flight, no grace, opted out meanwhile: skip, still counted", first,
			recipientFacts{Rec: inFlight, Contact: optedOut},
			decision{Verdict: skip, Rec: skipped(resent(inFlight), "opted_out"), Reason: "opted_out", Resend: true}},
		{"in flight, pair busy: retry later, counted", first,
			recipientFacts{Rec: inFlight, Contact: person, KnownToday: true, PairBusyUntil: later},
			decision{Verdict: retryLater, At: later, Resend: true,
				Rec: with(resent(inFlight), func(r *Recipient) { r.State, r.NotBefore = recRetry, later })}},

		// Reminder rounds.
		{"reminder: sent earlier, no answer: send the reminder", reminder,
			recipientFacts{Rec: sentFirst, Contact: person, KnownToday: true, Engagement: Engagement{Delivery: "read"}},
			decision{Verdict: sendNow, Rec: remind}},
		{"reminder: answered: nothing to do", reminder,
			recipientFacts{Rec: sentFirst, Contact: person, Engagement: Engagement{Answer: AnswerSafe}},
			decision{Verdict: notThisRound, Rec: sentFirst}},
		{"reminder: reported undeliverable: nothing to do", reminder,
			recipientFacts{Rec: sentFirst, Contact: person, Engagement: Engagement{Delivery: "failed"}},
			decision{Verdict: notThisRound, Rec: sentFirst}},
		{"reminder: this round already sent: nothing to do", reminder,
			recipientFacts{Rec: with(sentFirst, func(r *Recipient) { r.Round = 1 })},
			decision{Verdict: notThisRound, Rec: with(sentFirst, func(r *Recipient) { r.Round = 1 })}},
		{"reminder: no frequency cap", reminder,
			recipientFacts{Rec: sentFirst, Contact: person, Recent: 9, KnownToday: true},
			decision{Verdict: sendNow, Rec: remind}},
		{"reminder: opted out since: skip", reminder,
			recipientFacts{Rec: sentFirst, Contact: optedOut},
			decision{Verdict: skip, Rec: skipped(remind, "opted_out"), Reason: "opted_out"}},
		{"reminder in flight: the status proves nothing for a reminder, send again", reminder,
			recipientFacts{Rec: with(inFlight, func(r *Recipient) { r.Round = 1 }), Contact: person, KnownToday: true,
				Engagement: Engagement{WAMID: "wamid.1"}},
			decision{Verdict: sendNow, Resend: true, Rec: with(inFlight, func(r *Recipient) { r.Round, r.Dups = 1, 1 })}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.facts
			f.Now = now
			before := f
			got := decide(&f, &c.pol)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("decide\n got %+v\nwant %+v", got, c.want)
			}
			if !reflect.DeepEqual(f, before) {
				t.Errorf("decide changed its facts: %+v", f)
			}
		})
	}
}

// The dispatcher reads only what the decision looks at: a pass over a
// round already sent costs one read per record, and the send history is
// read only for someone who may get the message.
func TestDecideReadsOnlyWhatItNeeds(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	first := roundPolicy{Round: 0, OptedInOnly: true, CapOn: true, FrequencyCap: 2}
	reminder := roundPolicy{Round: 1, OptedInOnly: true}
	grace := first
	grace.InFlightGraceUntil = now.Add(time.Minute)
	person := &store.Contact{WaID: "u1", OptedIn: true}
	optedOut := &store.Contact{WaID: "u1", OptedIn: true, OptedOut: true}
	for _, c := range []struct {
		name                              string
		pol                               roundPolicy
		rec                               Recipient
		eng                               Engagement
		contact                           *store.Contact
		needEng, needContact, needHistory bool
	}{
		{"pending", first, Recipient{State: recPending}, Engagement{}, person, false, true, true},
		{"pending, opted out", first, Recipient{State: recPending}, Engagement{}, optedOut, false, true, false},
		{"pending, contact deleted", first, Recipient{State: recPending}, Engagement{}, nil, false, true, false},
		{"sent, first round", first, Recipient{State: recSent}, Engagement{}, person, false, false, false},
		{"retry not due", first, Recipient{State: recRetry, NotBefore: now.Add(time.Second)}, Engagement{}, person, false, false, false},
		{"in flight, first round", first, Recipient{State: recSending}, Engagement{}, person, true, true, true},
		{"in flight, status came", first, Recipient{State: recSending}, Engagement{WAMID: "w"}, person, true, false, false},
		{"in flight, during the grace", grace, Recipient{State: recSending}, Engagement{}, person, true, false, false},
		{"in flight, reminder", reminder, Recipient{State: recSending, Round: 1}, Engagement{}, person, false, true, true},
		{"sent earlier, reminder", reminder, Recipient{State: recSent}, Engagement{}, person, true, true, true},
		{"answered, reminder", reminder, Recipient{State: recSent}, Engagement{Answer: AnswerHelp}, person, true, false, false},
	} {
		f := recipientFacts{Rec: c.rec, Now: now, Engagement: c.eng, Contact: c.contact}
		if got := needsEngagement(&f.Rec, c.pol.Round); got != c.needEng {
			t.Errorf("%s: needsEngagement %v, want %v", c.name, got, c.needEng)
		}
		if got := needsContact(&f, &c.pol); got != c.needContact {
			t.Errorf("%s: needsContact %v, want %v", c.name, got, c.needContact)
		}
		if got := needsHistory(&f, &c.pol); got != c.needHistory {
			t.Errorf("%s: needsHistory %v, want %v", c.name, got, c.needHistory)
		}
	}
}

// BenchmarkDecide is the decision's own cost per recipient, for a send
// that passes every check (the common case of a first round).
func BenchmarkDecide(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	pol := roundPolicy{OptedInOnly: true, CapOn: true, FrequencyCap: 2}
	f := recipientFacts{Rec: Recipient{WaID: "u1", State: recPending}, Now: now, Contact: &store.Contact{WaID: "u1", OptedIn: true}}
	for b.Loop() {
		if !needsContact(&f, &pol) || !needsHistory(&f, &pol) || decide(&f, &pol).Verdict != sendNow {
			b.Fatal("want a send")
		}
	}
}
