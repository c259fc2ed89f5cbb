package store

import (
	"context"
	"errors"
	"fmt"
)

// Family names a kind of record that a retention sweep rewrites in
// place, without the caller knowing where it is kept.
type Family int

// Families a sweep may rewrite.
const (
	Transcripts  Family = iota + 1 // every message of every conversation (Entry)
	Sessions                       // every conversation state (flows.Session)
	Handoffs                       // the current handoff of every user (handoffs.Handoff)
	PastHandoffs                   // closed handoffs kept when the user asked again (handoffs.Handoff)
)

// What came back from the recipients of broadcasts (their answers) is
// rewritten by RewriteBroadcastEngagements: its key does not name its
// person, whom the recipient record does.

func (f Family) prefix() (Key, error) {
	switch f {
	case Transcripts:
		return transcriptsPrefix(), nil
	case Sessions:
		return sessionPrefix(), nil
	case Handoffs:
		return docPrefix(DocHandoff), nil
	case PastHandoffs:
		return docPrefix(DocHandoffPast), nil
	}
	return nil, fmt.Errorf("record family %d: unknown", int(f))
}

// rewriteChunk bounds the records one rewrite transaction changes: well
// under badger's transaction size limit.
const rewriteChunk = 500

// Rewrite changes in place the records of one family that change says to
// change. change mutates the record it is given and reports whether it
// did; it is called with final false while deciding (possibly more than
// once for one record, on fresh values), and once more with final true
// for each record whose change was committed: only then may it count.
//
// It finds the records in a read pass, then rewrites them in small
// transactions that read each one again, so that an update committed in
// between (a delivery status) is kept, and no transaction grows too big.
// Records that cannot be decoded into R are left alone: they are not the
// sweep's to judge, and their owner reports them.
func Rewrite[R any](ctx context.Context, db *DB, f Family, change func(rec *R, final bool) bool) error {
	prefix, err := f.prefix()
	if err != nil {
		return err
	}
	decide := func(b []byte) (R, bool) {
		var r R
		if jsonUnmarshal(b, &r) != nil {
			return r, false
		}
		return r, change(&r, false)
	}
	var keys []Key
	err = db.Read(ctx, func(r Reader) error {
		return r.Scan(prefix, func(k Key, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, ok := decide(v); ok {
				keys = append(keys, k)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("find records to rewrite: %w", err)
	}
	return rewriteByOwner(ctx, db, keys, KeyOwner, decide, change)
}

// rewriteByOwner rewrites keys in chunks, each chunk one write per owner
// (WriteEach, one sync on badger): a sweep cut short leaves the rest to
// the next, which decides again on what it reads. Each record changes on
// its own: nothing needs two to change together.
func rewriteByOwner[R any](ctx context.Context, db *DB, keys []Key, ownerOf func(Key) (Scope, bool), decide func([]byte) (R, bool), change func(rec *R, final bool) bool) error {
	for len(keys) > 0 {
		part := keys[:min(rewriteChunk, len(keys))]
		keys = keys[len(part):]
		groups, unowned := byOwner(part, ownerOf)
		if len(unowned) > 0 {
			return fmt.Errorf("rewrite records: %s has no one owning scope to write it in", describeKey(unowned[0]))
		}
		changed := make([][][]byte, len(groups))
		writes := make([]ScopedWrite, len(groups))
		for i, g := range groups {
			writes[i] = ScopedWrite{Scope: g.scope, Fn: func(w Writer) error {
				return rewriteKeys(w, g.keys, decide, &changed[i])
			}}
		}
		done, err := db.WriteEach(ctx, writes)
		for i, c := range changed {
			if !done[i] {
				continue
			}
			for _, v := range c {
				var r R
				if jsonUnmarshal(v, &r) == nil {
					change(&r, true)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("rewrite records: %w", err)
		}
	}
	return nil
}

// rewriteKeys rewrites in w those of keys that decide changes, reading
// each again, and sets *changed to their values before the change.
func rewriteKeys[R any](w Writer, keys []Key, decide func([]byte) (R, bool), changed *[][]byte) error {
	*changed = (*changed)[:0] // a retried try starts again
	for _, k := range keys {
		v, err := w.Get(k)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		rec, ok := decide(v)
		if !ok {
			continue
		}
		if err := putJSON(w, k, rec, 0); err != nil {
			return err
		}
		*changed = append(*changed, v)
	}
	return nil
}

// ownerGroup is keys of one owner, in the order first seen.
type ownerGroup struct {
	scope Scope
	keys  []Key
}

// byOwner groups keys by the scope ownerOf says owns each; the keys it
// finds no owner for come back apart.
func byOwner(keys []Key, ownerOf func(Key) (Scope, bool)) (groups []ownerGroup, unowned []Key) {
	at := map[Scope]int{}
	for _, k := range keys {
		s, ok := ownerOf(k)
		if !ok {
			unowned = append(unowned, k)
			continue
		}
		i, seen := at[s]
		if !seen {
			i = len(groups)
			at[s] = i
			groups = append(groups, ownerGroup{scope: s})
		}
		groups[i].keys = append(groups[i].keys, k)
	}
	return groups, unowned
}

// RewriteBroadcastEngagements is Rewrite for what came back about every
// recipient of every broadcast (E: bot/broadcast's Engagement). An
// engagement is kept in the scope of its person, as the person's turn
// wrote it, but its key names only the broadcast and the recipient: the
// person is the one the recipient record names, and whose reads them
// from it (R: bot/broadcast's Recipient). Each engagement is rewritten
// in its person's scope, one write per person, as Rewrite does.
//
// An engagement whose recipient record is gone or names nobody (an
// erasure removed the wa_id, having first dropped the answer's details)
// has no scope to be written in: it is left as it is, and counted in
// unplaced, which the caller reports.
func RewriteBroadcastEngagements[E, R any](ctx context.Context, db *DB, whose func(rec *R) string, change func(e *E, final bool) bool) (unplaced int, err error) {
	decide := func(b []byte) (E, bool) {
		var e E
		if jsonUnmarshal(b, &e) != nil {
			return e, false
		}
		return e, change(&e, false)
	}
	var keys []Key
	owners := map[string]Scope{}
	err = db.Read(ctx, func(r Reader) error {
		return r.Scan(broadcastEngagementsAll(), func(k Key, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, ok := decide(v); !ok {
				return nil
			}
			person, err := recipientPerson(r, k, whose)
			if err != nil {
				return err
			}
			if person == "" {
				unplaced++
				return nil
			}
			keys = append(keys, k)
			owners[string(k)] = UserScope(person)
			return nil
		})
	})
	if err != nil {
		return unplaced, fmt.Errorf("find answers to rewrite: %w", err)
	}
	ownerOf := func(k Key) (Scope, bool) {
		s, ok := owners[string(k)]
		return s, ok
	}
	return unplaced, rewriteByOwner(ctx, db, keys, ownerOf, decide, change)
}

// recipientPerson reads who the recipient record of engagement key k
// names, through whose; "" when the record is gone or names nobody.
func recipientPerson[R any](r Reader, k Key, whose func(rec *R) string) (string, error) {
	id, seq, ok := parseBcPair(k)
	if !ok {
		return "", fmt.Errorf("engagement key %s: malformed", printable(k))
	}
	b, err := r.Get(broadcastRecipientKey(id, seq))
	if notFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load recipient %d of %s: %w", seq, id, err)
	}
	rec := new(R)
	if err := jsonUnmarshal(b, rec); err != nil {
		return "", fmt.Errorf("decode recipient %d of %s: %w", seq, id, err)
	}
	return whose(rec), nil
}
