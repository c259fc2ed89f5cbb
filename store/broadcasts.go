package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// This file holds the operations on broadcast records: the broadcast
// document, its recipients and their engagement, the counter shards, the
// dispatcher's progress, the membership of a contact in a broadcast that
// expects an answer, the send records behind the frequency cap, the
// outbound integration events and the idempotency keys of create
// requests. Package bot/broadcast is their one writer; privacy exports and
// erases a person's share through bot/broadcast.
//
// Why the operations are generic in the value. The broadcast document
// embeds the audience (bot/contacts, which imports store) and the records
// carry bot/broadcast's rules (recipient states, counter arithmetic,
// event delivery): moving the types here would make store import
// bot/contacts, a cycle, or split each type from its rules. So the store
// owns the keys, their parsing, the encoding and every read and write,
// and bot/broadcast supplies the value types, as with flows.Session.
//
// Missing records. A broadcast document, a recipient and a membership
// are looked up by someone who expects them: missing is ErrNotFound. An
// engagement, a progress record or a counter shard is written the first
// time something happens: missing means nothing yet, and the getter says
// found=false with the zero value.

// broadcastSeq is the sequence broadcast ids are numbered from.
const broadcastSeq = "broadcast"

// broadcastEventSeq numbers outbound integration events.
const broadcastEventSeq = "bcwebhook"

func broadcastKey(id string) Key { return docKey(DocBroadcast, id) }

// NextBroadcastNumber draws the number of a new broadcast; numbers
// increase across restarts and may have gaps.
func NextBroadcastNumber(ctx context.Context, db *DB) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := db.NextSeq(broadcastSeq)
	if err != nil {
		return 0, fmt.Errorf("number broadcast: %w", err)
	}
	return n, nil
}

// GetBroadcast loads the document of broadcast id, or ErrNotFound.
func GetBroadcast[B any](ctx context.Context, r Reader, id string) (B, error) {
	if err := ctx.Err(); err != nil {
		var zero B
		return zero, err
	}
	b, err := getJSON[B](r, broadcastKey(id))
	if err != nil {
		return b, fmt.Errorf("load broadcast %s: %w", id, err)
	}
	return b, nil
}

// PutBroadcast stores the document of broadcast id.
func PutBroadcast(ctx context.Context, w Writer, id string, b any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("save broadcast: empty id")
	}
	if err := putJSON(w, broadcastKey(id), b, 0); err != nil {
		return fmt.Errorf("save broadcast %s: %w", id, err)
	}
	return nil
}

// EachBroadcast calls fn with every broadcast document in order of id,
// or newest first; ErrStop from fn ends the walk without error.
func EachBroadcast[B any](ctx context.Context, r Reader, newestFirst bool, fn func(B) error) error {
	err := scanJSON(ctx, r, docPrefix(DocBroadcast), newestFirst, func(_ Key, b B) error { return fn(b) })
	if err != nil {
		return fmt.Errorf("scan broadcasts: %w", err)
	}
	return nil
}

// ClaimBroadcastIdem records that the create request with idempotency
// key idem made broadcast id, kept for ttl. If the key was already
// claimed it changes nothing and returns the broadcast claimed first.
func ClaimBroadcastIdem(ctx context.Context, w Writer, idem, id string, ttl time.Duration) (existing string, err error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if idem == "" || id == "" {
		return "", fmt.Errorf("claim idempotency key: empty key or broadcast id")
	}
	k := broadcastIdemKey(idem)
	if err := checkOwner(w, "set", k, BroadcastScope(id)); err != nil {
		return "", fmt.Errorf("claim idempotency key: %w", err)
	}
	v, err := w.Get(k)
	switch {
	case err == nil:
		return string(v), nil
	case !notFound(err):
		return "", fmt.Errorf("look up idempotency key: %w", err)
	}
	if err := w.Set(k, []byte(id), ttl); err != nil {
		return "", fmt.Errorf("claim idempotency key: %w", err)
	}
	return "", nil
}

// BroadcastRef names one recipient of one broadcast.
type BroadcastRef struct {
	Broadcast string
	Seq       uint64
}

// GetBroadcastRecipient loads recipient seq of broadcast id, or ErrNotFound.
func GetBroadcastRecipient[R any](ctx context.Context, r Reader, id string, seq uint64) (R, error) {
	if err := ctx.Err(); err != nil {
		var zero R
		return zero, err
	}
	rec, err := getJSON[R](r, broadcastRecipientKey(id, seq))
	if err != nil {
		return rec, fmt.Errorf("load recipient %d of %s: %w", seq, id, err)
	}
	return rec, nil
}

// PutBroadcastRecipient stores recipient seq of broadcast id.
func PutBroadcastRecipient(ctx context.Context, w Writer, id string, seq uint64, rec any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, broadcastRecipientKey(id, seq), rec, 0); err != nil {
		return fmt.Errorf("save recipient %d of %s: %w", seq, id, err)
	}
	return nil
}

// EachBroadcastRecipient calls fn with the recipients of broadcast id in
// order, from seq from on (0 or 1 for the first); ErrStop from fn ends
// the walk without error. The record passed is fn's to keep.
func EachBroadcastRecipient[R any](ctx context.Context, r Reader, id string, from uint64, fn func(seq uint64, rec *R) error) error {
	err := r.ScanFrom(broadcastRecipientPrefix(id), broadcastRecipientKey(id, from), func(k Key, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		seq := seqOf(k)
		rec := new(R)
		if err := json.Unmarshal(v, rec); err != nil {
			return fmt.Errorf("decode recipient %d: %w", seq, err)
		}
		return fn(seq, rec)
	})
	if err != nil {
		return fmt.Errorf("scan recipients of %s: %w", id, err)
	}
	return nil
}

// EachRecipientOfAll calls fn with every recipient of every broadcast, in
// key order. It reads everything: for an occasional export or erasure.
func EachRecipientOfAll[R any](ctx context.Context, r Reader, fn func(ref BroadcastRef, rec R) error) error {
	err := scanJSON(ctx, r, broadcastRecipientsAll(), false, func(k Key, rec R) error {
		id, seq, ok := parseBcPair(k)
		ref := BroadcastRef{Broadcast: id, Seq: seq}
		if !ok {
			return fmt.Errorf("recipient key %s: malformed", printable(k))
		}
		return fn(ref, rec)
	})
	if err != nil {
		return fmt.Errorf("scan recipients: %w", err)
	}
	return nil
}

// PutBroadcastRecipientEncoded writes recipient seq of broadcast id
// already encoded as JSON, in w: the caller builds the pending record
// without reflection, the hot path of enqueueing a large audience. The
// enqueuer writes a chunk of them with its cursor and a check of its
// fencing token in one transaction of the broadcast's scope, so a chunk
// is stored with the cursor that accounts for it or not at all, and a
// dispatcher that lost its lease writes none.
func PutBroadcastRecipientEncoded(ctx context.Context, w Writer, id string, seq uint64, encoded []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Set(broadcastRecipientKey(id, seq), encoded, 0); err != nil {
		return fmt.Errorf("add recipient %d of %s: %w", seq, id, err)
	}
	return nil
}

// DeleteBroadcastRecipientsFrom deletes, in w, up to limit recipients of
// broadcast id from seq on and says how many it deleted: records past
// the enqueue cursor, which a store written before the cursor shared the
// recipients' transaction may hold. The caller repeats it, one
// transaction each, until it deletes none.
func DeleteBroadcastRecipientsFrom(ctx context.Context, w Writer, id string, seq uint64, limit int) (int, error) {
	var keys []Key
	err := w.ScanFrom(broadcastRecipientPrefix(id), broadcastRecipientKey(id, seq), func(k Key, _ []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		keys = append(keys, k)
		if len(keys) >= limit {
			return ErrStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrStop) {
		return 0, fmt.Errorf("find recipients of %s to drop: %w", id, err)
	}
	if err := deleteKeys(w, keys); err != nil {
		return 0, fmt.Errorf("drop recipients of %s: %w", id, err)
	}
	return len(keys), nil
}

// GetBroadcastEngagement loads what came back about recipient seq of
// broadcast id; found is false (and e zero) while nothing has.
func GetBroadcastEngagement[E any](ctx context.Context, r Reader, id string, seq uint64) (e E, found bool, err error) {
	return getOptional[E](ctx, r, broadcastEngagementKey(id, seq), "engagement")
}

// PutBroadcastEngagement stores what came back about recipient seq of broadcast id.
func PutBroadcastEngagement(ctx context.Context, w Writer, id string, seq uint64, e any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, broadcastEngagementKey(id, seq), e, 0); err != nil {
		return fmt.Errorf("save engagement %d of %s: %w", seq, id, err)
	}
	return nil
}

// getOptional decodes key's value; a missing one is the zero value with
// found false.
func getOptional[T any](ctx context.Context, r Reader, key Key, what string) (v T, found bool, err error) {
	if err := ctx.Err(); err != nil {
		return v, false, err
	}
	b, err := r.Get(key)
	switch {
	case notFound(err):
		return v, false, nil
	case err != nil:
		return v, false, fmt.Errorf("load %s: %w", what, err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, false, fmt.Errorf("decode %s %s: %w", what, printable(key), err)
	}
	return v, true, nil
}

// Engagement counts. A broadcast's delivered, read, answered... counts
// move in the turns of its recipients: a status or an answer is handled
// in the person's scope, one atomic batch with the engagement it
// changes. So each recipient's share of the counts is a record of its
// own (a delta, keyed by the recipient), written in that batch: no two
// scopes ever write one key, and the counts are the sum of the records
// on every backend (a key written in several scopes of a backend that
// keeps records by scope reads as its newest write, not the sum).
//
// The fold keeps that sum short to read. Deltas are keyed by epoch too:
// a turn adds to the delta of the broadcast's current epoch (read from
// the base). The folder (1) closes the current epoch by opening the next
// one, then, once no turn can still be writing into the closed epoch
// (grace, counted from the opening), (2) adds the closed epoch's deltas
// to the base's sum and marks the epoch folded, in one write, and (3)
// deletes the deltas of folded epochs, which no read looks at any more.
// A read adds the base's sum and the deltas of the epochs not folded,
// one or two: what came in since the last fold. Each step is one write,
// and (2) happens once per epoch, so a crash anywhere changes no sum.
//
// On badger a turn's read of the epoch is part of its transaction: the
// folder opening an epoch makes a turn that read the old one run again.
// A backend that fences only the scope a transaction writes (JetStream)
// relies on the grace: a turn that read the epoch, then stalled for
// longer than the grace before its commit, would add to an epoch
// already folded, and that share would not be counted.

// Counter is what the store needs of a counts type to add counts up:
// C's pointer adds n times another. bot/broadcast's Counts is one.
type Counter[C any] interface {
	*C
	AddTimes(o *C, n int64)
}

// Scopes is what an operation made of several scoped writes runs on:
// *DB, or a backend through the conformance suite.
type Scopes interface {
	Write(ctx context.Context, scope Scope, fn func(w Writer) error) error
	Read(ctx context.Context, fn func(r Reader) error) error
}

// countBase is the counts folded from a broadcast's deltas, and where
// the epochs stand.
type countBase[C any] struct {
	Sum C `json:"sum"`
	// Epoch is the one turns add to; 0 (no base yet) reads as 1.
	Epoch uint32 `json:"epoch,omitempty"`
	// Opened is when Epoch was opened: the epoch before it is folded a
	// grace after.
	Opened time.Time `json:"opened,omitzero"`
	// Folded: every epoch up to it is in Sum.
	Folded uint32 `json:"folded,omitempty"`
	// Deleted: every delta of the epochs up to it is deleted.
	Deleted uint32 `json:"deleted,omitempty"`
}

func (b *countBase[C]) epoch() uint32 { return max(b.Epoch, 1) }

func getCountBase[C any](ctx context.Context, r Reader, id string) (countBase[C], []byte, error) {
	var b countBase[C]
	if err := ctx.Err(); err != nil {
		return b, nil, err
	}
	raw, err := r.Get(broadcastCountBaseKey(id))
	switch {
	case notFound(err):
		return b, nil, nil
	case err != nil:
		return b, nil, fmt.Errorf("load counts of %s: %w", id, err)
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return b, nil, fmt.Errorf("decode counts of %s: %w", id, err)
	}
	return b, raw, nil
}

// AddBroadcastCounts applies add to the share of recipient seq in the
// counts of broadcast id, in w: the scope of the recipient's person,
// whose turn changes the engagement the counts follow.
func AddBroadcastCounts[C any](ctx context.Context, w Writer, id string, seq uint64, add func(c *C)) error {
	base, _, err := getCountBase[C](ctx, w, id)
	if err != nil {
		return fmt.Errorf("count for %s: %w", id, err)
	}
	key := broadcastCountDeltaKey(id, base.epoch(), seq)
	c, _, err := getOptional[C](ctx, w, key, "counts")
	if err != nil {
		return fmt.Errorf("count for %s: %w", id, err)
	}
	add(&c)
	if err := putJSON(w, key, &c, 0); err != nil {
		return fmt.Errorf("save counts of %s: %w", id, err)
	}
	return nil
}

// maxSumTries bounds how often SumBroadcastCounts reads again because a
// fold moved under it.
const maxSumTries = 20

// SumBroadcastCounts reads the counts of broadcast id: the base, the
// shards of the older layout and the deltas of the epochs not folded. A
// backend whose reads are not one snapshot (JetStream) may see a fold
// move between them: the base read before and after differs, and the
// sum is read again.
func SumBroadcastCounts[C any, PC Counter[C]](ctx context.Context, r Reader, id string) (C, error) {
	for try := 0; ; try++ {
		var sum C
		base, before, err := getCountBase[C](ctx, r, id)
		if err != nil {
			return sum, err
		}
		PC(&sum).AddTimes(&base.Sum, 1)
		err = eachUnfolded(ctx, r, id, &base, func(c *C) { PC(&sum).AddTimes(c, 1) })
		if err != nil {
			return sum, fmt.Errorf("sum counts of %s: %w", id, err)
		}
		_, after, err := getCountBase[C](ctx, r, id)
		if err != nil {
			return sum, err
		}
		if bytes.Equal(before, after) {
			return sum, nil
		}
		if try+1 >= maxSumTries {
			return sum, fmt.Errorf("sum counts of %s: a fold moved under %d reads", id, maxSumTries)
		}
	}
}

// eachUnfolded calls fn with every count record not in base's sum: the
// shards of the older layout and the deltas of the epochs after Folded.
func eachUnfolded[C any](ctx context.Context, r Reader, id string, base *countBase[C], fn func(c *C)) error {
	err := scanJSON(ctx, r, broadcastCounterPrefix(id), false, func(_ Key, c C) error {
		fn(&c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan counter shards: %w", err)
	}
	for e := base.Folded + 1; e <= base.epoch(); e++ {
		err := scanJSON(ctx, r, broadcastCountEpochPrefix(id, e), false, func(_ Key, c C) error {
			fn(&c)
			return nil
		})
		if err != nil {
			return fmt.Errorf("scan deltas of epoch %d: %w", e, err)
		}
	}
	return nil
}

// UnfoldedBroadcastCounts is how many records a read of broadcast id's
// counts walks besides its base: the deltas no fold has added to the
// base yet, and the shards of the older layout.
func UnfoldedBroadcastCounts[C any](ctx context.Context, r Reader, id string) (int, error) {
	base, _, err := getCountBase[C](ctx, r, id)
	if err != nil {
		return 0, err
	}
	n := 0
	err = eachUnfolded(ctx, r, id, &base, func(*C) { n++ })
	return n, err
}

// FoldBroadcastCounts takes the next step of folding broadcast id's
// counts (see "Engagement counts" above) and says whether it changed
// anything; call it again until it does not. At now, an epoch closed for
// at least grace is folded; the current one is closed when it holds
// deltas; at most limit deltas of folded epochs are deleted per call.
// whose reads the person of a recipient record (R: bot/broadcast's
// Recipient), in whose scope the recipient's deltas are deleted; those
// of a recipient that names nobody (erased) stay, and no read looks at
// them.
func FoldBroadcastCounts[C any, PC Counter[C], R any](ctx context.Context, db Scopes, id string, whose func(rec *R) string, now time.Time, grace time.Duration, limit int) (bool, error) {
	var (
		base   countBase[C]
		legacy bool
		open   bool // the current epoch holds deltas
	)
	err := db.Read(ctx, func(r Reader) (err error) {
		if base, _, err = getCountBase[C](ctx, r, id); err != nil {
			return err
		}
		legacy, err = holdsAny(ctx, r, broadcastCounterPrefix(id))
		if err != nil {
			return err
		}
		open, err = holdsAny(ctx, r, broadcastCountEpochPrefix(id, base.epoch()))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fold counts of %s: %w", id, err)
	}
	switch closed := base.epoch() - 1; {
	case closed > base.Folded && !now.Before(base.Opened.Add(grace)):
		return foldEpoch[C, PC](ctx, db, id, closed)
	case closed == base.Folded && (open || legacy):
		return openEpoch[C, PC](ctx, db, id, base.epoch(), now)
	case base.Deleted < base.Folded:
		return deleteFolded[C, PC](ctx, db, id, base.Deleted+1, whose, limit)
	}
	return false, nil
}

// holdsAny reports whether a record is stored under prefix.
func holdsAny(ctx context.Context, r Reader, prefix Key) (bool, error) {
	found := false
	err := r.Scan(prefix, func(Key, []byte) error {
		found = true
		return ErrStop
	})
	if err != nil {
		return false, fmt.Errorf("look under %s: %w", printable(prefix), err)
	}
	return found, ctx.Err()
}

// writeBase changes the base of broadcast id in its scope: change runs on
// the base as stored and says whether to write it; the shards of the
// older layout go into the sum in the same write.
func writeBase[C any, PC Counter[C]](ctx context.Context, db Scopes, id string, change func(b *countBase[C]) bool) (bool, error) {
	changed := false
	err := db.Write(ctx, BroadcastScope(id), func(w Writer) error {
		changed = false
		b, _, err := getCountBase[C](ctx, w, id)
		if err != nil {
			return err
		}
		if !change(&b) {
			return nil
		}
		var shards []Key
		err = scanJSON(ctx, w, broadcastCounterPrefix(id), false, func(k Key, c C) error {
			PC(&b.Sum).AddTimes(&c, 1)
			shards = append(shards, k)
			return nil
		})
		if err != nil {
			return fmt.Errorf("scan counter shards: %w", err)
		}
		if err := deleteKeys(w, shards); err != nil {
			return err
		}
		changed = true
		return putJSON(w, broadcastCountBaseKey(id), &b, 0)
	})
	return changed, err
}

// openEpoch closes epoch cur of broadcast id by opening the next.
func openEpoch[C any, PC Counter[C]](ctx context.Context, db Scopes, id string, cur uint32, now time.Time) (bool, error) {
	changed, err := writeBase[C, PC](ctx, db, id, func(b *countBase[C]) bool {
		if b.epoch() != cur {
			return false // another folder opened it
		}
		b.Epoch, b.Opened = cur+1, now
		return true
	})
	if err != nil {
		return false, fmt.Errorf("fold counts of %s: open epoch %d: %w", id, cur+1, err)
	}
	return changed, nil
}

// foldEpoch adds the deltas of closed epoch e to the sum of broadcast id,
// once: the write checks that e is still the next epoch to fold.
func foldEpoch[C any, PC Counter[C]](ctx context.Context, db Scopes, id string, e uint32) (bool, error) {
	// The deltas are in their people's scopes: read them outside the
	// write. No turn writes into e any more, so the sum read stays true.
	var add C
	err := db.Read(ctx, func(r Reader) error {
		add = *new(C)
		return scanJSON(ctx, r, broadcastCountEpochPrefix(id, e), false, func(_ Key, c C) error {
			PC(&add).AddTimes(&c, 1)
			return nil
		})
	})
	if err != nil {
		return false, fmt.Errorf("fold counts of %s: read epoch %d: %w", id, e, err)
	}
	changed, err := writeBase[C, PC](ctx, db, id, func(b *countBase[C]) bool {
		if b.Folded+1 != e || e >= b.epoch() {
			return false // folded by another folder meanwhile
		}
		PC(&b.Sum).AddTimes(&add, 1)
		b.Folded = e
		return true
	})
	if err != nil {
		return false, fmt.Errorf("fold counts of %s: fold epoch %d: %w", id, e, err)
	}
	return changed, nil
}

// writeEach runs writes one per scope, through db's WriteEach when it
// has one (badger then commits them with one sync).
func writeEach(ctx context.Context, db Scopes, writes []ScopedWrite) error {
	if g, ok := db.(interface {
		WriteEach(ctx context.Context, writes []ScopedWrite) ([]bool, error)
	}); ok {
		_, err := g.WriteEach(ctx, writes)
		return err
	}
	for _, sw := range writes {
		if err := db.Write(ctx, sw.Scope, sw.Fn); err != nil {
			return err
		}
	}
	return nil
}

// deleteFolded deletes up to limit deltas of folded epoch e of broadcast
// id, each in its person's scope, and marks e deleted once it has none
// left that can be deleted.
func deleteFolded[C any, PC Counter[C], R any](ctx context.Context, db Scopes, id string, e uint32, whose func(rec *R) string, limit int) (bool, error) {
	type delta struct {
		key    Key
		person string
	}
	var found []delta
	err := db.Read(ctx, func(r Reader) error {
		found = found[:0]
		return r.Scan(broadcastCountEpochPrefix(id, e), func(k Key, _ []byte) error {
			_, _, seq, ok := parseCountDelta(k)
			if !ok {
				return nil
			}
			person, err := recipientPerson(r, broadcastRecipientKey(id, seq), whose)
			if err != nil {
				return err
			}
			if person != "" {
				found = append(found, delta{k, person})
			}
			if len(found) >= limit {
				return ErrStop
			}
			return ctx.Err()
		})
	})
	if err != nil {
		return false, fmt.Errorf("fold counts of %s: find deltas of epoch %d: %w", id, e, err)
	}
	writes := make([]ScopedWrite, len(found))
	for i, d := range found {
		writes[i] = ScopedWrite{Scope: UserScope(d.person), Fn: func(w Writer) error { return w.Delete(d.key) }}
	}
	if err := writeEach(ctx, db, writes); err != nil {
		return false, fmt.Errorf("fold counts of %s: delete the deltas of epoch %d: %w", id, e, err)
	}
	if len(found) >= limit {
		return true, nil
	}
	changed, err := writeBase[C, PC](ctx, db, id, func(b *countBase[C]) bool {
		if b.Deleted+1 != e || e > b.Folded {
			return false
		}
		b.Deleted = e
		return true
	})
	if err != nil {
		return false, fmt.Errorf("fold counts of %s: mark epoch %d deleted: %w", id, e, err)
	}
	return changed || len(found) > 0, nil
}

// GetBroadcastProgress loads the dispatcher's cursor and counts of
// broadcast id; found is false before its first write.
func GetBroadcastProgress[P any](ctx context.Context, r Reader, id string) (p P, found bool, err error) {
	return getOptional[P](ctx, r, broadcastProgressKey(id), "progress")
}

// PutBroadcastProgress stores the dispatcher's cursor and counts of broadcast id.
func PutBroadcastProgress(ctx context.Context, w Writer, id string, p any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, broadcastProgressKey(id), p, 0); err != nil {
		return fmt.Errorf("save progress of %s: %w", id, err)
	}
	return nil
}

// Fenced is a record written under a lease: it carries the fencing token
// of the lease holder that wrote it (coord.Lease.Token).
type Fenced interface {
	FencingToken() uint64
}

// ErrFenced: a write under a lease was refused because a later holder of
// the lease (a higher fencing token) has written since.
var ErrFenced = errors.New("refused: a later lease holder has written")

// FencedError is the refusal of a write made under fencing token Own when
// the stored record was written under the newer token Stored. It matches
// ErrFenced with errors.Is.
type FencedError struct {
	What   string // the record, e.g. "progress of broadcast b1"
	Own    uint64
	Stored uint64
}

func (e *FencedError) Error() string {
	return fmt.Sprintf("write %s under fencing token %d: stored token %d is newer: %v", e.What, e.Own, e.Stored, ErrFenced)
}

func (e *FencedError) Unwrap() error { return ErrFenced }

// PutBroadcastProgressFenced stores p as the progress of broadcast id
// when the stored progress was not written under a newer fencing token
// than p's; otherwise it writes nothing and returns a *FencedError. The
// check and the write are in w's transaction, so a holder that lost the
// lease cannot commit after its successor however late its results
// arrive. A stored record without a token (zero) never refuses.
func PutBroadcastProgressFenced[P Fenced](ctx context.Context, w Writer, id string, p P) error {
	stored, found, err := getOptional[P](ctx, w, broadcastProgressKey(id), "progress")
	if err != nil {
		return fmt.Errorf("check fencing token of %s: %w", id, err)
	}
	if found {
		if st, own := stored.FencingToken(), p.FencingToken(); st > own {
			return &FencedError{What: "progress of broadcast " + id, Own: own, Stored: st}
		}
	}
	return PutBroadcastProgress(ctx, w, id, p)
}

// CheckBroadcastFence refuses, with a *FencedError, a write made under
// fencing token own when the stored progress of broadcast id was written
// under a newer token. Called first in the transaction of every other
// write a dispatch run makes (the broadcast document's state changes,
// the enqueue cursor), it fences them as the progress itself is fenced:
// the check and the write commit together, and a later holder's claim
// (its first progress write) conflicts with the transaction, which is
// retried and then refused. P is the progress type the caller stores.
func CheckBroadcastFence[P Fenced](ctx context.Context, r Reader, id string, own uint64) error {
	stored, found, err := getOptional[P](ctx, r, broadcastProgressKey(id), "progress")
	if err != nil {
		return fmt.Errorf("check fencing token of %s: %w", id, err)
	}
	if found {
		if st := stored.FencingToken(); st > own {
			return &FencedError{What: "state of broadcast " + id, Own: own, Stored: st}
		}
	}
	return nil
}

// GetBroadcastMember loads the link from contact waID to its recipient
// record in broadcast id, or ErrNotFound.
func GetBroadcastMember[M any](ctx context.Context, r Reader, waID, id string) (M, error) {
	if err := ctx.Err(); err != nil {
		var zero M
		return zero, err
	}
	m, err := getJSON[M](r, broadcastMemberKey(waID, id))
	if err != nil {
		return m, fmt.Errorf("load membership in %s: %w", id, err)
	}
	return m, nil
}

// PutBroadcastMember links contact waID to its recipient record in
// broadcast id for ttl (the answer window and a margin).
func PutBroadcastMember(ctx context.Context, w Writer, waID, id string, m any, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, broadcastMemberKey(waID, id), m, ttl); err != nil {
		return fmt.Errorf("save membership in %s: %w", id, err)
	}
	return nil
}

// EachBroadcastMember calls fn with every broadcast contact waID is a
// member of, by broadcast id.
func EachBroadcastMember[M any](ctx context.Context, r Reader, waID string, fn func(id string, m M) error) error {
	prefix := broadcastMemberPrefix(waID)
	err := scanJSON(ctx, r, prefix, false, func(k Key, m M) error { return fn(idOf(k, prefix), m) })
	if err != nil {
		return fmt.Errorf("scan memberships: %w", err)
	}
	return nil
}

// DeleteBroadcastMembers deletes every membership of contact waID and
// says how many there were.
func DeleteBroadcastMembers(ctx context.Context, w Writer, waID string) (int, error) {
	return deletePrefix(ctx, w, broadcastMemberPrefix(waID), "memberships")
}

// PutBroadcastSend records one broadcast message sent to contact waID at
// at, kept for ttl: it counts against the frequency cap and the daily
// messaging limit. ref (the message's callback data) says which
// broadcast and recipient it was.
func PutBroadcastSend(ctx context.Context, w Writer, waID string, at time.Time, ref string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Set(broadcastFrequencyKey(waID, uint64(at.UnixNano())), []byte(ref), ttl); err != nil {
		return fmt.Errorf("record broadcast send: %w", err)
	}
	return nil
}

// EachBroadcastSend calls fn with the broadcast messages sent to contact
// waID that are still kept, oldest first.
func EachBroadcastSend(ctx context.Context, r Reader, waID string, fn func(at time.Time, ref string) error) error {
	err := r.Scan(broadcastFrequencyPrefix(waID), func(k Key, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(time.Unix(0, int64(seqOf(k))), string(v))
	})
	if err != nil {
		return fmt.Errorf("scan broadcast sends: %w", err)
	}
	return nil
}

// EachBroadcastSendOfAll calls fn with every kept broadcast message to
// every contact, grouped by contact, each contact's oldest first.
func EachBroadcastSendOfAll(ctx context.Context, r Reader, fn func(waID string, at time.Time) error) error {
	err := r.Scan(broadcastFrequencyAll(), func(k Key, _ []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		waID, nanos, ok := parseBcPair(k)
		if !ok {
			return nil // not a send record: nothing to count
		}
		return fn(waID, time.Unix(0, int64(nanos)))
	})
	if err != nil {
		return fmt.Errorf("scan broadcast sends: %w", err)
	}
	return nil
}

// DeleteBroadcastSends deletes the send records of contact waID and says
// how many there were.
func DeleteBroadcastSends(ctx context.Context, w Writer, waID string) (int, error) {
	return deletePrefix(ctx, w, broadcastFrequencyPrefix(waID), "broadcast sends")
}

func deletePrefix(ctx context.Context, w Writer, prefix Key, what string) (int, error) {
	var keys []Key
	err := w.Scan(prefix, func(k Key, _ []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		keys = append(keys, k)
		return nil
	})
	if err == nil {
		err = deleteKeys(w, keys)
	}
	if err != nil {
		return 0, fmt.Errorf("delete %s: %w", what, err)
	}
	return len(keys), nil
}

// NextBroadcastEvent draws the number of a new outbound integration
// event, in w so that the caller can name the event before storing it.
func NextBroadcastEvent(ctx context.Context, w Writer) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := w.NextSeq(broadcastEventSeq)
	if err != nil {
		return 0, fmt.Errorf("number integration event: %w", err)
	}
	return n, nil
}

// PutBroadcastEvent stores integration event seq until it is delivered
// or given up; in the transaction of what it reports, it is sent if and
// only if that was committed.
func PutBroadcastEvent(ctx context.Context, w Writer, seq uint64, ev any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := putJSON(w, broadcastWebhookKey(seq), ev, 0); err != nil {
		return fmt.Errorf("save integration event %d: %w", seq, err)
	}
	return nil
}

// DeleteBroadcastEvent forgets integration event seq.
func DeleteBroadcastEvent(ctx context.Context, w Writer, seq uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(broadcastWebhookKey(seq)); err != nil {
		return fmt.Errorf("delete integration event %d: %w", seq, err)
	}
	return nil
}

// EachBroadcastEvent calls fn with every undelivered integration event,
// oldest first; ErrStop from fn ends the walk without error. An event
// that cannot be decoded is passed over: one damaged record must not hold
// up the delivery of the others.
func EachBroadcastEvent[V any](ctx context.Context, r Reader, fn func(seq uint64, ev V) error) error {
	err := r.Scan(broadcastWebhookPrefix(), func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var ev V
		if json.Unmarshal(b, &ev) != nil {
			return nil
		}
		return fn(seqOf(k), ev)
	})
	if err != nil {
		return fmt.Errorf("scan integration events: %w", err)
	}
	return nil
}
