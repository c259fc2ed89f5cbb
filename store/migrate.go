package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Copying a badger store into another backend (`lifeline migrate`,
// issue 13). Each record is written in the scope that owns it there, the
// scope a scoped write of the product would have written it in: for most
// keys the key says (ownerOf); for a key that does not name its owner
// the value does (an outbox item's user, a sent marker's user, a console
// session's agent, an idempotency key's broadcast, an SMS record's
// person or broadcast), or, when the value is another package's type,
// the caller's Owners does (an inbox event's lane, an answer's person
// through its recipient record, an integration event's scope).
//
// What is not copied, and why:
//   - sequences: the target numbers records its own way (on JetStream
//     one stream sequence serves every name); RaiseSequences then makes
//     it hand out only numbers above every number the source handed out;
//   - dedupe markers of inbound ids (KindSeen): neither key nor value
//     says whose they are, so no scope on the target would find them;
//     they only catch Meta delivering again, within minutes, an event
//     the stopped server had already accepted;
//   - expired records (a TTL passed): badger no longer returns them.

// Owners names the owner of records whose value is another package's
// type, which the store does not read.
type Owners struct {
	// Inbox is the lane (the user scope's id) of an inbox event or a dead
	// letter, both the engine's inbox item.
	Inbox func(raw []byte) (string, error)
	// Recipient is the person a broadcast recipient record names ("" for
	// nobody): the owner of that recipient's engagement.
	Recipient func(raw []byte) (string, error)
	// Event is the scope of an undelivered integration event.
	Event func(raw []byte) (Scope, error)
}

// unownedAnswers is the user scope an answer to a broadcast is written in
// when its recipient record names nobody any more (an erasure removed the
// wa_id after forgetting the answer's details): no person's turn will
// write it again, and reads of no scope find it there.
const unownedAnswers = "_erased"

// CopyPlan is a badger store's records grouped by the scope each is
// written in on the target, in the order they are copied.
type CopyPlan struct {
	// Scopes is every scope that holds a record, in the order copied:
	// documents, then broadcasts, then users, each by id.
	Scopes []Scope
	keys   map[Scope][]Key
	// Counts is the records to copy, by kind (KindLabel).
	Counts map[string]int
	// Left is the records not copied, by kind, and Why says why for
	// each such kind.
	Left map[string]int
	Why  map[string]string
	// Fingerprint is a hash of every record that has no TTL: two plans
	// of a store nothing has written to in between have the same.
	Fingerprint string
	// MaxSequence is the highest number a sequence of the source may
	// have handed out.
	MaxSequence uint64
	// Unplaced is the records left because no owner could be read from
	// them (damaged, or of a shape no writer makes): a copy that leaves
	// any is not complete.
	Unplaced int
}

// Keys is how many records scope s holds in the plan.
func (p *CopyPlan) Keys(s Scope) int { return len(p.keys[s]) }

// KindLabel names a record's kind in a count: its RecordKind, or for a
// document "doc <kind>".
func KindLabel(r Record) string {
	if r.Kind == KindDoc {
		return "doc " + string(r.Doc)
	}
	return string(r.Kind)
}

func keyLabel(k Key) string {
	kind, doc, _ := parseKey(k)
	return KindLabel(Record{Kind: kind, Doc: doc})
}

// PlanCopy reads the whole of src, a badger store, and decides the scope
// of every record. It keeps the keys only, not the values, which CopyScope
// reads again.
func PlanCopy(ctx context.Context, src *DB, owners Owners) (*CopyPlan, error) {
	if src.db == nil {
		return nil, fmt.Errorf("plan copy: the source must be a badger store, not %s", src.backendName)
	}
	p := &CopyPlan{keys: map[Scope][]Key{}, Counts: map[string]int{}, Left: map[string]int{}, Why: map[string]string{}}
	leave := func(k Key, why string) {
		l := keyLabel(k)
		p.Left[l]++
		p.Why[l] = why
	}
	add := func(s Scope, k Key) {
		p.keys[s] = append(p.keys[s], k)
		p.Counts[keyLabel(k)]++
	}
	h := sha256.New()
	var answers []Key // placed once every recipient record is read
	err := src.db.View(func(t *badger.Txn) error {
		it := t.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			item := it.Item()
			k := Key(item.KeyCopy(nil))
			v, err := item.ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read %s: %w", describeKey(k), err)
			}
			if item.ExpiresAt() == 0 {
				binary.Write(h, binary.BigEndian, uint32(len(k)))
				h.Write(k)
				binary.Write(h, binary.BigEndian, uint32(len(v)))
				h.Write(v)
			}
			kind, doc, _ := parseKey(k)
			switch {
			case kind == KindSequence:
				if len(v) == 8 {
					p.MaxSequence = max(p.MaxSequence, binary.BigEndian.Uint64(v))
				}
				leave(k, "numbered anew on the target, above every number the source handed out")
				continue
			case kind == KindSeen:
				leave(k, "dedupe markers name nobody; they only catch a redelivery within minutes")
				continue
			case kind == KindBroadcastEngagement, kind == KindBroadcastCountDelta:
				// Kept in the scope of the person the recipient record
				// names, as the person's turn wrote them.
				answers = append(answers, k)
				continue
			}
			s, err := recordScope(k, kind, doc, v, owners)
			if err != nil || !s.valid() {
				// Damaged, or of a shape no writer makes: not the
				// copy's to guess; the rest is copied and this counted.
				leave(k, "no owner could be read from the record")
				p.Unplaced++
				continue
			}
			add(s, k)
		}
		for _, k := range answers {
			person, err := answerPerson(t, k, owners)
			if err != nil {
				leave(k, "no owner could be read from its recipient record")
				p.Unplaced++
				continue
			}
			if person == "" {
				person = unownedAnswers
			}
			add(UserScope(person), k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan copy: %w", err)
	}
	p.Fingerprint = hex.EncodeToString(h.Sum(nil))
	for s := range p.keys {
		p.Scopes = append(p.Scopes, s)
	}
	sort.Slice(p.Scopes, func(i, j int) bool { return scopeLess(p.Scopes[i], p.Scopes[j]) })
	return p, nil
}

// scopeLess orders documents first (the FAQ, agents and tokens are what
// a server needs first), then broadcasts, then users.
func scopeLess(a, b Scope) bool {
	rank := func(s Scope) int {
		switch s.kind {
		case ScopeDoc:
			return 0
		case ScopeBroadcast:
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	if a.doc != b.doc {
		return a.doc < b.doc
	}
	return a.id < b.id
}

// recordScope is the scope record k with value v is written in; the zero
// Scope when the record names no owner it can be written in.
func recordScope(k Key, kind RecordKind, doc DocKind, v []byte, owners Owners) (Scope, error) {
	if s, ok := KeyOwner(k); ok {
		return s, nil
	}
	if _, ok := ownerOf(k); !ok {
		return Scope{}, nil
	}
	decode := func(into any) error {
		if err := jsonUnmarshal(v, into); err != nil {
			return fmt.Errorf("decode %s to find its owner: %w", describeKey(k), err)
		}
		return nil
	}
	lane := func() (Scope, error) {
		if owners.Inbox == nil {
			return Scope{}, nil
		}
		u, err := owners.Inbox(v)
		if err != nil {
			return Scope{}, fmt.Errorf("%s: %w", describeKey(k), err)
		}
		return UserScope(u), nil
	}
	switch {
	case kind == KindInbox, kind == KindDoc && doc == DocDeadLetter:
		return lane()
	case kind == KindOutbox:
		var it OutboxItem
		if err := decode(&it); err != nil {
			return Scope{}, err
		}
		return UserScope(it.User), nil
	case kind == KindSent:
		var ref SentRef
		if err := decode(&ref); err != nil {
			return Scope{}, err
		}
		return UserScope(ref.User), nil
	case kind == KindBroadcastEvent:
		if owners.Event == nil {
			return Scope{}, nil
		}
		s, err := owners.Event(v)
		if err != nil {
			return Scope{}, fmt.Errorf("%s: %w", describeKey(k), err)
		}
		return s, nil
	case kind == KindBroadcastIdem:
		return BroadcastScope(string(v)), nil
	case kind == KindDoc && doc == DocSMSMessage:
		// Where the SMS status callback looks for it (admin/sms.go).
		var m SMSMessage
		if err := decode(&m); err != nil {
			return Scope{}, err
		}
		if m.User != "" {
			return UserScope(m.User), nil
		}
		return BroadcastScope(m.Broadcast), nil
	case kind == KindDoc && doc == DocAgentSession:
		var s AgentSession
		if err := decode(&s); err != nil {
			return Scope{}, err
		}
		return DocScope(DocAgent, s.Agent), nil
	}
	return Scope{}, nil
}

// answerPerson is the person the recipient record of engagement (or
// count delta) key k names, "" when none does.
func answerPerson(t *badger.Txn, k Key, owners Owners) (string, error) {
	id, seq, ok := parseBcPair(k)
	if kind, _, _ := parseKey(k); kind == KindBroadcastCountDelta {
		id, _, seq, ok = parseCountDelta(k)
	}
	if !ok || owners.Recipient == nil {
		return "", nil
	}
	item, err := t.Get(broadcastRecipientKey(id, seq))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read recipient %d of %s: %w", seq, id, err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return "", fmt.Errorf("read recipient %d of %s: %w", seq, id, err)
	}
	person, err := owners.Recipient(v)
	if err != nil {
		return "", fmt.Errorf("recipient %d of %s: %w", seq, id, err)
	}
	return person, nil
}

// copyWrite bounds the records of one write on the target, below what a
// JetStream atomic batch takes (1,000 messages).
const copyWrite = 500

// topPrefixes are the first bytes of every key kind a scope can hold:
// what a scan of one scope's records on the target walks.
var topPrefixes = []byte{prefixInbox, prefixSeen, prefixSession, prefixContact, prefixOutbox, prefixTranscript, prefixSent, prefixDoc, prefixBroadcast}

// CopyScope writes the records plan holds for scope from src into dst,
// in writes of the scope of at most copyWrite records each, with what is
// left of each record's TTL. Writing the same records again changes
// nothing, so a copy cut short is completed by copying the scope again.
// With sync, records of the scope on dst that src no longer holds are
// deleted too: the source was written to since an earlier copy.
// It returns how many records it wrote.
func CopyScope(ctx context.Context, src, dst *DB, plan *CopyPlan, scope Scope, sync bool) (int, error) {
	if dst.db != nil {
		return 0, errors.New("copy: the target is a badger store: use backup and restore")
	}
	type rec struct {
		key     Key
		value   []byte
		expires uint64
	}
	var recs []rec
	err := src.db.View(func(t *badger.Txn) error {
		for _, k := range plan.keys[scope] {
			item, err := t.Get(k)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue // expired since the plan
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", describeKey(k), err)
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read %s: %w", describeKey(k), err)
			}
			recs = append(recs, rec{k, v, item.ExpiresAt()})
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("copy %s: %w", scope, err)
	}
	var stale []Key
	if sync {
		have := map[string]bool{}
		for _, r := range recs {
			have[string(r.key)] = true
		}
		err := dst.ReadIn(ctx, scope, func(r Reader) error {
			for _, p := range topPrefixes {
				err := r.Scan(Key{p}, func(k Key, _ []byte) error {
					if !have[string(k)] && scope.CheckWrite("delete", k) == nil {
						stale = append(stale, k)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("copy %s: list what the target holds: %w", scope, err)
		}
	}
	for len(recs) > 0 || len(stale) > 0 {
		part := recs[:min(copyWrite, len(recs))]
		recs = recs[len(part):]
		del := stale[:min(copyWrite-len(part), len(stale))]
		stale = stale[len(del):]
		now := time.Now()
		err := dst.Write(ctx, scope, func(w Writer) error {
			for _, r := range part {
				var ttl time.Duration
				if r.expires > 0 {
					if ttl = time.Unix(int64(r.expires), 0).Sub(now); ttl <= 0 {
						continue
					}
				}
				if err := w.Set(r.key, r.value, ttl); err != nil {
					return err
				}
			}
			return deleteKeys(w, del)
		})
		if err != nil {
			return 0, fmt.Errorf("copy %s: %w", scope, err)
		}
	}
	return plan.Keys(scope), nil
}

// CountRecords counts the records r shows, by kind (KindLabel), leaving
// out the migration's own marker: what a verification compares between a
// source and its copy.
func CountRecords(ctx context.Context, r Reader) (map[string]int, error) {
	counts := map[string]int{}
	err := EachRecord(ctx, r, func(rec Record) error {
		if rec.Kind == KindDoc && rec.Doc == DocMigration {
			return nil
		}
		counts[KindLabel(rec)]++
		return nil
	})
	return counts, err
}

// RaiseSequences draws numbers on dst until it hands out numbers above
// above: afterwards no sequence of dst hands out a number the source had
// handed out (which keys its records: inbox, outbox, transcript, audit,
// broadcasts, ...). A backend with one counter for every name (JetStream's
// stream sequence) is raised by any name's draws, which raiseWorkers
// make side by side (each is a round trip); each name is then drawn from
// until it is above too, which a backend with a counter per name needs.
// A backend that numbers some sequences by scope (sequenceFloor) is told
// above first. It returns the number of draws.
func RaiseSequences(ctx context.Context, dst *DB, above uint64, names []string) (int, error) {
	if f, ok := dst.be.(sequenceFloor); ok {
		if err := f.RaiseSequenceFloor(ctx, above); err != nil {
			return 0, fmt.Errorf("raise sequences above %d: %w", above, err)
		}
	}
	var draws atomic.Int64
	draw := func(name string) (bool, error) {
		n, err := dst.NextSeq(name)
		if err != nil {
			return false, fmt.Errorf("raise sequence %s: %w", name, err)
		}
		draws.Add(1)
		return n > above, nil
	}
	var (
		done atomic.Bool
		wg   sync.WaitGroup
		errs = make([]error, raiseWorkers)
	)
	for i := range raiseWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					return
				}
				over, err := draw("migrate")
				if err != nil {
					errs[i] = err
					done.Store(true)
					return
				}
				if over {
					done.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return int(draws.Load()), err
	}
	for _, name := range names {
		for {
			if err := ctx.Err(); err != nil {
				return int(draws.Load()), err
			}
			over, err := draw(name)
			if err != nil {
				return int(draws.Load()), err
			}
			if over {
				break
			}
		}
	}
	return int(draws.Load()), nil
}

// raiseWorkers draw side by side while RaiseSequences raises a counter.
const raiseWorkers = 8

// SequenceNames are the sequences the store's records are numbered from.
func SequenceNames() []string {
	names := []string{seqInbox, seqOutbox, seqTranscript, auditEventSeq, broadcastSeq, broadcastEventSeq,
		incidentSeq, placeSeq, correctionSeq, cannedReplySeq, "contactimport"}
	slices.Sort(names)
	return names
}

// Deployment identity and migration marker.

// deploymentKey holds the id of the deployment a store belongs to:
// drawn once, copied with the store's records, so that a copy can tell
// its source's records from another deployment's.
var deploymentKey = docKey(DocDeployment, "")

// DeploymentID returns the store's deployment id, drawing and storing a
// new one when it has none and create is true ("" when it has none and
// create is false).
func DeploymentID(ctx context.Context, db *DB, create bool) (string, error) {
	var id string
	err := db.Read(ctx, func(r Reader) error {
		v, err := r.Get(deploymentKey)
		if err == nil {
			id = string(v)
		}
		if notFound(err) {
			return nil
		}
		return err
	})
	if err != nil || id != "" || !create {
		if err != nil {
			err = fmt.Errorf("read deployment id: %w", err)
		}
		return id, err
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("draw deployment id: %w", err)
	}
	err = db.Write(ctx, DocScope(DocDeployment, ""), func(w Writer) error {
		v, err := w.Get(deploymentKey)
		if err == nil {
			id = string(v) // drawn meanwhile
			return nil
		}
		if !notFound(err) {
			return err
		}
		id = hex.EncodeToString(b)
		return w.Set(deploymentKey, []byte(id), 0)
	})
	if err != nil {
		return "", fmt.Errorf("store deployment id: %w", err)
	}
	return id, nil
}

// Migration is the marker a copy keeps on its target: which source, what
// the source held when the copy began, and how far it got.
type Migration struct {
	Source      string `json:"source"`      // the source's deployment id
	Fingerprint string `json:"fingerprint"` // CopyPlan.Fingerprint of the plan being copied
	Scopes      int    `json:"scopes"`      // of the plan
	Done        int    `json:"done"`        // the first Done scopes of the plan are copied
	Complete    bool   `json:"complete"`    // copied, sequences raised and counts checked
	// Sync: each scope copied replaces what the target holds of it (the
	// target held other records); a resumed copy goes on doing so.
	Sync      bool      `json:"sync,omitempty"`
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

var migrationKey = docKey(DocMigration, "")

// GetMigration loads the migration marker; found is false when none.
func GetMigration(ctx context.Context, db *DB) (m Migration, found bool, err error) {
	err = db.Read(ctx, func(r Reader) error {
		m, found, err = getOptional[Migration](ctx, r, migrationKey, "migration")
		return err
	})
	return m, found, err
}

// PutMigration stores the migration marker.
func PutMigration(ctx context.Context, db *DB, m Migration) error {
	err := db.Write(ctx, DocScope(DocMigration, ""), func(w Writer) error { return putJSON(w, migrationKey, m, 0) })
	if err != nil {
		return fmt.Errorf("save migration marker: %w", err)
	}
	return nil
}

// HasRecordsBesides reports whether r holds any record other than the
// migration marker: a target that is not empty. It stops at the first.
func HasRecordsBesides(ctx context.Context, r Reader) (bool, error) {
	found := false
	for _, p := range topPrefixes {
		err := r.Scan(Key{p}, func(k Key, _ []byte) error {
			if bytes.Equal(k, migrationKey) {
				return nil
			}
			found = true
			return ErrStop
		})
		if err != nil {
			return false, fmt.Errorf("look for records: %w", err)
		}
		if found {
			return true, ctx.Err()
		}
	}
	return false, ctx.Err()
}
