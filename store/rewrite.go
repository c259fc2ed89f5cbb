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
	Transcripts          Family = iota + 1 // every message of every conversation (Entry)
	Sessions                               // every conversation state (flows.Session)
	Handoffs                               // the current handoff of every user (handoffs.Handoff)
	PastHandoffs                           // closed handoffs kept when the user asked again (handoffs.Handoff)
	BroadcastEngagements                   // what came back about every recipient of every broadcast (broadcast.Engagement)
)

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
	case BroadcastEngagements:
		return broadcastEngagementsAll(), nil
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
	for len(keys) > 0 {
		part := keys[:min(rewriteChunk, len(keys))]
		keys = keys[len(part):]
		// Each record changes on its own (nothing needs two to change
		// together), so a chunk is one write per owner (WriteEach, one
		// sync): a sweep cut short leaves the rest to the next, which
		// decides again on what it reads.
		groups := byOwner(part)
		changed := make([][][]byte, len(groups))
		writes := make([]ScopedWrite, 0, len(groups))
		var unowned []Key
		for i, g := range groups {
			if !g.scope.valid() {
				unowned = g.keys
				continue
			}
			writes = append(writes, ScopedWrite{Scope: g.scope, Fn: func(w Writer) error {
				return rewriteKeys(w, g.keys, decide, &changed[i])
			}})
		}
		done, err := db.WriteEach(ctx, writes)
		if err == nil && unowned != nil {
			// An answer to a broadcast (the BroadcastEngagements family)
			// is written in the scope of its person, whom its key does
			// not name (see ownerOf): until it does, these are rewritten
			// in one transaction over any keys.
			err = db.WriteAny(ctx, func(w Writer) error { return rewriteKeys(w, unowned, decide, &changed[len(groups)-1]) })
			done = append(done, err == nil)
		}
		for i, c := range changed {
			if i >= len(done) || !done[i] {
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
	scope Scope // zero: the keys do not name their owner
	keys  []Key
}

// byOwner groups keys by the scope that owns each (KeyOwner), the keys
// that name no owner in one group last.
func byOwner(keys []Key) []ownerGroup {
	var groups []ownerGroup
	at := map[Scope]int{}
	var unowned []Key
	for _, k := range keys {
		s, ok := KeyOwner(k)
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
	if unowned != nil {
		groups = append(groups, ownerGroup{keys: unowned})
	}
	return groups
}
