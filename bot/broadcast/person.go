package broadcast

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lifeline/store"
)

// What the broadcasts hold about one person: a recipient record per
// broadcast (with the wa_id), the engagement (delivery, answer, and for a
// need-help answer a location and description), membership and
// frequency-cap entries. Export, erasure and retention need all of them.

// PersonRecord is one broadcast's records about a person, for an export.
type PersonRecord struct {
	Broadcast  string      `json:"broadcast"`
	Recipient  Recipient   `json:"recipient"`
	Engagement *Engagement `json:"engagement,omitempty"`
}

// PersonRecords returns what every broadcast holds about waID. It reads
// every recipient record, which is fine for an occasional export.
func PersonRecords(ctx context.Context, tx store.Reader, waID string) ([]PersonRecord, error) {
	var out []PersonRecord
	err := scanPerson(ctx, tx, waID, func(ref store.BroadcastRef, rec Recipient, e *Engagement) error {
		out = append(out, PersonRecord{Broadcast: ref.Broadcast, Recipient: rec, Engagement: e})
		return nil
	})
	return out, err
}

// ErasePerson removes waID from every broadcast: the recipient record
// keeps its delivery state but loses the wa_id (and will not be sent
// anything more), the answer's details go, and the membership and
// frequency entries are deleted. The counters, which name nobody, stay.
func ErasePerson(ctx context.Context, tx store.Writer, waID string) (int, error) {
	n := 0
	err := scanPerson(ctx, tx, waID, func(ref store.BroadcastRef, rec Recipient, e *Engagement) error {
		n++
		rec.WaID = ""
		if rec.State == recPending || rec.State == recRetry || rec.State == recSending {
			rec.State, rec.Reason = recSkipped, "erased"
		}
		if err := store.PutBroadcastRecipient(ctx, tx, ref.Broadcast, ref.Seq, rec); err != nil {
			return err
		}
		if e != nil {
			forgetDetails(e)
			return store.PutBroadcastEngagement(ctx, tx, ref.Broadcast, ref.Seq, e)
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if _, err := store.DeleteBroadcastMembers(ctx, tx, waID); err != nil {
		return n, err
	}
	if _, err := store.DeleteBroadcastSends(ctx, tx, waID); err != nil {
		return n, err
	}
	return n, nil
}

// The same erasure split by owner, for a caller that writes each owner's
// records in its own scope (privacy.ErasePerson): for each recipient
// record naming the person, ForgetAnswer in the person's scope (the
// engagement lives in their stream), then EraseRecipient in the
// broadcast's; then EraseIndexes in the person's. In that order a crash
// between two writes is completed by running them again: a record still
// naming the person is found again, and forgetting an answer twice
// changes nothing.

// PersonBroadcasts returns the recipient records that name waID.
func PersonBroadcasts(ctx context.Context, r store.Reader, waID string) ([]store.BroadcastRef, error) {
	var refs []store.BroadcastRef
	err := store.EachRecipientOfAll(ctx, r, func(ref store.BroadcastRef, rec Recipient) error {
		if rec.WaID == waID {
			refs = append(refs, ref)
		}
		return nil
	})
	return refs, err
}

// ForgetAnswer drops the details of the answer to recipient ref, if any.
func ForgetAnswer(ctx context.Context, w store.Writer, ref store.BroadcastRef) error {
	e, found, err := store.GetBroadcastEngagement[Engagement](ctx, w, ref.Broadcast, ref.Seq)
	if err != nil || !found {
		return err
	}
	forgetDetails(&e)
	return store.PutBroadcastEngagement(ctx, w, ref.Broadcast, ref.Seq, &e)
}

// EraseRecipient removes waID from recipient record ref, as ErasePerson
// does; false when the record does not name them (any more).
func EraseRecipient(ctx context.Context, w store.Writer, ref store.BroadcastRef, waID string) (bool, error) {
	rec, err := store.GetBroadcastRecipient[Recipient](ctx, w, ref.Broadcast, ref.Seq)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case rec.WaID != waID:
		return false, nil
	}
	rec.WaID = ""
	if rec.State == recPending || rec.State == recRetry || rec.State == recSending {
		rec.State, rec.Reason = recSkipped, "erased"
	}
	return true, store.PutBroadcastRecipient(ctx, w, ref.Broadcast, ref.Seq, rec)
}

// EraseIndexes deletes waID's open check-ins and the broadcasts sent to
// them (the frequency cap).
func EraseIndexes(ctx context.Context, w store.Writer, waID string) error {
	if _, err := store.DeleteBroadcastMembers(ctx, w, waID); err != nil {
		return err
	}
	_, err := store.DeleteBroadcastSends(ctx, w, waID)
	return err
}

func scanPerson(ctx context.Context, tx store.Reader, waID string, fn func(store.BroadcastRef, Recipient, *Engagement) error) error {
	return store.EachRecipientOfAll(ctx, tx, func(ref store.BroadcastRef, rec Recipient) error {
		if rec.WaID != waID {
			return nil
		}
		e, found, err := store.GetBroadcastEngagement[Engagement](ctx, tx, ref.Broadcast, ref.Seq)
		switch {
		case err != nil:
			return err
		case found:
			return fn(ref, rec, &e)
		default:
			return fn(ref, rec, nil)
		}
	})
}

// forgetDetails drops what an answer said beyond the answer itself.
// Staff's note on reaching an unaccounted person goes too; that they
// were reached stays, for the counts.
func forgetDetails(e *Engagement) {
	e.Lat, e.Lng, e.HasLocation, e.Description, e.Preferred = 0, 0, false, "", ""
	if e.Reached != nil {
		e.Reached.Note = ""
	}
}

// SweepAnswers removes the details of check-in and confirmation answers
// given before the cutoff (locations, descriptions, preferred times, and
// staff's notes on people they reached); the
// answer itself, which names nobody once the wa_id has gone, stays for
// the counts. It returns how many answers it changed. Each answer is
// rewritten in the scope of its person, one write per person, which
// every backend can do.
func SweepAnswers(db *store.DB, before time.Time) (int, error) {
	n := 0
	whose := func(r *Recipient) string { return r.WaID }
	unplaced, err := store.RewriteBroadcastEngagements(storeCtx, db, whose, func(e *Engagement, final bool) bool {
		details := !e.AnsweredAt.IsZero() && e.AnsweredAt.Before(before) && (e.HasLocation || e.Description != "" || e.Preferred != "")
		note := e.Reached != nil && e.Reached.Note != "" && e.Reached.At.Before(before)
		if !details && !note {
			return false
		}
		if final {
			n++
		} else {
			forgetDetails(e)
		}
		return true
	})
	if err != nil {
		return n, fmt.Errorf("sweep check-in answers: %w", err)
	}
	if unplaced > 0 {
		// An erasure forgets an answer's details before it removes the
		// wa_id from the recipient record, so this takes a record
		// changed by hand or a recipient record lost.
		return n, fmt.Errorf("sweep check-in answers: %d answers still hold details but their recipient record names nobody: left as they are", unplaced)
	}
	return n, nil
}
