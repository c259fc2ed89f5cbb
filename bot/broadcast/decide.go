package broadcast

import (
	"time"

	"lifeline/bot/contacts"
	"lifeline/store"
)

// What the dispatcher does with one recipient record in a pass.
type verdict int

const (
	// notThisRound: already handled (sent, failed, skipped) or belongs to
	// another round; the record stays as it is.
	notThisRound verdict = iota
	// notYet: a retry whose time has not come; look again at At.
	notYet
	// awaitOutcome: a send in flight when the process died, whose status
	// may still arrive; look again at At.
	awaitOutcome
	// recordSent: a send in flight when the process died that a status
	// webhook proved went out; record it as sent, send nothing.
	recordSent
	// skip for Reason; the record is written as skipped.
	skip
	// retryLater: the person got a broadcast message moments ago; the
	// record is written to be retried at At.
	retryLater
	// sendNow: render and send; NewToday says it uses up a unit of the
	// daily messaging limit.
	sendNow
)

var verdictNames = [...]string{"not this round", "not yet", "await outcome", "record sent", "skip", "retry later", "send now"}

func (v verdict) String() string { return verdictNames[v] }

// Skip reasons a pass gives, besides the audience's own exclusions.
const (
	skipContactDeleted = "contact_deleted"
	skipFrequencyCap   = "frequency_cap"
)

// roundPolicy is what holds for every recipient of one pass.
type roundPolicy struct {
	Round        int  // 0 the broadcast, n reminder round n
	OptedInOnly  bool // the audience's consent rule
	CapOn        bool // the frequency cap applies (first round, not critical)
	FrequencyCap int  // broadcast messages per person within the window
	// InFlightGraceUntil is when sends left in flight by a crash stop
	// waiting for their status; zero for no grace.
	InFlightGraceUntil time.Time
	// HandedTo is the progress's bound when the run took the round over
	// (Progress.HandedTo): records marked "sending" from this seq on were
	// never handed to WhatsApp. 0: not known.
	HandedTo uint64
}

// recipientFacts are the plain values one decision reads. The dispatcher
// loads only what the decision will look at: Engagement when
// needsEngagement, the contact when needsContact, the send history when
// needsHistory.
type recipientFacts struct {
	Seq uint64
	Rec Recipient
	Now time.Time
	// Engagement is what came back about the recipient (zero when nothing did).
	Engagement Engagement
	// Contact is the person; nil when the contact no longer exists.
	Contact *store.Contact
	// Recent counts broadcast messages to the person within the frequency
	// window; KnownToday says one reached them within 24 hours.
	Recent     int
	KnownToday bool
	// PairBusyUntil is when the person may next get a broadcast message
	// (WhatsApp's pair rate); zero when they may now.
	PairBusyUntil time.Time
}

// decision is what to do with one recipient, and the record to write.
type decision struct {
	Verdict verdict
	Rec     Recipient // the record to write or send; its State is set by the caller for sendNow
	Reason  string    // skip
	At      time.Time // notYet, awaitOutcome, retryLater

	// recordSent: what the status webhook said went out.
	SentPhone, SentWAMID string
	SentAt               time.Time

	// Side counts, true whatever the verdict that follows them.
	RetryDue bool // a retry whose time has come: it leaves the retrying count
	Resend   bool // a send lost in flight, sent again: may reach the person twice
	NewToday bool // sendNow to someone not messaged within 24 hours
}

// eligible reports whether the record is the pass's to handle.
func eligible(rec *Recipient, eng *Engagement, round int) bool {
	switch rec.State {
	case recPending, recSending, recRetry:
		return rec.Round == round
	case recSent:
		// A reminder goes to whoever got an earlier round, has not
		// answered and was not reported undeliverable.
		return round > 0 && rec.Round < round && eng.Answer == "" && eng.Delivery != "failed"
	}
	return false
}

// needsEngagement says whether the decision reads what came back about
// the recipient: for a reminder to someone sent an earlier round, and for
// a first-round send found in flight.
func needsEngagement(rec *Recipient, round int) bool {
	return (rec.State == recSent && round > 0 && rec.Round < round) ||
		(rec.State == recSending && round == 0 && rec.Round == round)
}

// needsContact says whether the decision gets as far as the contact.
func needsContact(f *recipientFacts, pol *roundPolicy) bool {
	d, ok := admit(f, pol)
	return ok && d.Verdict == sendNow
}

// needsHistory says whether the decision gets as far as the person's
// send history (frequency cap, daily limit, pair rate).
func needsHistory(f *recipientFacts, pol *roundPolicy) bool {
	return needsContact(f, pol) && contactRefusal(f.Contact, pol) == ""
}

// decide says what to do with one recipient. It is pure: the same facts
// give the same decision.
func decide(f *recipientFacts, pol *roundPolicy) decision {
	d, ok := admit(f, pol)
	if !ok || d.Verdict != sendNow {
		return d
	}
	if reason := contactRefusal(f.Contact, pol); reason != "" {
		return skipFor(d, reason)
	}
	if pol.CapOn && f.Recent >= pol.FrequencyCap {
		return skipFor(d, skipFrequencyCap)
	}
	if !f.PairBusyUntil.IsZero() {
		d.Verdict, d.At = retryLater, f.PairBusyUntil
		d.Rec.State, d.Rec.NotBefore = recRetry, f.PairBusyUntil
		return d
	}
	d.NewToday = !f.KnownToday
	return d
}

// admit decides from the record alone (and what came back about it):
// whether the pass handles it, waits for it, records it, or goes on to
// the person (sendNow, tentatively). ok is false for notThisRound.
func admit(f *recipientFacts, pol *roundPolicy) (decision, bool) {
	rec := f.Rec
	if !eligible(&rec, &f.Engagement, pol.Round) {
		return decision{Verdict: notThisRound, Rec: rec}, false
	}
	d := decision{Verdict: sendNow}
	if rec.State == recSent {
		rec.Round, rec.State, rec.Attempts, rec.FirstTry = pol.Round, recPending, 0, time.Time{}
	}
	switch rec.State {
	case recRetry:
		if rec.NotBefore.After(f.Now) {
			return decision{Verdict: notYet, Rec: rec, At: rec.NotBefore}, true
		}
		d.RetryDue = true
	case recSending:
		if pol.HandedTo > 0 && f.Seq >= pol.HandedTo && rec.Round == pol.Round {
			// Marked and queued, never handed to WhatsApp: the dispatcher
			// died before it came to it. Sent now, not a duplicate.
			break
		}
		// Marked before a send whose result was never recorded: the
		// process died with it in flight.
		if e := &f.Engagement; pol.Round == 0 && e.WAMID != "" {
			at := e.SentAt
			if at.IsZero() {
				at = f.Now
			}
			return decision{Verdict: recordSent, Rec: rec, SentPhone: e.Phone, SentWAMID: e.WAMID, SentAt: at}, true
		}
		if until := pol.InFlightGraceUntil; !until.IsZero() && f.Now.Before(until) {
			// Look again soon: a status may come in at any moment.
			at := f.Now.Add(inFlightRecheck)
			if !at.Before(until) {
				at = until
			}
			return decision{Verdict: awaitOutcome, Rec: rec, At: at}, true
		}
		// No word from WhatsApp: it may have reached the user; send
		// again and count it.
		d.Resend = true
		rec.Dups++
	}
	d.Rec = rec
	return d, true
}

// contactRefusal is why the person may not get the broadcast, or "".
func contactRefusal(c *store.Contact, pol *roundPolicy) string {
	switch {
	case c == nil:
		return skipContactDeleted
	case c.OptedOut:
		return contacts.ExcludedOptedOut
	case c.Unreachable:
		return contacts.ExcludedUnreachable
	case pol.OptedInOnly && !c.OptedIn:
		return contacts.ExcludedNotOptedIn
	}
	return ""
}

func skipFor(d decision, reason string) decision {
	d.Verdict, d.Reason = skip, reason
	d.Rec.State, d.Rec.Reason = recSkipped, reason
	return d
}
