package privacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/store"
)

// Export is everything Lifeline stores about one person.
type Export struct {
	WaID       string             `json:"wa_id"`
	ExportedAt time.Time          `json:"exported_at"`
	Contact    *store.Contact     `json:"contact"`
	Session    *flows.Session     `json:"session"`
	Transcript []store.Entry      `json:"transcript"`
	Handoffs   []bot.Handoff      `json:"handoffs"`
	Outbox     []store.OutboxItem `json:"outbox"` // replies not sent yet
	// Broadcasts are the broadcasts and check-ins sent to the person,
	// with delivery and answers.
	Broadcasts []broadcast.PersonRecord `json:"broadcasts"`
}

// ErrNoSuchPerson says nothing at all is stored about a wa_id.
var ErrNoSuchPerson = errors.New("nothing is stored about this person")

// ExportPerson collects everything stored about waID in one consistent read.
func ExportPerson(db *store.DB, waID string, now time.Time) (*Export, error) {
	id, err := normalize(waID)
	if err != nil {
		return nil, err
	}
	x := &Export{WaID: id, ExportedAt: now.UTC(), Transcript: []store.Entry{}, Handoffs: []bot.Handoff{}, Outbox: []store.OutboxItem{}, Broadcasts: []broadcast.PersonRecord{}}
	err = db.View(func(tx *store.Txn) error {
		var c store.Contact
		if err := tx.GetJSON(store.ContactKey(id), &c); err == nil {
			x.Contact = &c
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var sess flows.Session
		if err := tx.GetJSON(store.SessionKey(id), &sess); err == nil {
			x.Session = &sess
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.Scan(store.TranscriptPrefix(id), func(_ store.Key, v []byte) error {
			var e store.Entry
			if err := decode(v, &e); err != nil {
				return err
			}
			x.Transcript = append(x.Transcript, e)
			return nil
		}); err != nil {
			return err
		}
		if err := scanHandoffs(tx, id, func(_ store.Key, h bot.Handoff) error {
			x.Handoffs = append(x.Handoffs, h)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Scan(store.OutboxPrefix(), func(_ store.Key, v []byte) error {
			var it store.OutboxItem
			if decode(v, &it) == nil && it.User == id {
				x.Outbox = append(x.Outbox, it)
			}
			return nil
		}); err != nil {
			return err
		}
		recs, err := broadcast.PersonRecords(tx, id)
		x.Broadcasts = append(x.Broadcasts, recs...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", maskID(id), err)
	}
	if x.Contact == nil && x.Session == nil && len(x.Transcript) == 0 && len(x.Handoffs) == 0 && len(x.Broadcasts) == 0 {
		return nil, ErrNoSuchPerson
	}
	return x, nil
}

// scanHandoffs calls fn for the person's open handoff and every closed one kept.
func scanHandoffs(tx *store.Txn, id string, fn func(store.Key, bot.Handoff) error) error {
	var h bot.Handoff
	k := store.DocKey(store.DocHandoff, id)
	if err := tx.GetJSON(k, &h); err == nil {
		if err := fn(k, h); err != nil {
			return err
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Closed handoffs are kept as <user>/<opened unix nanos>.
	return tx.Scan(store.DocKey(store.DocHandoffPast, id+"/"), func(k store.Key, v []byte) error {
		var h bot.Handoff
		if err := decode(v, &h); err != nil {
			return err
		}
		return fn(k, h)
	})
}

// Erased counts what an erasure removed. The same counts are added to the
// anonymous totals kept under store.DocErasure.
type Erased struct {
	Contacts   int  `json:"contacts"`
	Messages   int  `json:"messages"`
	Handoffs   int  `json:"handoffs"`
	Sessions   int  `json:"sessions"`
	Queued     int  `json:"queued"` // unsent replies removed from the outbox
	SentRefs   int  `json:"sent_refs"`
	Broadcasts int  `json:"broadcasts"`   // broadcast recipient records the person was removed from
	KeptOptOut bool `json:"kept_opt_out"` // the person had opted out: a bare record of that is kept so they get no broadcasts
}

// ErasePerson removes the person's messages, answers, handoffs, session
// and personal fields. What stays: anonymous totals, the dedupe markers of
// message ids (they expire by themselves within days), and, for someone
// who opted out, a record holding only the wa_id and the opt-out, so that
// a later contact import cannot message them again.
func ErasePerson(db *store.DB, waID string, now time.Time) (Erased, error) {
	id, err := normalize(waID)
	if err != nil {
		return Erased{}, err
	}
	var n Erased
	// The transcript can be long: delete it in chunks first, so that no
	// transaction grows too big. A message processed meanwhile is caught
	// by the final transaction, which checks again.
	for {
		var keys []store.Key
		var refs []string
		err := db.View(func(tx *store.Txn) error {
			return tx.Scan(store.TranscriptPrefix(id), func(k store.Key, v []byte) error {
				keys = append(keys, k)
				var e store.Entry
				if decode(v, &e) == nil && e.Dir == store.Out && e.MessageID != "" {
					refs = append(refs, e.MessageID)
				}
				if len(keys) == chunk {
					return store.ErrStop
				}
				return nil
			})
		})
		if err != nil {
			return n, fmt.Errorf("erase %s: %w", maskID(id), err)
		}
		if len(keys) == 0 {
			break
		}
		err = db.Update(func(tx *store.Txn) error {
			for _, k := range keys {
				if err := tx.Delete(k); err != nil {
					return err
				}
			}
			for _, r := range refs {
				if err := tx.Delete(store.SentKey(r)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("erase %s: %w", maskID(id), err)
		}
		n.Messages += len(keys)
		n.SentRefs += len(refs)
	}
	chunked := n.Messages
	err = db.Update(func(tx *store.Txn) error {
		n.Contacts, n.Handoffs, n.Sessions, n.Queued, n.Broadcasts, n.KeptOptOut, n.Messages = 0, 0, 0, 0, 0, false, chunked
		var c store.Contact
		switch err := tx.GetJSON(store.ContactKey(id), &c); {
		case err == nil:
			n.Contacts = 1
			if c.OptedOut {
				n.KeptOptOut = true
				bare := store.Contact{WaID: id, OptedOut: true, OptOutAt: c.OptOutAt, CreatedAt: c.CreatedAt, UpdatedAt: now}
				if err := tx.SetJSON(store.ContactKey(id), bare, 0); err != nil {
					return err
				}
			} else if err := tx.Delete(store.ContactKey(id)); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if ok, err := tx.Has(store.SessionKey(id)); err != nil {
			return err
		} else if ok {
			n.Sessions = 1
			if err := tx.Delete(store.SessionKey(id)); err != nil {
				return err
			}
		}
		if err := scanHandoffs(tx, id, func(k store.Key, _ bot.Handoff) error {
			n.Handoffs++
			return tx.Delete(k)
		}); err != nil {
			return err
		}
		if err := tx.Scan(store.OutboxPrefix(), func(k store.Key, v []byte) error {
			var it store.OutboxItem
			if decode(v, &it) == nil && it.User == id {
				n.Queued++
				return tx.Delete(k)
			}
			return nil
		}); err != nil {
			return err
		}
		b, err := broadcast.ErasePerson(tx, id)
		if err != nil {
			return err
		}
		n.Broadcasts = b
		// Anything that arrived while the chunks were deleted.
		if err := tx.Scan(store.TranscriptPrefix(id), func(k store.Key, _ []byte) error {
			n.Messages++
			return tx.Delete(k)
		}); err != nil {
			return err
		}
		return addTotals(tx, n)
	})
	if err != nil {
		return n, fmt.Errorf("erase %s: %w", maskID(id), err)
	}
	return n, nil
}

// Totals are the anonymous counts left behind by erasures.
type Totals struct {
	Contacts int `json:"contacts"`
	Messages int `json:"messages"`
	Handoffs int `json:"handoffs"`
}

func addTotals(tx *store.Txn, n Erased) error {
	k := store.DocKey(store.DocErasure, "totals")
	var t Totals
	if err := tx.GetJSON(k, &t); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	t.Contacts += n.Contacts
	t.Messages += n.Messages
	t.Handoffs += n.Handoffs
	return tx.SetJSON(k, t, 0)
}

// ErasureTotals returns the anonymous counts left by all erasures.
func ErasureTotals(db *store.DB) (Totals, error) {
	var t Totals
	err := db.View(func(tx *store.Txn) error { return tx.GetJSON(store.DocKey(store.DocErasure, "totals"), &t) })
	if errors.Is(err, store.ErrNotFound) {
		err = nil
	}
	return t, err
}

func decode(b []byte, v any) error { return json.Unmarshal(b, v) }

func maskID(id string) string {
	if strings.HasPrefix(id, "bsuid:") {
		return "bsuid:…"
	}
	return whatsapp.MaskPhone(id)
}
