package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
// own (a delta, keyed like the engagement), written in that batch: no
// two scopes ever write one key, and the counts are the sum of the
// records on every backend (a key written in several scopes of a
// backend that keeps records by scope would read as its newest write).
//
// The fold keeps that sum short to read: the folder (one per broadcast,
// though two at once stay right) moves the deltas into the broadcast's
// base in rounds. A round (1) lists up to limit deltas in the base as
// pending, each with the counts it moves, (2) subtracts each from its
// delta in the person's scope and marks the delta with the round's
// generation, (3) adds the marked ones to the base's sum and drops them
// from pending, (4) deletes deltas left at zero. Every step is one
// scoped write that checks what it reads, so a crash between any two
// leaves the sum right and the next round finishes the work: a reader
// adds a pending entry exactly when its delta is marked, that is when
// the delta no longer holds it.

// Counter is what the store needs of a counts type to add counts up
// and fold them: C's pointer adds n times another and says whether all
// its counts are zero. bot/broadcast's Counts is one.
type Counter[C any] interface {
	*C
	AddTimes(o *C, n int64)
	IsZero() bool
}

// Scopes is what an operation made of several scoped writes runs on:
// *DB, or a backend through the conformance suite.
type Scopes interface {
	Write(ctx context.Context, scope Scope, fn func(w Writer) error) error
	Read(ctx context.Context, fn func(r Reader) error) error
}

// countDelta is one recipient's share of a broadcast's counts.
type countDelta[C any] struct {
	Counts C `json:"c"`
	// Folded is the generation of the last fold round that took
	// counts out of it.
	Folded uint64 `json:"g,omitempty"`
}

// countBase is the counts folded from a broadcast's deltas.
type countBase[C any] struct {
	Sum C      `json:"sum"`
	Gen uint64 `json:"gen,omitempty"`
	// Pending are the deltas round Gen moves: their counts are in Sum
	// only once the round's step 3 has run.
	Pending []pendingShare[C] `json:"pending,omitempty"`
}

type pendingShare[C any] struct {
	Seq    uint64 `json:"seq"`
	Counts C      `json:"c"`
}

// AddBroadcastCounts applies add to the share of recipient seq in the
// counts of broadcast id, in w: the scope of the recipient's person,
// whose turn changes the engagement the counts follow.
func AddBroadcastCounts[C any](ctx context.Context, w Writer, id string, seq uint64, add func(c *C)) error {
	key := broadcastCountDeltaKey(id, seq)
	d, _, err := getOptional[countDelta[C]](ctx, w, key, "counts")
	if err != nil {
		return fmt.Errorf("count for %s: %w", id, err)
	}
	add(&d.Counts)
	if err := putJSON(w, key, &d, 0); err != nil {
		return fmt.Errorf("save counts of %s: %w", id, err)
	}
	return nil
}

// maxSumTries bounds how often SumBroadcastCounts reads again because a
// fold round moved under it.
const maxSumTries = 20

// SumBroadcastCounts reads the counts of broadcast id: the base, the
// shards of the older layout and every delta not yet folded. A backend
// whose reads are not one snapshot (JetStream) may see a fold round
// move between them: the base read before and after differs, and the
// sum is read again.
func SumBroadcastCounts[C any, PC Counter[C]](ctx context.Context, r Reader, id string) (C, error) {
	for try := 0; ; try++ {
		sum, before, err := sumCounts[C, PC](ctx, r, id)
		if err != nil {
			return sum, fmt.Errorf("sum counts of %s: %w", id, err)
		}
		after, err := getRaw(r, broadcastCountBaseKey(id))
		if err != nil {
			return sum, fmt.Errorf("sum counts of %s: %w", id, err)
		}
		if bytes.Equal(before, after) {
			return sum, nil
		}
		if try+1 >= maxSumTries {
			return sum, fmt.Errorf("sum counts of %s: a fold moved under %d reads", id, maxSumTries)
		}
	}
}

// getRaw is the stored value of key, nil when there is none.
func getRaw(r Reader, key Key) ([]byte, error) {
	b, err := r.Get(key)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", printable(key), err)
	}
	return b, nil
}

func sumCounts[C any, PC Counter[C]](ctx context.Context, r Reader, id string) (sum C, baseRaw []byte, err error) {
	baseRaw, err = getRaw(r, broadcastCountBaseKey(id))
	if err != nil {
		return sum, nil, err
	}
	var base countBase[C]
	if baseRaw != nil {
		if err := json.Unmarshal(baseRaw, &base); err != nil {
			return sum, nil, fmt.Errorf("decode counts base: %w", err)
		}
	}
	PC(&sum).AddTimes(&base.Sum, 1)
	pending := make(map[uint64]*C, len(base.Pending))
	for i := range base.Pending {
		pending[base.Pending[i].Seq] = &base.Pending[i].Counts
	}
	err = scanJSON(ctx, r, broadcastCounterPrefix(id), false, func(_ Key, c C) error {
		PC(&sum).AddTimes(&c, 1)
		return nil
	})
	if err != nil {
		return sum, nil, fmt.Errorf("scan counter shards: %w", err)
	}
	err = scanJSON(ctx, r, broadcastCountDeltaPrefix(id), false, func(k Key, d countDelta[C]) error {
		PC(&sum).AddTimes(&d.Counts, 1)
		_, seq, _ := parseBcPair(k)
		if p, ok := pending[seq]; ok && d.Folded >= base.Gen {
			// The round took p out of this delta: it counts from the base.
			PC(&sum).AddTimes(p, 1)
		}
		return nil
	})
	if err != nil {
		return sum, nil, fmt.Errorf("scan count deltas: %w", err)
	}
	return sum, baseRaw, nil
}

// UnfoldedBroadcastCounts is how many records a read of broadcast id's
// counts walks besides its base: the deltas and older shards no fold
// has moved yet.
func UnfoldedBroadcastCounts(ctx context.Context, r Reader, id string) (int, error) {
	n := 0
	for _, prefix := range []Key{broadcastCounterPrefix(id), broadcastCountDeltaPrefix(id)} {
		err := r.Scan(prefix, func(Key, []byte) error {
			n++
			return ctx.Err()
		})
		if err != nil {
			return n, fmt.Errorf("count deltas of %s: %w", id, err)
		}
	}
	return n, nil
}

// FoldBroadcastCounts runs one fold round over broadcast id (see
// "Engagement counts" above), moving at most limit deltas into its base,
// or finishes a round a crash left pending; it returns how many deltas
// it moved, 0 when there was nothing to move. whose reads the person of
// a recipient record (R: bot/broadcast's Recipient): a delta is written
// in that person's scope. A delta whose recipient names nobody (erased)
// is left where it is and still counted by every read.
func FoldBroadcastCounts[C any, PC Counter[C], R any](ctx context.Context, db Scopes, id string, whose func(rec *R) string, limit int) (int, error) {
	if limit < 1 {
		return 0, fmt.Errorf("fold counts of %s: limit %d", id, limit)
	}
	bscope := BroadcastScope(id)
	baseKey := broadcastCountBaseKey(id)

	// What a new round would move, read outside any write: the deltas
	// are in their people's scopes.
	var (
		found  []pendingShare[C]
		zeros  []uint64 // deltas a round left at zero and a crash kept
		people = map[uint64]string{}
		legacy bool
		base   countBase[C]
	)
	err := db.Read(ctx, func(r Reader) error {
		found, zeros, legacy = found[:0], zeros[:0], false
		clear(people)
		b, _, err := getOptional[countBase[C]](ctx, r, baseKey, "counts base")
		if err != nil {
			return err
		}
		base = b
		if len(base.Pending) > 0 {
			return nil // a round to finish first
		}
		err = r.Scan(broadcastCounterPrefix(id), func(Key, []byte) error {
			legacy = true
			return ErrStop
		})
		if err != nil {
			return fmt.Errorf("scan counter shards: %w", err)
		}
		return scanJSON(ctx, r, broadcastCountDeltaPrefix(id), false, func(k Key, d countDelta[C]) error {
			_, seq, ok := parseBcPair(k)
			if !ok {
				return nil
			}
			person, err := recipientPerson(r, broadcastRecipientKey(id, seq), whose)
			if err != nil {
				return err
			}
			if person == "" {
				return nil
			}
			people[seq] = person
			if PC(&d.Counts).IsZero() {
				zeros = append(zeros, seq)
			} else {
				found = append(found, pendingShare[C]{Seq: seq, Counts: d.Counts})
			}
			if len(found)+len(zeros) >= limit {
				return ErrStop
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("fold counts of %s: find deltas: %w", id, err)
	}
	if len(base.Pending) == 0 && len(found) == 0 && !legacy {
		return 0, deleteZeroDeltas[C, PC](ctx, db, id, zeros, people)
	}

	// (1) Open the round, or take the one already open; shards of the
	// older layout go into the sum in the same write.
	err = db.Write(ctx, bscope, func(w Writer) error {
		b, _, err := getOptional[countBase[C]](ctx, w, baseKey, "counts base")
		if err != nil {
			return err
		}
		if len(b.Pending) > 0 {
			base = b
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
		if len(found) > 0 {
			b.Gen++
			b.Pending = found
		}
		base = b
		if len(shards) == 0 && len(found) == 0 {
			return nil
		}
		return putJSON(w, baseKey, &b, 0)
	})
	if err != nil {
		return 0, fmt.Errorf("fold counts of %s: open round: %w", id, err)
	}
	if len(base.Pending) == 0 {
		return 0, nil
	}
	gen := base.Gen

	// (2) Take each pending entry out of its delta, once.
	done := map[uint64]bool{}
	for _, p := range base.Pending {
		person, ok := people[p.Seq]
		if !ok {
			err := db.Read(ctx, func(r Reader) error {
				var err error
				person, err = recipientPerson(r, broadcastRecipientKey(id, p.Seq), whose)
				return err
			})
			if err != nil {
				return 0, fmt.Errorf("fold counts of %s: %w", id, err)
			}
			people[p.Seq] = person
		}
		if person == "" {
			continue // erased since: its share stays pending, and counted
		}
		taken := false
		err := db.Write(ctx, UserScope(person), func(w Writer) error {
			taken = false
			// The delta first, then the base: a delta deleted and
			// written anew after this round closed is then never seen
			// with the round still open.
			key := broadcastCountDeltaKey(id, p.Seq)
			d, _, err := getOptional[countDelta[C]](ctx, w, key, "counts")
			if err != nil {
				return err
			}
			b, _, err := getOptional[countBase[C]](ctx, w, baseKey, "counts base")
			if err != nil {
				return err
			}
			if b.Gen != gen || !slices.ContainsFunc(b.Pending, func(q pendingShare[C]) bool { return q.Seq == p.Seq }) {
				return nil // the round closed without it: nothing to take
			}
			taken = true
			if d.Folded >= gen {
				return nil
			}
			PC(&d.Counts).AddTimes(&p.Counts, -1)
			d.Folded = gen
			return putJSON(w, key, &d, 0)
		})
		if err != nil {
			return 0, fmt.Errorf("fold counts of %s: take delta %d: %w", id, p.Seq, err)
		}
		if taken {
			done[p.Seq] = true
		}
	}

	// (3) Move what was taken into the sum and close the round.
	moved := 0
	err = db.Write(ctx, bscope, func(w Writer) error {
		moved = 0
		b, _, err := getOptional[countBase[C]](ctx, w, baseKey, "counts base")
		if err != nil {
			return err
		}
		if b.Gen != gen {
			return nil
		}
		left := b.Pending[:0:0]
		for i := range b.Pending {
			if done[b.Pending[i].Seq] {
				PC(&b.Sum).AddTimes(&b.Pending[i].Counts, 1)
				moved++
				continue
			}
			left = append(left, b.Pending[i])
		}
		if moved == 0 {
			return nil
		}
		b.Pending = left
		return putJSON(w, baseKey, &b, 0)
	})
	if err != nil {
		return 0, fmt.Errorf("fold counts of %s: close round: %w", id, err)
	}

	// (4) Delete the deltas the round left at zero. A crash before
	// leaves them: they add nothing, and a later round deletes them.
	zeros = zeros[:0]
	for seq := range done {
		zeros = append(zeros, seq)
	}
	return moved, deleteZeroDeltas[C, PC](ctx, db, id, zeros, people)
}

// deleteZeroDeltas deletes the deltas of recipients seqs of broadcast
// id (people: their persons) that hold no counts and that no open round
// lists. Deleting a zero changes no sum, and a delta a person writes
// anew afterwards starts from zero, as a missing one does.
func deleteZeroDeltas[C any, PC Counter[C]](ctx context.Context, db Scopes, id string, seqs []uint64, people map[uint64]string) error {
	baseKey := broadcastCountBaseKey(id)
	for _, seq := range seqs {
		err := db.Write(ctx, UserScope(people[seq]), func(w Writer) error {
			// The delta first, then the base, as a round's step (2).
			key := broadcastCountDeltaKey(id, seq)
			d, found, err := getOptional[countDelta[C]](ctx, w, key, "counts")
			if err != nil || !found || !PC(&d.Counts).IsZero() {
				return err
			}
			b, _, err := getOptional[countBase[C]](ctx, w, baseKey, "counts base")
			if err != nil {
				return err
			}
			if slices.ContainsFunc(b.Pending, func(q pendingShare[C]) bool { return q.Seq == seq }) {
				return nil
			}
			return w.Delete(key)
		})
		if err != nil {
			return fmt.Errorf("fold counts of %s: delete delta %d: %w", id, seq, err)
		}
	}
	return nil
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
