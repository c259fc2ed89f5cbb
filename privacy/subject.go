package privacy

import (
	"context"
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
//
// The person's records, the broadcasts' and the totals have different
// owners, so an erasure is a series of scoped writes (see
// store/erasure.go), in an order in which a crash between any two is
// completed by erasing again (the admin's retry, or the next retention
// sweep, which finishes every erasure in progress):
//
//  1. the erasure is recorded in the person's scope (its id and what
//     was removed so far), or the one in progress is taken up again;
//  2. the transcript goes in chunks, each counted in that record;
//  3. for each broadcast that names the person, the answer's details go
//     in the person's scope, then the wa_id in the broadcast's: a record
//     still naming them is found again;
//  4. the rest of the person's records go in one write with the count
//     and the paths of their files; erasing again finds less;
//  5. the files are removed from disk (a file already gone is fine);
//  6. the counts are added to the totals once, by the erasure's id;
//  7. the record of the erasure goes, then the totals' note of its id.
//
// The counts returned are the whole erasure's, also when it resumed one
// cut short, except Broadcasts, which counts the records this call
// removed the person from.
func ErasePerson(ctx context.Context, db *store.DB, waID string, now time.Time) (Erased, error) {
	id, err := normalize(waID)
	if err != nil {
		return Erased{}, err
	}
	n, err := erase(ctx, db, id, now, nil)
	if err != nil {
		return n, fmt.Errorf("erase %s: %w", maskID(id), err)
	}
	return n, nil
}

// erasing is the record of an erasure in progress (store.PutErasing).
type erasing struct {
	ID      string    `json:"id"`
	Started time.Time `json:"started"`
	Erased  Erased    `json:"erased"`
	Files   []string  `json:"files,omitempty"`
}

// erase runs or resumes the erasure of id. stop, when not nil, is asked
// after each step whether to go on: a test stops there as a crash would.
func erase(ctx context.Context, db *store.DB, id string, now time.Time, stop func(step int) error) (Erased, error) {
	scope := store.UserScope(id)
	eraseStep := func(step int) error {
		if stop == nil {
			return nil
		}
		return stop(step)
	}
	// 1. Record the erasure, or take up the one in progress.
	seq, err := db.NextSeq("erasure")
	if err != nil {
		return Erased{}, err
	}
	var rec erasing
	err = db.Write(ctx, scope, func(w store.Writer) error {
		cur, found, err := store.GetErasing[erasing](ctx, w, id)
		if err != nil || found {
			rec = cur
			return err
		}
		rec = erasing{ID: fmt.Sprintf("e%d", seq), Started: now}
		return store.PutErasing(ctx, w, id, rec)
	})
	if err != nil {
		return Erased{}, fmt.Errorf("record the erasure: %w", err)
	}
	if err := eraseStep(1); err != nil {
		return rec.Erased, err
	}
	// 2. The transcript can be long: delete it in chunks first, so that
	// no transaction grows too big. A message processed meanwhile is
	// caught by step 4, which checks again.
	for {
		var msgs int
		err := db.Write(ctx, scope, func(w store.Writer) error {
			cur, _, err := store.GetErasing[erasing](ctx, w, id)
			if err != nil {
				return err
			}
			m, refs, err := store.DeleteTranscript(ctx, w, id, chunk)
			if err != nil {
				return err
			}
			msgs = m
			cur.Erased.Messages += m
			cur.Erased.SentRefs += refs
			rec = cur
			return store.PutErasing(ctx, w, id, cur)
		})
		if err != nil {
			return rec.Erased, fmt.Errorf("erase the transcript: %w", err)
		}
		if msgs < chunk {
			break
		}
	}
	if err := eraseStep(2); err != nil {
		return rec.Erased, err
	}
	// 3. The broadcasts' records of the person.
	// Steps 2 to 4 run again in full when an erasure is taken up: what
	// arrived since the cut goes too.
	broadcasts := 0
	var refs []store.BroadcastRef
	if err := db.Read(ctx, func(r store.Reader) (err error) {
		refs, err = broadcast.PersonBroadcasts(ctx, r, id)
		return err
	}); err != nil {
		return rec.Erased, fmt.Errorf("find the broadcasts naming the person: %w", err)
	}
	for i, ref := range refs {
		if err := db.Write(ctx, scope, func(w store.Writer) error { return broadcast.ForgetAnswer(ctx, w, ref) }); err != nil {
			return rec.Erased, fmt.Errorf("erase the answer to broadcast %s: %w", ref.Broadcast, err)
		}
		if i == 0 {
			if err := eraseStep(3); err != nil {
				return rec.Erased, err
			}
		}
		var erased bool
		err := db.Write(ctx, store.BroadcastScope(ref.Broadcast), func(w store.Writer) (err error) {
			erased, err = broadcast.EraseRecipient(ctx, w, ref, id)
			return err
		})
		if err != nil {
			return rec.Erased, fmt.Errorf("erase the recipient record of broadcast %s: %w", ref.Broadcast, err)
		}
		if erased {
			broadcasts++
		}
	}
	if err := eraseStep(4); err != nil {
		return rec.Erased, err
	}
	// 4. The rest of the person's records, with what they counted.
	err = db.Write(ctx, scope, func(w store.Writer) error {
		cur, _, err := store.GetErasing[erasing](ctx, w, id)
		if err != nil {
			return err
		}
		n := &cur.Erased
		media, err := store.DeleteMediaOf(ctx, w, id)
		if err != nil {
			return err
		}
		n.Media += len(media)
		for _, m := range media {
			if m.Path != "" {
				cur.Files = append(cur.Files, m.Path)
			}
		}
		switch c, err := store.GetContact(ctx, w, id); {
		case err == nil:
			n.Contacts = 1
			if c.OptedOut {
				n.KeptOptOut = true
				bare := store.Contact{WaID: id, OptedOut: true, OptOutAt: c.OptOutAt, CreatedAt: c.CreatedAt, UpdatedAt: now}
				if err := store.PutContact(ctx, w, bare); err != nil {
					return err
				}
			} else if _, err := store.DeleteContact(ctx, w, id); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		sms, err := store.DeleteSMSMessagesOf(ctx, w, id)
		if err != nil {
			return err
		}
		n.SMS += sms
		if err := store.EraseConsentLog(ctx, w, id); err != nil {
			return err
		}
		if kept, err := store.EraseSMSContact(ctx, w, id); err != nil {
			return err
		} else if kept {
			n.KeptOptOut = true
		}
		if ok, err := store.DeleteSession(ctx, w, id); err != nil {
			return err
		} else if ok {
			n.Sessions = 1
		}
		handoffs, err := store.DeleteHandoffsOf(ctx, w, id)
		if err != nil {
			return err
		}
		n.Handoffs += handoffs
		queued, err := store.DeleteOutboxOf(ctx, w, id)
		if err != nil {
			return err
		}
		n.Queued += queued
		if err := broadcast.EraseIndexes(ctx, w, id); err != nil {
			return err
		}
		// Anything that arrived while the chunks were deleted.
		msgs, refs, err := store.DeleteTranscript(ctx, w, id, 0)
		if err != nil {
			return err
		}
		n.Messages += msgs
		n.SentRefs += refs
		rec = cur
		return store.PutErasing(ctx, w, id, cur)
	})
	if err != nil {
		return rec.Erased, err
	}
	rec.Erased.Broadcasts += broadcasts
	if err := eraseStep(5); err != nil {
		return rec.Erased, err
	}
	// 5. The records are gone, so nothing serves the files any more;
	// remove them from disk. A download under way finds no record and
	// removes its own file (media.Fetcher).
	if err := removeFiles(db, rec.Files); err != nil {
		return rec.Erased, err
	}
	// 6. The anonymous totals, once per erasure.
	totals := store.ErasureTotals{Contacts: rec.Erased.Contacts, Messages: rec.Erased.Messages, Handoffs: rec.Erased.Handoffs}
	if err := db.Write(ctx, store.DocScope(store.DocErasure, ""), func(w store.Writer) error {
		_, err := store.AddErasureTotalsOnce(ctx, w, rec.ID, totals)
		return err
	}); err != nil {
		return rec.Erased, fmt.Errorf("add to the erasure totals: %w", err)
	}
	if err := eraseStep(6); err != nil {
		return rec.Erased, err
	}
	// 7. Complete: nothing resumes it any more, so its id may go.
	if err := db.Write(ctx, scope, func(w store.Writer) error { return store.DeleteErasing(ctx, w, id) }); err != nil {
		return rec.Erased, fmt.Errorf("complete the erasure: %w", err)
	}
	if err := db.Write(ctx, store.DocScope(store.DocErasure, ""), func(w store.Writer) error {
		return store.ForgetErasureApplied(ctx, w, rec.ID)
	}); err != nil {
		return rec.Erased, fmt.Errorf("complete the erasure: %w", err)
	}
	return rec.Erased, nil
}

// ResumeErasures finishes every erasure a crash cut short, and returns
// how many it finished.
func ResumeErasures(ctx context.Context, db *store.DB, now time.Time) (int, error) {
	var ids []string
	if err := db.Read(ctx, func(r store.Reader) error {
		return store.EachErasing(ctx, r, func(id string) error { ids = append(ids, id); return nil })
	}); err != nil {
		return 0, fmt.Errorf("find erasures in progress: %w", err)
	}
	for i, id := range ids {
		if _, err := erase(ctx, db, id, now, nil); err != nil {
			return i, fmt.Errorf("finish the erasure of %s: %w", maskID(id), err)
		}
	}
	return len(ids), nil
}

// removeFiles deletes the files of media records already deleted; it
// tries every file and returns the first failure. A file already gone
// is not one.
func removeFiles(db *store.DB, paths []string) error {
	var first error
	for _, p := range paths {
		if p == "" {
			continue
		}
		if err := db.RemoveMediaFile(p); err != nil && first == nil {
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

func maskID(id string) string {
	if strings.HasPrefix(id, "bsuid:") {
		return "bsuid:…"
	}
	return whatsapp.MaskPhone(id)
}
