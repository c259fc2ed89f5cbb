package store

import (
	"context"
	"fmt"
	"time"
)

// This file holds the operations on what Lifeline keeps about one person
// that packages outside the engine read or erase: contacts, conversation
// state, transcripts, queued replies and handoffs.
//
// Who owns which type. A record's Go type lives in this package when it is
// plain data (Contact, Entry, OutboxItem, the admin and audit records). The
// conversation state (flows.Session) and the handoff (handoffs.Handoff) carry
// their packages' rules and are built from packages that import store, so
// they cannot move here without an import cycle: their operations are
// generic in the value type, and the store still owns their keys, their
// encoding and every read and write. The owner package is the one that
// writes them; others (privacy, admin) only read or erase through here.

// GetContact loads the contact of waID, or ErrNotFound.
func GetContact(ctx context.Context, r Reader, waID string) (Contact, error) {
	if err := ctx.Err(); err != nil {
		return Contact{}, err
	}
	c, err := getJSON[Contact](r, contactKey(waID))
	if err != nil {
		return Contact{}, fmt.Errorf("load contact: %w", err)
	}
	return c, nil
}

// PutContact stores c under its wa_id.
func PutContact(ctx context.Context, w Writer, c Contact) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.WaID == "" {
		return fmt.Errorf("save contact: empty wa_id")
	}
	if err := putJSON(w, contactKey(c.WaID), c, 0); err != nil {
		return fmt.Errorf("save contact: %w", err)
	}
	return nil
}

// DeleteContact removes the contact of waID and reports whether there was one.
func DeleteContact(ctx context.Context, w Writer, waID string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := w.Has(contactKey(waID))
	if err != nil || !ok {
		return false, err
	}
	if err := w.Delete(contactKey(waID)); err != nil {
		return false, fmt.Errorf("delete contact: %w", err)
	}
	return true, nil
}

// EachContact calls fn with every contact in order of wa_id, starting
// after the given one ("" for the first): a page of a listing resumes
// where the last ended.
func EachContact(ctx context.Context, r Reader, after string, fn func(*Contact) error) error {
	from := contactKey(after)
	if after != "" {
		from = append(from, 0) // the first key after "after"
	}
	err := r.ScanFrom(contactPrefix(), from, func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var c Contact
		if err := jsonUnmarshal(b, &c); err != nil {
			return fmt.Errorf("decode contact %s: %w", printable(k), err)
		}
		return fn(&c)
	})
	if err != nil {
		return fmt.Errorf("scan contacts: %w", err)
	}
	return nil
}

// GetSession loads the conversation state of user into the flows' type,
// or ErrNotFound.
func GetSession[S any](ctx context.Context, r Reader, user string) (S, error) {
	if err := ctx.Err(); err != nil {
		var zero S
		return zero, err
	}
	s, err := getJSON[S](r, sessionKey(user))
	if err != nil {
		return s, fmt.Errorf("load session: %w", err)
	}
	return s, nil
}

// DeleteSession forgets the conversation state of user and reports
// whether there was one.
func DeleteSession(ctx context.Context, w Writer, user string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := w.Has(sessionKey(user))
	if err != nil || !ok {
		return false, err
	}
	if err := w.Delete(sessionKey(user)); err != nil {
		return false, fmt.Errorf("delete session: %w", err)
	}
	return true, nil
}

// EachTranscriptEntry calls fn with every message of user's
// conversation, oldest first.
func EachTranscriptEntry(ctx context.Context, r Reader, user string, fn func(Entry) error) error {
	err := scanJSON(ctx, r, transcriptPrefix(user), false, func(_ Key, e Entry) error { return fn(e) })
	if err != nil {
		return fmt.Errorf("scan transcript: %w", err)
	}
	return nil
}

// DeleteTranscript deletes the oldest max messages of user's conversation
// (all of them when max <= 0) and the references that lead delivery
// statuses to the outbound ones. It reports how many of each it deleted;
// a caller erasing a long transcript calls it in a loop of small
// transactions until it deletes nothing.
func DeleteTranscript(ctx context.Context, w Writer, user string, max int) (messages, refs int, err error) {
	var keys, refKeys []Key
	err = w.Scan(transcriptPrefix(user), func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		keys = append(keys, k)
		// An entry that cannot be read still goes; only its reference
		// cannot be found, and it expires by itself (SentRefTTL).
		var e Entry
		if jsonUnmarshal(b, &e) == nil && e.Dir == Out && e.MessageID != "" {
			refKeys = append(refKeys, sentKey(e.MessageID))
		}
		if max > 0 && len(keys) == max {
			return ErrStop
		}
		return nil
	})
	if err == nil {
		err = deleteKeys(w, append(keys, refKeys...))
	}
	if err != nil {
		return 0, 0, fmt.Errorf("delete transcript: %w", err)
	}
	return len(keys), len(refKeys), nil
}

// EachOutboxItem calls fn with every queued outbound message, oldest first.
func EachOutboxItem(ctx context.Context, r Reader, fn func(OutboxItem) error) error {
	err := scanJSON(ctx, r, outboxPrefix(), false, func(_ Key, it OutboxItem) error { return fn(it) })
	if err != nil {
		return fmt.Errorf("scan outbox: %w", err)
	}
	return nil
}

// DeleteOutboxOf drops every queued message to user and says how many.
// Items that cannot be read are left for the engine, which reports them.
func DeleteOutboxOf(ctx context.Context, w Writer, user string) (int, error) {
	var keys []Key
	err := w.Scan(outboxPrefix(), func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var it OutboxItem
		if jsonUnmarshal(b, &it) == nil && it.User == user {
			keys = append(keys, k)
		}
		return nil
	})
	if err == nil {
		err = deleteKeys(w, keys)
	}
	if err != nil {
		return 0, fmt.Errorf("delete queued messages: %w", err)
	}
	return len(keys), nil
}

// OldestInbox decodes the oldest acknowledged inbound event not yet
// processed into the engine's type; found is false when the inbox is empty.
func OldestInbox[T any](ctx context.Context, r Reader) (v T, found bool, err error) {
	err = scanJSON(ctx, r, inboxPrefix(), false, func(_ Key, it T) error {
		v, found = it, true
		return ErrStop
	})
	if err != nil {
		return v, false, fmt.Errorf("read inbox: %w", err)
	}
	return v, found, nil
}

// GetHandoff loads the open (or last closed, not yet replaced) handoff
// of user into the engine's type, or ErrNotFound.
func GetHandoff[H any](ctx context.Context, r Reader, user string) (H, error) {
	if err := ctx.Err(); err != nil {
		var zero H
		return zero, err
	}
	h, err := getJSON[H](r, docKey(DocHandoff, user))
	if err != nil {
		return h, fmt.Errorf("load handoff: %w", err)
	}
	return h, nil
}

// EachHandoff calls fn with the current handoff of every user.
func EachHandoff[H any](ctx context.Context, r Reader, fn func(H) error) error {
	err := scanJSON(ctx, r, docPrefix(DocHandoff), false, func(_ Key, h H) error { return fn(h) })
	if err != nil {
		return fmt.Errorf("scan handoffs: %w", err)
	}
	return nil
}

// pastHandoffsOf selects the closed handoffs kept for user (<user>/<opened unix nanos>).
func pastHandoffsOf(user string) Key { return docKey(DocHandoffPast, user+"/") }

// EachHandoffOf calls fn with user's current handoff, then every closed
// one kept, oldest first.
func EachHandoffOf[H any](ctx context.Context, r Reader, user string, fn func(H) error) error {
	h, err := GetHandoff[H](ctx, r, user)
	switch {
	case err == nil:
		if err := fn(h); err != nil {
			return err
		}
	case !notFound(err):
		return err
	}
	err = scanJSON(ctx, r, pastHandoffsOf(user), false, func(_ Key, h H) error { return fn(h) })
	if err != nil {
		return fmt.Errorf("scan past handoffs: %w", err)
	}
	return nil
}

// DeleteHandoffsOf deletes user's current and past handoffs and says how many.
func DeleteHandoffsOf(ctx context.Context, w Writer, user string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var keys []Key
	if ok, err := w.Has(docKey(DocHandoff, user)); err != nil {
		return 0, fmt.Errorf("look up handoff: %w", err)
	} else if ok {
		keys = append(keys, docKey(DocHandoff, user))
	}
	err := w.Scan(pastHandoffsOf(user), func(k Key, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	if err == nil {
		err = deleteKeys(w, keys)
	}
	if err != nil {
		return 0, fmt.Errorf("delete handoffs: %w", err)
	}
	return len(keys), nil
}

// ErasureTotals are the anonymous counts left behind by erasures.
type ErasureTotals struct {
	Contacts int `json:"contacts"`
	Messages int `json:"messages"`
	Handoffs int `json:"handoffs"`
}

var erasureTotalsKey = docKey(DocErasure, "totals")

// AddErasureTotals adds the counts of one erasure to the totals, in the
// erasure's transaction.
func AddErasureTotals(ctx context.Context, w Writer, n ErasureTotals) error {
	t, err := GetErasureTotals(ctx, w)
	if err != nil {
		return err
	}
	t.Contacts += n.Contacts
	t.Messages += n.Messages
	t.Handoffs += n.Handoffs
	if err := putJSON(w, erasureTotalsKey, t, 0); err != nil {
		return fmt.Errorf("save erasure totals: %w", err)
	}
	return nil
}

// GetErasureTotals returns the totals; zero before the first erasure.
func GetErasureTotals(ctx context.Context, r Reader) (ErasureTotals, error) {
	if err := ctx.Err(); err != nil {
		return ErasureTotals{}, err
	}
	t, err := getJSON[ErasureTotals](r, erasureTotalsKey)
	if err != nil && !notFound(err) {
		return ErasureTotals{}, fmt.Errorf("load erasure totals: %w", err)
	}
	return t, nil
}

// Probe reads one key to find out whether the store answers at all (a
// readiness check); a missing key is an answer.
func Probe(ctx context.Context, r Reader) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := r.Has(sessionKey("_")); err != nil {
		return fmt.Errorf("probe store: %w", err)
	}
	return nil
}

// PutDeadLetter keeps inbound event seq, which could not be processed,
// for inspection.
func PutDeadLetter(ctx context.Context, w Writer, seq uint64, event any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, docKey(DocDeadLetter, fmt.Sprint(seq)), event, 0); err != nil {
		return fmt.Errorf("keep dead letter %d: %w", seq, err)
	}
	return nil
}

// EachDeadLetter calls fn with every event set aside, decoded into the
// engine's type.
func EachDeadLetter[T any](ctx context.Context, r Reader, fn func(T) error) error {
	err := scanJSON(ctx, r, docPrefix(DocDeadLetter), false, func(_ Key, v T) error { return fn(v) })
	if err != nil {
		return fmt.Errorf("scan dead letters: %w", err)
	}
	return nil
}

// RejectedBody is a webhook body that was acknowledged but can never be
// stored as events, kept for an operator.
type RejectedBody struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Body   string    `json:"body"`
}

// PutRejectedBody keeps b, keyed by its time so that they list in order.
func PutRejectedBody(ctx context.Context, w Writer, b RejectedBody) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.At.IsZero() {
		return fmt.Errorf("keep rejected webhook body: no time")
	}
	if err := putJSON(w, docKey(DocRejected, fmt.Sprintf("%020d", b.At.UnixNano())), b, 0); err != nil {
		return fmt.Errorf("keep rejected webhook body: %w", err)
	}
	return nil
}

// EachRejectedBody calls fn with every rejected body kept, oldest first.
func EachRejectedBody(ctx context.Context, r Reader, fn func(RejectedBody) error) error {
	err := scanJSON(ctx, r, docPrefix(DocRejected), false, func(_ Key, b RejectedBody) error { return fn(b) })
	if err != nil {
		return fmt.Errorf("scan rejected webhook bodies: %w", err)
	}
	return nil
}
