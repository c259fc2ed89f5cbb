package broadcast

import (
	"errors"
	"fmt"
	"strings"

	"lifeline/bot/contacts"
	"lifeline/store"
)

// A correction is a broadcast that sets another one right (a wrong
// address, a wrong time): Spec.CorrectionOf names the original, and its
// audience is exactly the people the original reached, listed when the
// correction is created or previewed. It is otherwise a broadcast like
// any other: the same templates, SMS fallback, incident gate and
// two-person approval.

// Reached lists the people broadcast id reached, in recipient order: its
// message was accepted by WhatsApp and no failed status came back for it,
// or WhatsApp said it was delivered or read, or the person answered, or
// the SMS fallback reached them. Those never sent to (skipped, failed at
// send, still pending) and those whose message failed are left out.
func (s *Service) Reached(id string) ([]string, error) {
	var out []string
	err := s.eachRecipient(id, func(tx store.Reader, seq uint64, r *Recipient) error {
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		ok, err := reached(tx, id, seq, r, &e)
		if err != nil {
			return err
		}
		if ok && r.WaID != "" {
			out = append(out, r.WaID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("people broadcast %s reached: %w", id, err)
	}
	return out, nil
}

// reached is the rule of Reached for one recipient.
func reached(tx store.Reader, id string, seq uint64, r *Recipient, e *Engagement) (bool, error) {
	switch {
	case e.Answer != "" || e.Replied || e.Reached != nil:
		return true, nil
	case e.Delivery == store.StatusDelivered || e.Delivery == store.StatusRead || !e.DeliveredAt.IsZero():
		return true, nil
	}
	ch, _, _, err := recipientChannel(tx, id, seq, r)
	if err != nil {
		return false, err
	}
	if ch == "sms" {
		return true, nil
	}
	// Accepted by WhatsApp (a first send recorded, or a status proving
	// it) and not reported failed since.
	sent := !r.SentAt.IsZero() || r.State == recSent || e.WAMID != ""
	return sent && e.Delivery != store.StatusFailed, nil
}

// CorrectionError refuses a correction of a broadcast that has not
// reached anyone yet, or is still sending its first round. It matches
// ErrState (409).
type CorrectionError struct {
	ID, Why string
}

func (e *CorrectionError) Error() string {
	return fmt.Sprintf("correction_of %s: %s", e.ID, e.Why)
}

// Is makes the refusal match ErrState.
func (e *CorrectionError) Is(target error) bool { return target == ErrState }

// resolveCorrection fills the audience of a correction (sp.CorrectionOf)
// with the people the original reached, and takes the original's
// incident and consent. It refuses an audience of the request's own, an
// original that does not exist (ErrNotFound), one that has not been sent
// or is still sending its first round, and one that reached nobody.
func (s *Service) resolveCorrection(sp *Spec) error {
	sp.CorrectionOf = strings.TrimSpace(sp.CorrectionOf)
	if sp.CorrectionOf == "" {
		return nil
	}
	if sp.Audience.Selects() {
		return fmt.Errorf("%w: audience: a correction goes to exactly the people broadcast %s reached; leave \"audience\" out", ErrInvalid, sp.CorrectionOf)
	}
	orig, err := s.Get(sp.CorrectionOf)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("correction_of %q: no such broadcast: %w", sp.CorrectionOf, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("correction_of %s: %w", sp.CorrectionOf, err)
	}
	switch {
	case orig.StartedAt.IsZero():
		return &CorrectionError{ID: orig.ID, Why: fmt.Sprintf("it is %s and was never sent, so there is nothing to correct: cancel it and create it again", orig.State)}
	case orig.SentAt.IsZero() && (orig.State == StateSending || orig.State == StateWaitingLimit):
		return &CorrectionError{ID: orig.ID, Why: "it is still sending its first round: pause or cancel it first, so that the correction reaches everyone it reached"}
	}
	inc := strings.TrimSpace(sp.Incident)
	switch {
	case inc == "":
		sp.Incident = orig.Spec.Incident
	case inc != orig.Spec.Incident:
		return fmt.Errorf("%w: incident %q: a correction belongs to the incident of broadcast %s (%q); leave \"incident\" out", ErrInvalid, inc, orig.ID, orig.Spec.Incident)
	}
	people, err := s.Reached(orig.ID)
	if err != nil {
		return err
	}
	if len(people) == 0 {
		return &CorrectionError{ID: orig.ID, Why: "it reached nobody (every message failed or was never sent), so nobody needs a correction"}
	}
	// The people the original reached without their opt-in (a critical
	// broadcast's consent override) get its correction too: it sets
	// right what they were told.
	if orig.Spec.ConsentOverrideReason != "" && sp.ConsentOverrideReason == "" && !sp.Drill {
		sp.Critical = true
		sp.ConsentOverrideReason = "correction of " + orig.ID + ", which reached them under its consent override"
	}
	sp.Audience = contacts.Audience{WaIDs: people}
	return nil
}
