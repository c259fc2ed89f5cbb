package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A Scope is what one write transaction may change: the records of one
// user, of one broadcast, or one document. A backend without transactions
// across streams (issue 13: one JetStream stream per user partition, per
// broadcast, per document family) commits a scoped transaction as one
// atomic batch; badger commits it as today, and the writer refuses any
// key the scope does not own, so that code that works on badger also
// works there. Who owns which key is decided by ownerOf in keys.go.
//
// A turn commits in the scope of its user: session, contact, transcript,
// outbox items, media, handoff and the per-user broadcast indexes. What
// a turn changes beyond its user (a broadcast recipient's answer, the
// audit log, FAQ counts) is a second, idempotent write after the commit,
// or it is still written by WriteAny and says so (see the README's "How
// it works" for the table).
type Scope struct {
	kind ScopeKind
	doc  DocKind // ScopeDoc only
	id   string
}

// ScopeKind says what a scope is.
type ScopeKind uint8

// Scope kinds.
const (
	ScopeUser      ScopeKind = iota + 1 // one person, by wa_id
	ScopeBroadcast                      // one broadcast, by id
	ScopeDoc                            // one document (or one document family with no id)
)

// UserScope is the records of one person: what a turn commits.
func UserScope(waID string) Scope { return Scope{kind: ScopeUser, id: waID} }

// BroadcastScope is the records of one broadcast: its spec, recipients,
// the folded base of its counts and progress (each recipient's
// engagement and share of the counts are in the person's scope).
func BroadcastScope(id string) Scope { return Scope{kind: ScopeBroadcast, id: id} }

// DocScope is one document of kind doc, or with an empty id a family of
// documents written as one (the template list, the contact import).
func DocScope(doc DocKind, id string) Scope { return Scope{kind: ScopeDoc, doc: doc, id: id} }

// FAQScope is the FAQ: its versions and the pointer to the live one.
func FAQScope() Scope { return DocScope(DocFAQVersion, "") }

// AuditScope is the append-only audit log, written by its one writer
// only. A change in another scope records its entry as an event of its
// own scope (AppendAuditEvent), which that writer folds in.
func AuditScope() Scope { return DocScope(DocAudit, "") }

// TemplatesScope is the business account's template list and its sync
// record, replaced as a whole by a sync.
func TemplatesScope() Scope { return DocScope(DocTemplate, "") }

// ContactImportScope is the contact import in progress: its staged rows
// and the marker that commits them.
func ContactImportScope() Scope { return DocScope(DocContactImport, "") }

// UnansweredScope is the log of queries the FAQ did not answer: entries
// are appended under numbers drawn in the transaction.
func UnansweredScope() Scope { return DocScope(DocUnanswered, "") }

// RejectedScope is the log of webhook bodies acknowledged but impossible
// to store as events.
func RejectedScope() Scope { return DocScope(DocRejected, "") }

// FAQOverlayScope is the FAQ entries of one incident.
func FAQOverlayScope(incident string) Scope { return DocScope(DocFAQOverlay, incident) }

// UploadedMediaScope is the record of one file uploaded to WhatsApp from
// one phone number.
func UploadedMediaScope(phoneNumberID, sha256 string) Scope {
	return DocScope(DocMediaUpload, phoneNumberID+"/"+sha256)
}

// Kind says what the scope is.
func (s Scope) Kind() ScopeKind { return s.kind }

// String names the scope for errors and logs; a user's wa_id is masked,
// since it is a phone number.
func (s Scope) String() string {
	switch s.kind {
	case ScopeUser:
		return "user " + maskID(s.id)
	case ScopeBroadcast:
		return "broadcast " + s.id
	case ScopeDoc:
		if s.id == "" {
			return "documents " + string(s.doc)
		}
		return "document " + string(s.doc) + "/" + s.id
	}
	return "no scope"
}

// owns reports whether s may write a key owned by o.
func (s Scope) owns(o owner) bool {
	if o.anyOf == nil {
		return s == o.scope
	}
	for _, k := range o.anyOf {
		if s.kind == k.kind && s.doc == k.doc {
			return true
		}
	}
	return false
}

func (s Scope) valid() bool {
	switch s.kind {
	case ScopeUser, ScopeBroadcast:
		return s.id != ""
	case ScopeDoc:
		return s.doc != ""
	}
	return false
}

// ErrOutOfScope is returned by a scoped transaction's Set or Delete of a
// key its scope does not own; the transaction is not committed.
var ErrOutOfScope = errors.New("write out of scope")

// ownerName names the scope that owns the record under key, for errors:
// "no scope" for a key no scope may write, "the writing <kind>" for a
// key written in the scope of whoever it belongs to.
func ownerName(k Key) string {
	o, ok := ownerOf(k)
	switch {
	case !ok:
		return "no scope"
	case o.anyOf != nil:
		names := make([]string, len(o.anyOf))
		for i, k := range o.anyOf {
			names[i] = k.kind.String()
			if k.doc != "" {
				names[i] += " " + string(k.doc)
			}
		}
		return "the writing " + strings.Join(names, " or ")
	}
	return o.scope.String()
}

// String names a scope kind.
func (k ScopeKind) String() string {
	switch k {
	case ScopeUser:
		return "user"
	case ScopeBroadcast:
		return "broadcast"
	case ScopeDoc:
		return "document"
	}
	return "none"
}

// describeKey names a key for an error without its personal data: the
// record kind (for a document, its kind) and its id, masked when the key
// belongs to a person, since that id is a phone number.
func describeKey(k Key) string {
	kind, doc, id := parseKey(k)
	if kind == KindDoc {
		kind = RecordKind("doc " + string(doc))
	}
	if o, ok := ownerOf(k); ok && o.anyOf == nil && o.scope.kind == ScopeUser {
		return string(kind) + " " + maskID(id)
	}
	if q := strconv.Quote(id); q[1:len(q)-1] != id {
		id = q
	}
	return string(kind) + " " + id
}

// maskID keeps the first four and last two characters of an id that may
// be a phone number.
func maskID(id string) string {
	if len(id) <= 6 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-6) + id[len(id)-2:]
}

// scopedWriter is a transaction that writes only what its scope owns.
// It holds the transaction rather than embedding it, so that no method of
// Txn (SetJSON) reaches a key around the check.
type scopedWriter struct {
	t     *Txn
	scope Scope
}

func (w scopedWriter) Get(key Key) ([]byte, error)         { return w.t.Get(key) }
func (w scopedWriter) Has(key Key) (bool, error)           { return w.t.Has(key) }
func (w scopedWriter) NextSeq(name string) (uint64, error) { return w.t.NextSeq(name) }
func (w scopedWriter) Scan(prefix Key, fn func(key Key, value []byte) error) error {
	return w.t.Scan(prefix, fn)
}
func (w scopedWriter) ScanReverse(prefix Key, fn func(key Key, value []byte) error) error {
	return w.t.ScanReverse(prefix, fn)
}
func (w scopedWriter) ScanFrom(prefix, from Key, fn func(key Key, value []byte) error) error {
	return w.t.ScanFrom(prefix, from, fn)
}

func (w scopedWriter) check(op string, key Key) error {
	if o, ok := ownerOf(key); ok && w.scope.owns(o) {
		return nil
	}
	return fmt.Errorf("%w: %s %s in the scope of %s: it belongs to %s",
		ErrOutOfScope, op, describeKey(key), w.scope, ownerName(key))
}

func (w scopedWriter) Set(key Key, value []byte, ttl time.Duration) error {
	if err := w.check("set", key); err != nil {
		return err
	}
	return w.t.Set(key, value, ttl)
}

func (w scopedWriter) Delete(key Key) error {
	if err := w.check("delete", key); err != nil {
		return err
	}
	return w.t.Delete(key)
}

var _ Writer = scopedWriter{}

// Write runs fn in a read-write transaction that may change only what
// scope owns; it reads anything. A Set or Delete of another key fails
// with ErrOutOfScope naming the key and the scope, and nothing is
// committed. Like every write it is retried on conflict (so fn must start
// from what it reads, never from what a failed try left) and durable when
// it returns nil.
func (s *DB) Write(ctx context.Context, scope Scope, fn func(w Writer) error) error {
	if !scope.valid() {
		return fmt.Errorf("write: invalid scope %s", scope)
	}
	if s.db == nil {
		return s.writeBackend(ctx, scope, fn)
	}
	return s.be.Write(ctx, scope, fn)
}

// WriteAny runs fn in a read-write transaction over any keys: the escape
// hatch for a transaction that still spans several scopes. Each caller
// says above the call why it is not yet scoped; such a transaction cannot
// run unchanged on a backend without cross-stream transactions.
func (s *DB) WriteAny(ctx context.Context, fn func(w Writer) error) error {
	if s.db == nil {
		return s.unsupported("a transaction across scopes (WriteAny)")
	}
	return s.write(ctx, func(t *Txn) error { return fn(t) })
}

func (s *DB) write(ctx context.Context, fn func(t *Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	events := false
	err := s.update(func(t *Txn) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := fn(t)
		events = t.auditEvent // of the last try, the one committed
		return err
	})
	if err == nil && events {
		s.auditEventsCommitted(ctx)
	}
	return err
}

// ID is the scope's id: the wa_id of a user, the id of a broadcast or of
// a document ("" for a document family).
func (s Scope) ID() string { return s.id }

// Doc is the document kind of a ScopeDoc ("" for the other kinds).
func (s Scope) Doc() DocKind { return s.doc }

// Valid reports whether the scope names something: a user or broadcast
// with an id, or a document kind.
func (s Scope) Valid() bool { return s.valid() }

// CheckWrite returns nil when a transaction in scope s may Set or Delete
// key (op names the operation for the error), or ErrOutOfScope naming
// the key and its owner: the check every backend's writer makes.
func (s Scope) CheckWrite(op string, key Key) error {
	return scopedWriter{scope: s}.check(op, key)
}

// KeyOwner returns the one scope that owns key. ok is false for a key no
// scope may write and for a key written in the scope of whoever writes
// it (an inbox or outbox record, a recipient's share of the counts):
// such a key belongs to the writing transaction's scope, which a backend
// that keeps records by scope must know from the transaction.
func KeyOwner(key Key) (scope Scope, ok bool) {
	o, ok := ownerOf(key)
	if !ok || o.anyOf != nil {
		return Scope{}, false
	}
	return o.scope, true
}

// IsAuditEventKey reports whether key is a pending audit event's (see
// AppendAuditEvent): a backend's commit that sets one runs the audit
// folder, as badger's does.
func IsAuditEventKey(key Key) bool { return isAuditEventKey(key) }

// IsQueueKey reports whether key is an inbox event's or an outbox item's:
// keyed by a number drawn once (NextSeq), so that it lives in exactly one
// scope, the user's it was written in.
func IsQueueKey(key Key) bool {
	return len(key) > 0 && (key[0] == prefixInbox || key[0] == prefixOutbox) && len(key) == 9
}
