package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Audit events: how an audit entry stays atomic with the change it
// records without a transaction across scopes.
//
// The change's scoped transaction writes the entry as an event record of
// its own scope (AppendAuditEvent), so the entry exists exactly when the
// change does. The audit log's one writer (package admin/audit) then moves
// each pending event into the log (FoldAuditEvents): it appends the entry
// under the event's own sequence number, in the log's scope, only when no
// entry has that number yet, and then deletes the event in the event's
// scope. A crash between the two leaves the event and its entry; the next
// fold finds the entry, appends nothing and deletes the event, so every
// event becomes exactly one entry. The fold runs after every commit that
// wrote an event (SetAuditFolder) and at start, for what a crash left.
//
// Event and entry share the sequence "audit" (the number is drawn in the
// change's transaction), so the log lists an entry where its change
// happened, and ListAudit shows a pending event as the entry it will
// become: the log reads complete even before a fold.

// auditEventSeq is the sequence audit entries and events are numbered
// from: one sequence, so that an event keeps its number as an entry.
const auditEventSeq = "audit"

// auditEventKey is event seq of scope: <scope>/<seq, 20 digits>, so that a
// scope's events list in the order they were written.
func auditEventKey(s Scope, seq uint64) Key {
	return docKey(DocAuditEvent, fmt.Sprintf("%s/%020d", encodeScope(s), seq))
}

// encodeScope writes a scope as the first part of an event id: u/<wa_id>,
// b/<broadcast id> or d/<document kind>/<id>.
func encodeScope(s Scope) string {
	switch s.kind {
	case ScopeUser:
		return "u/" + s.id
	case ScopeBroadcast:
		return "b/" + s.id
	case ScopeDoc:
		return "d/" + string(s.doc) + "/" + s.id
	}
	return "?/"
}

// decodeScope reads what encodeScope wrote.
func decodeScope(v string) (Scope, bool) {
	kind, rest, ok := strings.Cut(v, "/")
	if !ok {
		return Scope{}, false
	}
	var s Scope
	switch kind {
	case "u":
		s = UserScope(rest)
	case "b":
		s = BroadcastScope(rest)
	case "d":
		doc, id, ok := strings.Cut(rest, "/")
		if !ok {
			return Scope{}, false
		}
		s = DocScope(DocKind(doc), id)
	default:
		return Scope{}, false
	}
	return s, s.valid()
}

// parseAuditEventID reads the scope and number of an event id.
func parseAuditEventID(id string) (Scope, uint64, bool) {
	i := strings.LastIndexByte(id, '/')
	if i < 0 || len(id)-i-1 != 20 {
		return Scope{}, 0, false
	}
	seq, err := strconv.ParseUint(id[i+1:], 10, 64)
	if err != nil {
		return Scope{}, 0, false
	}
	s, ok := decodeScope(id[:i])
	return s, seq, ok
}

// auditEventOwner is the scope named in an event's id: the scope whose
// change the event records, the only one that may write or delete it.
func auditEventOwner(id string) (owner, bool) {
	s, _, ok := parseAuditEventID(id)
	if !ok {
		return owner{}, false
	}
	return owner{scope: s}, true
}

// AppendAuditEvent records e as a pending audit entry of scope, in w's
// transaction: the entry exists exactly when the change it records does,
// and w's scope must be scope (a scoped writer refuses any other). It
// fills in Seq, the number the entry keeps in the log, and returns the
// entry as it will be listed. e must name its action, actor and time.
func AppendAuditEvent(ctx context.Context, w Writer, scope Scope, e AuditEntry) (AuditEntry, error) {
	if err := checkAuditEntry(ctx, e); err != nil {
		return AuditEntry{}, err
	}
	if !scope.valid() {
		return AuditEntry{}, fmt.Errorf("append audit %s: invalid scope %s", e.Action, scope)
	}
	seq, err := w.NextSeq(auditEventSeq)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	e.Seq = seq
	if err := putJSON(w, auditEventKey(scope, seq), e, 0); err != nil {
		return AuditEntry{}, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	return e, nil
}

// AuditEvent is a pending audit entry and the scope that wrote it.
type AuditEvent struct {
	Scope Scope
	Entry AuditEntry
}

// PendingAuditEvents returns the events not yet folded into the log, in
// the order of their numbers (so each scope's in the order written).
func PendingAuditEvents(ctx context.Context, r Reader) ([]AuditEvent, error) {
	var out []AuditEvent
	err := r.Scan(docPrefix(DocAuditEvent), func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, _, id := parseKey(k)
		s, _, ok := parseAuditEventID(id)
		if !ok {
			return fmt.Errorf("audit event %s: malformed id", printable(k))
		}
		e, err := decodeAudit(k, b)
		if err != nil {
			return err
		}
		out = append(out, AuditEvent{Scope: s, Entry: e})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list pending audit events: %w", err)
	}
	slices.SortStableFunc(out, func(a, b AuditEvent) int {
		switch {
		case a.Entry.Seq < b.Entry.Seq:
			return -1
		case a.Entry.Seq > b.Entry.Seq:
			return 1
		}
		return 0
	})
	return out, nil
}

// FoldAuditEvents moves every pending event into the audit log and
// returns how many entries it appended. Each event is appended in the
// log's scope under its own number unless an entry with that number is
// already there (a fold interrupted after the append), then deleted in
// its own scope: repeated or interrupted, a fold never appends an event
// twice. It stops at the first failure; what is left stays pending,
// listed by ListAudit, for the next fold.
//
// Only the audit log's writer calls it (admin/audit), serialized; two
// folds at once still append each event once, since the append reads the
// entry's key and a concurrent append of it conflicts.
func FoldAuditEvents(ctx context.Context, db *DB) (int, error) {
	var evs []AuditEvent
	err := db.Read(ctx, func(r Reader) (err error) {
		evs, err = PendingAuditEvents(ctx, r)
		return err
	})
	if err != nil {
		return 0, err
	}
	appended := 0
	for _, ev := range evs {
		added := false
		err := db.Write(ctx, AuditScope(), func(w Writer) error {
			added = false
			k := auditKey(ev.Entry.Seq)
			if has, err := w.Has(k); err != nil || has {
				return err
			}
			added = true
			return putJSON(w, k, ev.Entry, 0)
		})
		if err != nil {
			return appended, fmt.Errorf("fold audit event %d (%s): %w", ev.Entry.Seq, ev.Entry.Action, err)
		}
		if added {
			appended++
		}
		err = db.Write(ctx, ev.Scope, func(w Writer) error { return w.Delete(auditEventKey(ev.Scope, ev.Entry.Seq)) })
		if err != nil {
			return appended, fmt.Errorf("delete folded audit event %d (%s): %w", ev.Entry.Seq, ev.Entry.Action, err)
		}
	}
	return appended, nil
}

// SetAuditFolder makes fold run after every commit that wrote an audit
// event, in the committing goroutine, before Write returns: the audit
// log's writer registers its fold here, so an entry is in the log when
// the request that made the change answers. fold gets a context that is
// not cancelled with the request's. nil stops it. A fold that fails
// leaves events pending: they are listed all the same, and the next fold
// (after the next commit, or at start) moves them.
func (s *DB) SetAuditFolder(fold func(ctx context.Context)) { s.be.SetAuditFolder(fold) }

// auditEventsCommitted runs the registered fold after a commit that wrote
// an audit event.
func (s *DB) auditEventsCommitted(ctx context.Context) {
	if f := s.auditFolder.Load(); f != nil {
		(*f)(context.WithoutCancel(ctx))
	}
}

// isAuditEventKey reports whether a transaction's Set writes an audit
// event, so that its commit wakes the folder.
func isAuditEventKey(k Key) bool { return hasPrefix(k, auditEventPrefix) }

var auditEventPrefix = docPrefix(DocAuditEvent)

func hasPrefix(k, p Key) bool { return bytes.HasPrefix(k, p) }
