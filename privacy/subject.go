package privacy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/handoffs"
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
	Handoffs   []handoffs.Handoff `json:"handoffs"`
	Outbox     []store.OutboxItem `json:"outbox"` // replies not sent yet
	// Broadcasts are the broadcasts and check-ins sent to the person,
	// with delivery and answers.
	Broadcasts []broadcast.PersonRecord `json:"broadcasts"`
	// Media lists the files the person sent (what, when, size, sha256,
	// whether it is kept); the files themselves are served to agents
	// and removed with the person.
	Media []store.MediaRecord `json:"media"`
	// Consent is every opt-in and opt-out, per channel, with time,
	// source and wording.
	Consent []store.ConsentEvent `json:"consent"`
	// SMS is the person's SMS record (opt-out, a number the provider
	// refused) and SMSMessages every SMS sent to or received from them
	// (sid, status), as long as the provider reports on them.
	SMS         *store.SMSContact  `json:"sms,omitempty"`
	SMSMessages []store.SMSMessage `json:"sms_messages"`
}

// ErrNoSuchPerson says nothing at all is stored about a wa_id.
var ErrNoSuchPerson = errors.New("nothing is stored about this person")

// ExportPerson collects everything stored about waID in one consistent read.
func ExportPerson(ctx context.Context, db *store.DB, waID string, now time.Time) (*Export, error) {
	id, err := normalize(waID)
	if err != nil {
		return nil, err
	}
	var x *Export
	// Broadcast records are read through package broadcast, in the same
	// read so that the export is one consistent view.
	err = db.Read(ctx, func(tx store.Reader) error {
		x = &Export{WaID: id, ExportedAt: now.UTC(), Transcript: []store.Entry{}, Handoffs: []handoffs.Handoff{}, Outbox: []store.OutboxItem{}, Broadcasts: []broadcast.PersonRecord{}, Media: []store.MediaRecord{},
			Consent: []store.ConsentEvent{}, SMSMessages: []store.SMSMessage{}}
		if c, err := store.GetContact(ctx, tx, id); err == nil {
			x.Contact = &c
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if sess, err := store.GetSession[flows.Session](ctx, tx, id); err == nil {
			x.Session = &sess
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := store.EachTranscriptEntry(ctx, tx, id, func(e store.Entry) error {
			x.Transcript = append(x.Transcript, e)
			return nil
		}); err != nil {
			return err
		}
		if err := store.EachHandoffOf(ctx, tx, id, func(h handoffs.Handoff) error {
			x.Handoffs = append(x.Handoffs, h)
			return nil
		}); err != nil {
			return err
		}
		if err := store.EachOutboxItem(ctx, tx, func(it store.OutboxItem) error {
			if it.User == id {
				x.Outbox = append(x.Outbox, it)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := store.EachMediaOf(ctx, tx, id, func(m store.MediaRecord) error {
			m.Path = "" // where it lies on the server is not the person's data
			x.Media = append(x.Media, m)
			return nil
		}); err != nil {
			return err
		}
		consent, err := store.ConsentLog(ctx, tx, id)
		if err != nil {
			return err
		}
		x.Consent = append(x.Consent, consent...)
		if sc, err := store.GetSMSContact(ctx, tx, id); err != nil {
			return err
		} else if sc != (store.SMSContact{}) {
			x.SMS = &sc
		}
		if err := store.EachSMSMessageOf(ctx, tx, id, func(m store.SMSMessage) error {
			x.SMSMessages = append(x.SMSMessages, m)
			return nil
		}); err != nil {
			return err
		}
		recs, err := broadcast.PersonRecords(ctx, tx, id)
		x.Broadcasts = append(x.Broadcasts, recs...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", maskID(id), err)
	}
	if x.Contact == nil && x.Session == nil && len(x.Transcript) == 0 && len(x.Handoffs) == 0 && len(x.Broadcasts) == 0 &&
		x.SMS == nil && len(x.SMSMessages) == 0 && len(x.Consent) == 0 {
		return nil, ErrNoSuchPerson
	}
	return x, nil
}

// Erased counts what an erasure removed. The same counts are added to the
// anonymous totals (store.ErasureTotals).
type Erased struct {
	Contacts   int  `json:"contacts"`
	Messages   int  `json:"messages"`
	Handoffs   int  `json:"handoffs"`
	Sessions   int  `json:"sessions"`
	Queued     int  `json:"queued"` // unsent replies removed from the outbox
	SentRefs   int  `json:"sent_refs"`
	Broadcasts int  `json:"broadcasts"`   // broadcast recipient records the person was removed from
	Media      int  `json:"media"`        // files the person sent, records and files on disk
	SMS        int  `json:"sms"`          // SMS records (sid, status) of messages to and from the person
	KeptOptOut bool `json:"kept_opt_out"` // the person had opted out: a bare record of that is kept so they get no broadcasts
}

// ErasePerson removes the person's messages, answers, handoffs, session
// and personal fields. What stays: anonymous totals, the dedupe markers of
// message ids (they expire by themselves within days), and, for someone
// who opted out, a record holding only the wa_id and the opt-out, so that
// a later contact import cannot message them again.
func ErasePerson(ctx context.Context, db *store.DB, waID string, now time.Time) (Erased, error) {
	id, err := normalize(waID)
	if err != nil {
		return Erased{}, err
	}
	var n Erased
	// The transcript can be long: delete it in chunks first, so that no
	// transaction grows too big. A message processed meanwhile is caught
	// by the final transaction, which checks again.
	for {
		var msgs, refs int
		err := db.Write(ctx, store.UserScope(id), func(w store.Writer) error {
			var err error
			msgs, refs, err = store.DeleteTranscript(ctx, w, id, chunk)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("erase %s: %w", maskID(id), err)
		}
		n.Messages += msgs
		n.SentRefs += refs
		if msgs < chunk {
			break
		}
	}
	chunked, chunkedRefs := n.Messages, n.SentRefs
	var media []store.MediaRecord
	// Broadcast records are erased through package broadcast, in the same
	// transaction as the person's other records.
	// Not yet scoped: an erasure removes the person's records with their
	// broadcast records (recipient and engagement, the broadcasts') and adds
	// to the anonymous erasure totals (one document). Scoped, it becomes the
	// person's batch, then the broadcasts' (found through the per-user
	// index), then the totals; a crash between is safe for the deletions
	// (erasing again finds less) but would count an erasure twice, so the
	// totals need an erasure id to be idempotent first.
	err = db.WriteAny(ctx, func(tx store.Writer) error {
		n = Erased{Messages: chunked, SentRefs: chunkedRefs}
		var err error
		if media, err = store.DeleteMediaOf(ctx, tx, id); err != nil {
			return err
		}
		n.Media = len(media)
		switch c, err := store.GetContact(ctx, tx, id); {
		case err == nil:
			n.Contacts = 1
			if c.OptedOut {
				n.KeptOptOut = true
				bare := store.Contact{WaID: id, OptedOut: true, OptOutAt: c.OptOutAt, CreatedAt: c.CreatedAt, UpdatedAt: now}
				if err := store.PutContact(ctx, tx, bare); err != nil {
					return err
				}
			} else if _, err := store.DeleteContact(ctx, tx, id); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if n.SMS, err = store.DeleteSMSMessagesOf(ctx, tx, id); err != nil {
			return err
		}
		if err := store.EraseConsentLog(ctx, tx, id); err != nil {
			return err
		}
		if kept, err := store.EraseSMSContact(ctx, tx, id); err != nil {
			return err
		} else if kept {
			n.KeptOptOut = true
		}
		if ok, err := store.DeleteSession(ctx, tx, id); err != nil {
			return err
		} else if ok {
			n.Sessions = 1
		}
		if n.Handoffs, err = store.DeleteHandoffsOf(ctx, tx, id); err != nil {
			return err
		}
		if n.Queued, err = store.DeleteOutboxOf(ctx, tx, id); err != nil {
			return err
		}
		if n.Broadcasts, err = broadcast.ErasePerson(ctx, tx, id); err != nil {
			return err
		}
		// Anything that arrived while the chunks were deleted.
		msgs, refs, err := store.DeleteTranscript(ctx, tx, id, 0)
		if err != nil {
			return err
		}
		n.Messages += msgs
		n.SentRefs += refs
		return store.AddErasureTotals(ctx, tx, store.ErasureTotals{Contacts: n.Contacts, Messages: n.Messages, Handoffs: n.Handoffs})
	})
	if err != nil {
		return n, fmt.Errorf("erase %s: %w", maskID(id), err)
	}
	// The records are gone, so nothing serves the files any more; remove
	// them from disk. A download under way finds no record and removes
	// its own file (media.Fetcher).
	if err := removeFiles(db, media); err != nil {
		return n, fmt.Errorf("erase %s: %w", maskID(id), err)
	}
	return n, nil
}

// removeFiles deletes the files of media records already deleted; it
// tries every file and returns the first failure.
func removeFiles(db *store.DB, media []store.MediaRecord) error {
	var first error
	for _, m := range media {
		if m.Path == "" {
			continue
		}
		if err := db.RemoveMediaFile(m.Path); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Totals are the anonymous counts left behind by erasures; the store
// owns the record.
type Totals = store.ErasureTotals

// ErasureTotals returns the anonymous counts left by all erasures.
func ErasureTotals(ctx context.Context, db *store.DB) (Totals, error) {
	var t Totals
	err := db.Read(ctx, func(r store.Reader) error {
		var err error
		t, err = store.GetErasureTotals(ctx, r)
		return err
	})
	return t, err
}

func decode(b []byte, v any) error { return json.Unmarshal(b, v) }

func maskID(id string) string {
	if strings.HasPrefix(id, "bsuid:") {
		return "bsuid:…"
	}
	return whatsapp.MaskPhone(id)
}
