package broadcast

import (
	"encoding/json"
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
func PersonRecords(tx *store.Txn, waID string) ([]PersonRecord, error) {
	var out []PersonRecord
	err := scanPerson(tx, waID, func(k store.Key, rec Recipient, e *Engagement) error {
		out = append(out, PersonRecord{Broadcast: broadcastOf(k), Recipient: rec, Engagement: e})
		return nil
	})
	return out, err
}

// ErasePerson removes waID from every broadcast: the recipient record
// keeps its delivery state but loses the wa_id (and will not be sent
// anything more), the answer's details go, and the membership and
// frequency entries are deleted. The counters, which name nobody, stay.
func ErasePerson(tx *store.Txn, waID string) (int, error) {
	n := 0
	err := scanPerson(tx, waID, func(k store.Key, rec Recipient, e *Engagement) error {
		n++
		rec.WaID = ""
		if rec.State == recPending || rec.State == recRetry || rec.State == recSending {
			rec.State, rec.Reason = recSkipped, "erased"
		}
		if err := tx.SetJSON(k, rec, 0); err != nil {
			return err
		}
		if e != nil {
			e.Lat, e.Lng, e.HasLocation, e.Description, e.Preferred = 0, 0, false, "", ""
			return tx.SetJSON(store.BroadcastEngagementFor(k), e, 0)
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	for _, prefix := range []store.Key{store.BroadcastMemberPrefix(waID), store.BroadcastFrequencyPrefix(waID)} {
		if err := tx.Scan(prefix, func(k store.Key, _ []byte) error { return tx.Delete(k) }); err != nil {
			return n, err
		}
	}
	return n, nil
}

func scanPerson(tx *store.Txn, waID string, fn func(store.Key, Recipient, *Engagement) error) error {
	return tx.Scan(store.BroadcastRecipientsAll(), func(k store.Key, v []byte) error {
		var rec Recipient
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode recipient: %w", err)
		}
		if rec.WaID != waID {
			return nil
		}
		var e Engagement
		switch err := tx.GetJSON(store.BroadcastEngagementFor(k), &e); {
		case err == nil:
			return fn(k, rec, &e)
		case errors.Is(err, store.ErrNotFound):
			return fn(k, rec, nil)
		default:
			return err
		}
	})
}

// broadcastOf reads the broadcast id out of a recipient key (b r <id> 0 <seq>).
func broadcastOf(k store.Key) string {
	id := k[2 : len(k)-9]
	return string(id)
}

// SweepAnswers removes the details of check-in and confirmation answers
// given before the cutoff (locations, descriptions, preferred times); the
// answer itself, which names nobody once the wa_id has gone, stays for
// the counts. It returns how many answers it changed.
func SweepAnswers(db *store.DB, before time.Time) (int, error) {
	var keys []store.Key
	err := db.View(func(tx *store.Txn) error {
		return tx.Scan(store.BroadcastEngagementsAll(), func(k store.Key, v []byte) error {
			var e Engagement
			if json.Unmarshal(v, &e) != nil {
				return nil
			}
			if !e.AnsweredAt.IsZero() && e.AnsweredAt.Before(before) && (e.HasLocation || e.Description != "" || e.Preferred != "") {
				keys = append(keys, k)
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("sweep check-in answers: %w", err)
	}
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		part := keys[i:min(len(keys), i+chunk)]
		err := db.Update(func(tx *store.Txn) error {
			for _, k := range part {
				var e Engagement
				if err := tx.GetJSON(k, &e); err != nil {
					if errors.Is(err, store.ErrNotFound) {
						continue
					}
					return err
				}
				e.Lat, e.Lng, e.HasLocation, e.Description, e.Preferred = 0, 0, false, "", ""
				if err := tx.SetJSON(k, e, 0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return i, fmt.Errorf("sweep check-in answers: %w", err)
		}
	}
	return len(keys), nil
}
