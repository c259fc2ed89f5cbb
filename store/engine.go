package store

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"
)

// This file holds the operations of the conversation engine (package bot):
// the inbox of acknowledged webhook events and its dedupe markers, the
// conversation (session and contact) a message is processed against, the
// transcript and the references that lead delivery statuses to it, and the
// outbox. The engine is their only writer, apart from erasure (people.go).

// Sequence names: each numbers the keys of one record kind.
const (
	seqInbox      = "inbox"
	seqOutbox     = "outbox"
	seqTranscript = "transcript"
)

// AddInbox stores one acknowledged inbound event, already encoded, under
// the next inbox sequence number, and returns that number. Within one
// process the numbers grow in the order events are added, and a user's
// session records the last one it processed (see Conversation).
func AddInbox(ctx context.Context, w Writer, raw []byte) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	seq, err := w.NextSeq(seqInbox)
	if err != nil {
		return 0, fmt.Errorf("number inbox event: %w", err)
	}
	if err := w.Set(inboxKey(seq), raw, 0); err != nil {
		return 0, fmt.Errorf("store inbox event %d: %w", seq, err)
	}
	return seq, nil
}

// PutInbox stores an encoded inbound event under a sequence number it
// already has: a tool or test that puts an event back where it was.
func PutInbox(ctx context.Context, w Writer, seq uint64, raw []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if seq == 0 {
		return fmt.Errorf("store inbox event: sequence 0")
	}
	if err := w.Set(inboxKey(seq), raw, 0); err != nil {
		return fmt.Errorf("store inbox event %d: %w", seq, err)
	}
	return nil
}

// DeleteInbox removes inbound event seq once it is processed; deleting an
// event that is gone is not an error.
func DeleteInbox(ctx context.Context, w Writer, seq uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(inboxKey(seq)); err != nil {
		return fmt.Errorf("remove inbox event %d: %w", seq, err)
	}
	return nil
}

// GetInbox reads inbound event seq, decoded into the engine's type;
// ErrNotFound when it has left the inbox (processed or set aside).
func GetInbox[T any](ctx context.Context, r Reader, seq uint64) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	v, err := getJSON[T](r, inboxKey(seq))
	if err != nil {
		return v, fmt.Errorf("load inbox event %d: %w", seq, err)
	}
	return v, nil
}

// HasInbox says whether inbound event seq is still waiting.
func HasInbox(ctx context.Context, r Reader, seq uint64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := r.Has(inboxKey(seq))
	if err != nil {
		return false, fmt.Errorf("look up inbox event %d: %w", seq, err)
	}
	return ok, nil
}

// SetAside moves inbound event seq, which could not be processed, out of
// the inbox into the dead letters, keeping event for inspection.
func SetAside(ctx context.Context, w Writer, seq uint64, event any) error {
	if err := PutDeadLetter(ctx, w, seq, event); err != nil {
		return err
	}
	return DeleteInbox(ctx, w, seq)
}

// EachPendingInbox calls fn with every waiting inbound event, oldest
// first, decoded into the engine's type. An event that cannot be decoded
// comes with its decoding error (and a zero value) so that the caller can
// report it and go on; an error from fn ends the scan.
func EachPendingInbox[T any](ctx context.Context, r Reader, fn func(seq uint64, v T, bad error) error) error {
	if err := eachPending(ctx, r, inboxPrefix(), fn); err != nil {
		return fmt.Errorf("scan inbox: %w", err)
	}
	return nil
}

// EachPendingOutbox calls fn with every queued outbound message, oldest
// first; like EachPendingInbox, an unreadable one comes with its error.
func EachPendingOutbox(ctx context.Context, r Reader, fn func(seq uint64, it OutboxItem, bad error) error) error {
	if err := eachPending(ctx, r, outboxPrefix(), fn); err != nil {
		return fmt.Errorf("scan outbox: %w", err)
	}
	return nil
}

func eachPending[T any](ctx context.Context, r Reader, prefix Key, fn func(uint64, T, error) error) error {
	return r.Scan(prefix, func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var v T
		var bad error
		if err := jsonUnmarshal(b, &v); err != nil {
			var zero T
			v, bad = zero, fmt.Errorf("decode %s: %w", printable(k), err)
		}
		return fn(seqOf(k), v, bad)
	})
}

// MarkSeen records that inbound id (a message id, or a status id with its
// status) was accepted at time at, for ttl. It reports false, and writes
// nothing, when id was already seen: the event is a redelivery.
func MarkSeen(ctx context.Context, w Writer, id string, at time.Time, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if id == "" {
		return false, fmt.Errorf("mark seen: empty id")
	}
	key := seenKey(id)
	seen, err := w.Has(key)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", id, err)
	}
	if seen {
		return false, nil
	}
	if err := w.Set(key, strconv.AppendInt(nil, at.Unix(), 10), ttl); err != nil {
		return false, fmt.Errorf("mark %s seen: %w", id, err)
	}
	return true, nil
}

// CountSeen says how many inbound ids starting with idPrefix are
// remembered as seen (expired ones are gone): what an operator or a test
// checks to see that a batch was deduplicated.
func CountSeen(ctx context.Context, r Reader, idPrefix string) (int, error) {
	n := 0
	err := r.Scan(seenKey(idPrefix), func(Key, []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count seen %q: %w", idPrefix, err)
	}
	return n, nil
}

// Conversation is what one user's next message is processed against: the
// conversation state (the flows' type S) and the contact. It remembers
// the stored bytes so that Unchanged can tell whether anything was
// written in between two reads.
type Conversation[S any] struct {
	Session    S
	HasSession bool
	Contact    Contact
	HasContact bool

	rawSession, rawContact []byte
}

// LoadConversation reads user's session and contact; either may be missing.
func LoadConversation[S any](ctx context.Context, r Reader, user string) (Conversation[S], error) {
	var c Conversation[S]
	if err := ctx.Err(); err != nil {
		return c, err
	}
	var err error
	if c.rawSession, err = r.Get(sessionKey(user)); err != nil && !notFound(err) {
		return c, fmt.Errorf("load session: %w", err)
	}
	if c.rawContact, err = r.Get(contactKey(user)); err != nil && !notFound(err) {
		return c, fmt.Errorf("load contact: %w", err)
	}
	if c.HasSession = c.rawSession != nil; c.HasSession {
		if err := jsonUnmarshal(c.rawSession, &c.Session); err != nil {
			return c, fmt.Errorf("decode session: %w", err)
		}
	}
	if c.HasContact = c.rawContact != nil; c.HasContact {
		if err := jsonUnmarshal(c.rawContact, &c.Contact); err != nil {
			return c, fmt.Errorf("decode contact: %w", err)
		}
	}
	return c, nil
}

// Unchanged says whether c holds exactly what o was read from: neither
// the session nor the contact was written in between.
func (c *Conversation[S]) Unchanged(o *Conversation[S]) bool {
	return bytes.Equal(c.rawSession, o.rawSession) && bytes.Equal(c.rawContact, o.rawContact)
}

// PutSession stores the conversation state of user.
func PutSession[S any](ctx context.Context, w Writer, user string, s S) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if user == "" {
		return fmt.Errorf("save session: empty user")
	}
	if err := putJSON(w, sessionKey(user), s, 0); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// AppendTranscript adds e to user's conversation under the next
// transcript number, which it sets on e and returns.
func AppendTranscript(ctx context.Context, w Writer, user string, e *Entry) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	seq, err := w.NextSeq(seqTranscript)
	if err != nil {
		return 0, fmt.Errorf("number transcript entry: %w", err)
	}
	e.Seq = seq
	if err := putJSON(w, transcriptKey(user, seq), e, 0); err != nil {
		return 0, fmt.Errorf("save transcript entry %d: %w", seq, err)
	}
	return seq, nil
}

// GetTranscriptEntry loads message seq of user's conversation, or ErrNotFound.
func GetTranscriptEntry(ctx context.Context, r Reader, user string, seq uint64) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	e, err := getJSON[Entry](r, transcriptKey(user, seq))
	if err != nil {
		return Entry{}, fmt.Errorf("load transcript entry %d: %w", seq, err)
	}
	return e, nil
}

// PutTranscriptEntry saves an entry of user's conversation that already
// has its number (one read with GetTranscriptEntry).
func PutTranscriptEntry(ctx context.Context, w Writer, user string, e Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e.Seq == 0 {
		return fmt.Errorf("save transcript entry: no number")
	}
	if err := putJSON(w, transcriptKey(user, e.Seq), e, 0); err != nil {
		return fmt.Errorf("save transcript entry %d: %w", e.Seq, err)
	}
	return nil
}

// LastTranscript returns the newest limit messages of user's
// conversation, oldest first.
func LastTranscript(ctx context.Context, r Reader, user string, limit int) ([]Entry, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []Entry
	err := scanJSON(ctx, r, transcriptPrefix(user), true, func(_ Key, e Entry) error {
		out = append(out, e)
		if len(out) >= limit {
			return ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read transcript: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// RecordSent notes that WhatsApp accepted message seq of user's
// conversation as wamid: the wamid goes on the entry, its status moves to
// at least sent, and delivery statuses of wamid find it for SentRefTTL.
// An entry that is gone (erased) is left alone and found is false. An
// empty wamid (an answer that named none) moves the status only.
func RecordSent(ctx context.Context, w Writer, user string, seq uint64, wamid string) (found bool, err error) {
	e, err := GetTranscriptEntry(ctx, w, user, seq)
	if notFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	e.MessageID = wamid
	e.Status, _ = AdvanceStatus(e.Status, StatusSent)
	if wamid != "" {
		if err := PutSentRef(ctx, w, wamid, SentRef{User: user, Seq: seq}); err != nil {
			return false, err
		}
	}
	if err := PutTranscriptEntry(ctx, w, user, e); err != nil {
		return false, err
	}
	return true, nil
}

// PutSentRef points delivery statuses of wamid at a transcript entry.
func PutSentRef(ctx context.Context, w Writer, wamid string, ref SentRef) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if wamid == "" {
		return fmt.Errorf("save sent reference: empty message id")
	}
	if err := checkOwner(w, "set", sentKey(wamid), UserScope(ref.User)); err != nil {
		return fmt.Errorf("save sent reference: %w", err)
	}
	if err := putJSON(w, sentKey(wamid), ref, SentRefTTL); err != nil {
		return fmt.Errorf("save sent reference: %w", err)
	}
	return nil
}

// GetSentRef finds the transcript entry of outbound wamid, or ErrNotFound
// (a message of a broadcast, or one older than SentRefTTL).
func GetSentRef(ctx context.Context, r Reader, wamid string) (SentRef, error) {
	if err := ctx.Err(); err != nil {
		return SentRef{}, err
	}
	ref, err := getJSON[SentRef](r, sentKey(wamid))
	if err != nil {
		return SentRef{}, fmt.Errorf("load sent reference: %w", err)
	}
	return ref, nil
}

// NewOutboxSeq draws the number of a new outbox item; the item is stored
// with PutOutboxItem once it is complete.
func NewOutboxSeq(ctx context.Context, w Writer) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	seq, err := w.NextSeq(seqOutbox)
	if err != nil {
		return 0, fmt.Errorf("number outbox item: %w", err)
	}
	return seq, nil
}

// PutOutboxItem stores (or replaces) an outbox item under its number.
func PutOutboxItem(ctx context.Context, w Writer, it *OutboxItem) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if it.Seq == 0 {
		return fmt.Errorf("save outbox item: no number")
	}
	if err := checkOwner(w, "set", outboxKey(it.Seq), UserScope(it.User)); err != nil {
		return fmt.Errorf("save outbox item %d: %w", it.Seq, err)
	}
	if err := putJSON(w, outboxKey(it.Seq), it, 0); err != nil {
		return fmt.Errorf("save outbox item %d: %w", it.Seq, err)
	}
	return nil
}

// GetOutboxItem loads outbox item seq, or ErrNotFound once it left the
// outbox (sent, failed for good, or erased).
func GetOutboxItem(ctx context.Context, r Reader, seq uint64) (OutboxItem, error) {
	if err := ctx.Err(); err != nil {
		return OutboxItem{}, err
	}
	it, err := getJSON[OutboxItem](r, outboxKey(seq))
	if err != nil {
		return OutboxItem{}, fmt.Errorf("load outbox item %d: %w", seq, err)
	}
	return it, nil
}

// HasOutboxItem says whether outbox item seq is still queued.
func HasOutboxItem(ctx context.Context, r Reader, seq uint64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := r.Has(outboxKey(seq))
	if err != nil {
		return false, fmt.Errorf("look up outbox item %d: %w", seq, err)
	}
	return ok, nil
}

// DeleteOutboxItem removes outbox item seq; removing one that is gone is
// not an error.
func DeleteOutboxItem(ctx context.Context, w Writer, seq uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(outboxKey(seq)); err != nil {
		return fmt.Errorf("remove outbox item %d: %w", seq, err)
	}
	return nil
}
