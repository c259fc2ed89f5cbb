// Package jsstore is the store's JetStream backend (issue 13): scoped
// transactions over the RECORDS stream, so that the typed operations of
// package store, written against store.Reader and store.Writer, run on
// several machines. It serves every scope: users, broadcasts and
// documents.
//
// Layout. A record of a scope is one message on a subject under the
// scope, the newest value only (the stream keeps one message per
// subject): rec.<k>.<p>.<id>, k = u (user), b (broadcast) or d
// (document), p = hash(id) mod P, then the key as one token per byte in
// hex. Keys hold any byte, subjects do not, and a token per byte lets a
// scan of any key prefix be a subject filter. Every scope's base has the
// same four tokens, so that a scan across scopes (every contact, every
// pending audit event) is the same filter with the scope tokens as
// wildcards, rec.*.*.*.<prefix>: the stream's own subject index answers
// it, and no second index has to be kept in step with the records (a KV
// index would be a second write outside the batch, or a second message
// in it for every record). A delete is a message with the tombstone
// header, since an atomic batch can only publish.
//
// Transactions. Write takes a fence S for the scope's last sequence (the
// newest message on any subject of the scope: see Store.fence), runs fn
// with writes buffered and reads of the scope served by a replica that
// has applied at least S, and commits the buffer as one atomic batch
// whose first message expects the scope's last sequence to be exactly S.
// A commit that loses (another writer changed the scope, or S was an
// estimate below or above the truth) runs fn again from what it reads
// then. A first try may read before it takes S, and takes S only if it
// has something to commit (see settleFence). Reads of records outside the scope are served by the leader but
// not fenced: no transaction spans two scopes here.
//
// A replica may lag: a transaction that fenced on the leader's S and read
// a record from a replica that had not applied S would pass the fence with
// a stale value (a lost update, seen with three instances), so a replica's
// answer counts only once it has applied the fence. Reads outside a write
// go to the leader, except ReadNear's, whose caller checks what it read.
package jsstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"

	"lifeline/cluster"
	"lifeline/store"
)

const (
	// hdrOp marks a tombstone: the record under the subject is deleted.
	hdrOp = "Lifeline-Op"
	opDel = "del"
	// tombstoneTTL is how long a tombstone stays: the value it deleted is
	// gone already (one message per subject), so it only has to outlast
	// any transaction that read the scope before the delete, whose
	// commit must still see the scope changed.
	tombstoneTTL = "24h"
	// shortTombstoneTTL is the tombstone's life in a batch that ends with
	// a message that stays (the anchor or the scope's marker, see commit:
	// every batch does): the scope's last sequence is then that message's
	// or newer whether the tombstone is there or not, so the fence does
	// not need it. Only a key that lives
	// in one scope gets it (store.KeyOwner, store.IsQueueKey); for the
	// others the newest message across scopes decides, and a tombstone
	// must hide an older copy elsewhere. Short tombstones keep a scan of
	// the inbox or the outbox (a partition's takeover, its rescan) to the
	// pending records and the last seconds' deletes, not a day's.
	shortTombstoneTTL = "10s"

	// MaxBatch is JetStream's limit on the messages of one atomic batch:
	// a transaction may set or delete at most this many records.
	MaxBatch = 1000
	// maxTries bounds how often a transaction runs after conflicts.
	maxTries = 100
	// metaPartitions is where cluster.Ensure records P in the stream.
	metaPartitions = "lifeline.partitions"

	// JetStream error codes a commit can answer with.
	errWrongLastSeq      = 10071 // the scope changed since the transaction read it
	errWrongLastSeqConst = 10164 // another batch on the scope is in flight
	errIncompleteBatch   = 10176 // a message of the batch did not arrive
	errTooManyInflight   = 10210 // the stream's in-flight batch limit
	errNoMessage         = 10037 // no message matches a get

	// directTries is how often a scan asks the nearest replica before it
	// reads from the leader instead: a replica that has not applied the
	// scope's last write yet is asked again after a moment.
	directTries = 3
)

// ErrConflict is returned by Write after maxTries commits lost to other
// writers of the same scope.
var ErrConflict = errors.New("scoped transaction: too many conflicts")

// ErrUnsupportedScope: the scope names nothing (a user or broadcast
// without an id, a document without a kind).
var ErrUnsupportedScope = errors.New("jetstream store: invalid scope")

// anyScope matches the base of every scope: the first tokens of a filter
// across scopes.
const anyScope = "rec.*.*.*"

// Store runs scoped transactions on the RECORDS stream. It is a
// store.Backend: store.OpenBackend runs a store.DB over it.
type Store struct {
	nc         *nats.Conn
	partitions uint32
	msgGet     string // the leader's message get subject
	directGet  string // any replica's direct get subject
	direct     bool   // the stream allows direct gets
	replies    replyMux
	fences     fenceCache
	reqs       reqCounts
	// floor bounds from below the numbers drawn from a batch (see
	// numbers.go): read at Open, raised by RaiseSequenceFloor.
	floor atomic.Uint64
	// block is the numbers reserved for writes in empty scopes.
	block block

	// auditFolder runs after a commit that wrote an audit event (see
	// SetAuditFolder).
	auditFolder atomic.Pointer[func(ctx context.Context)]
}

var _ store.Backend = (*Store)(nil)

// SetAuditFolder makes fold run after every commit that wrote an audit
// event, before Write returns, as store.DB.SetAuditFolder does for
// badger: the event was committed in the change's own batch, and the
// audit log's writer moves it into the log. nil stops it.
func (s *Store) SetAuditFolder(fold func(ctx context.Context)) {
	if fold == nil {
		s.auditFolder.Store(nil)
		return
	}
	s.auditFolder.Store(&fold)
}

// Open binds to the RECORDS stream that cluster.Ensure created.
func Open(ctx context.Context, node *cluster.Node) (*Store, error) {
	st, err := node.JetStream().Stream(ctx, cluster.StreamRecords)
	if err != nil {
		return nil, fmt.Errorf("open jetstream store: stream %s: %w", cluster.StreamRecords, err)
	}
	cfg := st.CachedInfo().Config
	if cfg.MaxMsgsPerSubject != 1 || !cfg.AllowAtomicPublish || !cfg.AllowMsgTTL {
		return nil, fmt.Errorf("open jetstream store: stream %s must keep one message per subject and allow atomic publish and message TTLs", cluster.StreamRecords)
	}
	p, err := strconv.Atoi(cfg.Metadata[metaPartitions])
	if err != nil || p < 1 {
		return nil, fmt.Errorf("open jetstream store: stream %s records no partition count (%q)", cluster.StreamRecords, cfg.Metadata[metaPartitions])
	}
	s := &Store{nc: node.Conn(), partitions: uint32(p), msgGet: "$JS.API.STREAM.MSG.GET." + cluster.StreamRecords,
		directGet: "$JS.API.DIRECT.GET." + cluster.StreamRecords, direct: cfg.AllowDirect}
	if err := s.placeBeacon(ctx); err != nil {
		return nil, fmt.Errorf("open jetstream store: %w", err)
	}
	floor, _, err := s.readFloor(ctx)
	if err != nil {
		return nil, fmt.Errorf("open jetstream store: %w", err)
	}
	s.floor.Store(floor)
	return s, nil
}

// placeBeacon writes the beacon unless it is there: a publish that
// expects the subject empty, so that instances starting together write
// it once, and a store created by an older build gets it at the first
// start of this one.
func (s *Store) placeBeacon(ctx context.Context) error {
	m := nats.NewMsg(beacon)
	m.Header.Set("Nats-Expected-Last-Subject-Sequence", "0")
	rctx, cancel := request(ctx)
	defer cancel()
	resp, err := s.nc.RequestMsgWithContext(rctx, m)
	if err != nil {
		return fmt.Errorf("write the beacon: %w", unanswered(ctx, err))
	}
	var ack pubAck
	if err := json.Unmarshal(resp.Data, &ack); err != nil {
		return fmt.Errorf("write the beacon: answer %q: %w", resp.Data, err)
	}
	if e := ack.Error; e != nil && e.ErrCode != errWrongLastSeq {
		return fmt.Errorf("write the beacon: %w", apiFailure(e))
	}
	return nil
}

// base is the subject prefix of a scope's records: four tokens,
// rec.<k>.<p>.<id>. A document's id is its kind and id joined by '/'
// (no kind holds one), so a family of documents with no id and each of
// its documents have bases of their own.
func (s *Store) base(scope store.Scope) (string, error) {
	if !scope.Valid() {
		return "", fmt.Errorf("%w: %s", ErrUnsupportedScope, scope)
	}
	var k, id string
	switch scope.Kind() {
	case store.ScopeUser:
		k, id = "u", scope.ID()
	case store.ScopeBroadcast:
		k, id = "b", scope.ID()
	case store.ScopeDoc:
		k, id = "d", string(scope.Doc())+"/"+scope.ID()
	default:
		return "", fmt.Errorf("%w: %s", ErrUnsupportedScope, scope)
	}
	return "rec." + k + "." + strconv.Itoa(cluster.PartitionOf(id, int(s.partitions))) + "." + idToken(id), nil
}

// idToken is a scope id as one subject token: a wa_id (digits) as it is,
// anything else in hex after a '~', which no wa_id starts with.
func idToken(id string) string {
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return "~" + hex.EncodeToString([]byte(id))
		}
	}
	return id
}

// keyTokens writes key as one hex token per byte, dot-separated.
func keyTokens(b *strings.Builder, key []byte) {
	const digits = "0123456789abcdef"
	for i, c := range key {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
}

func subjectOf(base string, key store.Key) string {
	var b strings.Builder
	b.Grow(len(base) + 3*len(key))
	b.WriteString(base)
	b.WriteByte('.')
	keyTokens(&b, key)
	return b.String()
}

// keyOf reads the key back from a record's subject: the tokens after the
// scope's four.
func keyOf(subject string) (store.Key, error) {
	rest := subject
	for range 4 {
		i := strings.IndexByte(rest, '.')
		if i < 0 {
			return nil, fmt.Errorf("subject %q is not a record's", subject)
		}
		rest = rest[i+1:]
	}
	key, err := hex.DecodeString(strings.ReplaceAll(rest, ".", ""))
	if err != nil || len(rest) != 3*len(key)-1 {
		return nil, fmt.Errorf("subject %q: not a key: %v", subject, err)
	}
	return key, nil
}

// Write runs fn in a read-write transaction that may change only what
// scope owns, committed as one atomic batch fenced by the scope's last
// sequence; on conflict fn runs again. See store.DB.Write.
func (s *Store) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	_, err := s.write(ctx, scope, fn)
	return err
}

// WriteMarked is Write, and returns the commit's mark (see mark.go):
// empty when the write committed nothing (store.DB.WriteMark).
func (s *Store) WriteMarked(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) (store.Mark, error) {
	done, err := s.write(ctx, scope, fn)
	if err != nil {
		return "", err
	}
	return markOf(done), nil
}

// write is Write, and returns the sequence the commit was given with the
// size of its batch (zero when it committed nothing).
func (s *Store) write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) (fenceAt, error) {
	base, err := s.base(scope)
	if err != nil {
		return fenceAt{}, fmt.Errorf("write: %w", err)
	}
	var lost error
	// told is the scope's last sequence as the leader's refusal of the
	// previous try gave it, 0 when it gave none; known is a fence the
	// previous try fetched, whose reads came before it (see lazy).
	var told uint64
	var known *fenceAt
	for try := 0; try < maxTries; try++ {
		if err := ctx.Err(); err != nil {
			return fenceAt{}, err
		}
		t := &txn{s: s, ctx: ctx, scope: scope, base: base, writes: map[string]pending{}, fenced: true, readFrom: noReadYet}
		switch {
		case known != nil:
			t.fence, t.fenceBatch, known = known.seq, known.batch, nil
		case try == 0 && s.direct && !s.ownFresh(base):
			t.lazy = true
		default:
			last, err := s.fence(ctx, base, try, told)
			if err != nil {
				return fenceAt{}, fmt.Errorf("write in %s: %w", scope, err)
			}
			t.fence, t.fenceBatch = last.seq, last.batch
		}
		if err := fn(t); err != nil {
			return fenceAt{}, err
		}
		if len(t.order) == 0 && !t.numbered {
			return fenceAt{}, nil
		}
		if err := t.settleFence(); err != nil {
			return fenceAt{}, fmt.Errorf("write in %s: %w", scope, err)
		}
		if t.readFrom < t.fence {
			// A read of the try, made before the fence was known, came
			// from a copy that had not applied it: run again on it.
			s.reqs.add(reqReread, 1)
			known = &fenceAt{seq: t.fence, batch: t.fenceBatch}
			lost = fmt.Errorf("%w: read at %d, below the fence %d", errRetry, t.readFrom, t.fence)
			continue
		}
		done, err := s.commit(ctx, t, t.fence)
		var wrong *wrongLast
		if errors.As(err, &wrong) {
			told = wrong.last
			s.fences.put(base, fenceAt{seq: wrong.last}, time.Now())
		} else {
			told = 0
		}
		if errors.Is(err, errRetry) {
			lost = err
			if wrong != nil {
				// The refusal named the scope's last sequence: the next
				// try fences on it at once, as it would on the leader's
				// answer to a request for it.
				continue
			}
			if err := backoff(ctx, try); err != nil {
				return fenceAt{}, err
			}
			continue
		}
		if err != nil {
			return fenceAt{}, fmt.Errorf("commit in %s: %w", scope, err)
		}
		s.fences.put(base, done, time.Now())
		if t.auditEvent() {
			if f := s.auditFolder.Load(); f != nil {
				(*f)(context.WithoutCancel(ctx))
			}
		}
		return done, nil
	}
	return fenceAt{}, fmt.Errorf("write in %s: %w after %d tries: %v", scope, ErrConflict, maxTries, lost)
}

// backoff waits a random time below 1ms << try (at most 64ms) before
// try+1: on three nodes a batch refused because another one on the scope
// is still in flight would otherwise be retried into the same window,
// and one writer could lose every try to the others.
func backoff(ctx context.Context, try int) error {
	d := time.Duration(rand.Int64N(int64(time.Millisecond) << min(try, 6)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ReadIn runs fn in a read-only transaction whose scans look at scope.
func (s *Store) ReadIn(ctx context.Context, scope store.Scope, fn func(r store.Reader) error) error {
	return s.readScope(ctx, scope, false, fn)
}

// readScope runs fn in a read-only transaction of scope; near: served by
// the nearest replica whatever it has applied (a fence of 0).
func (s *Store) readScope(ctx context.Context, scope store.Scope, near bool, fn func(r store.Reader) error) error {
	base, err := s.base(scope)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn(&txn{s: s, ctx: ctx, scope: scope, base: base, readOnly: true, fenced: near && s.direct})
}

// ReadNear runs fn in a read-only transaction of scope served by the
// nearest replica without waiting for it to catch up (see
// store.DB.ReadNear): a get or scan of the scope's records costs one
// request to the instance's own node instead of one to the stream leader.
func (s *Store) ReadNear(ctx context.Context, scope store.Scope, fn func(r store.Reader) error) error {
	return s.readScope(ctx, scope, true, fn)
}

// Read runs fn in a read-only transaction of no scope: a Get finds a key
// wherever its record is kept and a scan walks every scope's records
// under the prefix (see store.DB.Read). Nothing is fenced: it is what a
// listing across users or an inspection reads.
func (s *Store) Read(ctx context.Context, fn func(r store.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn(&txn{s: s, ctx: ctx, readOnly: true})
}

// fence is the scope's last sequence a try of a write expects its commit
// to find (see Write). Any value is safe: the commit is refused unless
// the scope's last sequence is exactly the fence, and the reads of the
// try are served only by a replica that has applied at least that far
// (getNear, gather), so a fence below the truth costs a refused commit,
// never a lost update, and the refusal names the true value (told),
// which the next try uses. The first try estimates it without asking the
// leader: the larger of the sequence this instance's own last commit in
// the scope was given and the scope's last sequence on the nearest
// replica (a direct get, answered by the instance's own node, which has
// applied what the leader acknowledged a moment ago). A try after a
// refusal that named no sequence (another batch in flight) asks the
// leader, as every try did before.
//
// When this instance committed in the scope (or was told its last
// sequence) less than ownFenceFor ago, the first try takes that without
// asking at all: the scope's writes come mostly from one instance in
// quick succession (a turn, then its sends' outcomes, on the partition's
// owner), and another instance's write in between costs one refused
// commit, as any wrong fence does.
//
// It comes with the size of the batch the fence's message ends when the
// answer gave it (the message's hdrBatch, or this instance's own commit),
// for the numbers a try draws (see numbers.go).
func (s *Store) fence(ctx context.Context, base string, try int, told uint64) (fenceAt, error) {
	switch {
	case told > 0:
		return fenceAt{seq: told}, nil
	case try > 0 || !s.direct:
		return s.leaderFence(ctx, base)
	}
	if own, ok := s.fences.fresh(base, time.Now().Add(-ownFenceFor)); ok {
		return own, nil
	}
	near, ok, err := s.nearLast(ctx, base+".>")
	if err != nil {
		return fenceAt{}, err
	}
	if !ok {
		return s.leaderFence(ctx, base)
	}
	if own, ok := s.fences.get(base); ok && own.seq > near.seq {
		return own, nil
	}
	return near, nil
}

// ownFresh reports whether this instance committed in the scope behind
// base (or was told its last sequence) less than ownFenceFor ago: a first
// try then fences on that at once (see fence).
func (s *Store) ownFresh(base string) bool {
	_, ok := s.fences.fresh(base, time.Now().Add(-ownFenceFor))
	return ok
}

// leaderFence is the scope's last sequence as the leader answers it.
func (s *Store) leaderFence(ctx context.Context, base string) (fenceAt, error) {
	s.reqs.add(reqFenceLeader, 1)
	m, err := s.get(ctx, msgGet{LastFor: base + ".>"})
	if err != nil {
		return fenceAt{}, fmt.Errorf("last sequence of %s: %w", base+".>", err)
	}
	if m == nil {
		return fenceAt{}, nil
	}
	batch, err := m.batch()
	if err != nil {
		return fenceAt{}, err
	}
	return fenceAt{seq: m.Sequence, batch: batch}, nil
}

// nearLast is the sequence of the newest message matching filter on the
// nearest replica (0 when it holds none), which may lag the leader, with
// the size of the batch it ends. ok is false when no replica answered so:
// the caller asks the leader.
func (s *Store) nearLast(ctx context.Context, filter string) (fenceAt, bool, error) {
	body, err := json.Marshal(msgGet{LastFor: filter})
	if err != nil {
		return fenceAt{}, false, err
	}
	s.reqs.add(reqFenceNear, 1)
	rctx, cancel := context.WithTimeout(ctx, directTimeout)
	defer cancel()
	resp, err := s.nc.RequestWithContext(rctx, s.directGet, body)
	if err != nil {
		if ctx.Err() != nil {
			return fenceAt{}, false, ctx.Err()
		}
		return fenceAt{}, false, nil
	}
	switch resp.Header.Get("Status") {
	case "":
	case "404":
		return fenceAt{}, true, nil
	default:
		return fenceAt{}, false, nil
	}
	seq, err := strconv.ParseUint(resp.Header.Get("Nats-Sequence"), 10, 64)
	if err != nil {
		return fenceAt{}, false, nil
	}
	return fenceAt{seq: seq, batch: batchOf(resp.Header)}, true, nil
}

// lastSeq is the sequence of the newest message matching filter, 0 when
// there is none.
func (s *Store) lastSeq(ctx context.Context, filter string) (uint64, error) {
	m, err := s.get(ctx, msgGet{LastFor: filter})
	if err != nil {
		return 0, fmt.Errorf("last sequence of %s: %w", filter, err)
	}
	if m == nil {
		return 0, nil
	}
	return m.Sequence, nil
}

type msgGet struct {
	Seq     uint64 `json:"seq,omitempty"`
	LastFor string `json:"last_by_subj,omitempty"`
	NextFor string `json:"next_by_subj,omitempty"`
}

type storedMsg struct {
	Subject  string `json:"subject"`
	Sequence uint64 `json:"seq"`
	Header   []byte `json:"hdrs,omitempty"`
	Data     []byte `json:"data,omitempty"`

	// direct: the message came from a direct get, whose headers arrive
	// decoded; tomb says whether it is a tombstone.
	direct, tomb bool
}

// deleted reports whether m is a tombstone.
func (m *storedMsg) deleted() (bool, error) {
	if m.direct {
		return m.tomb, nil
	}
	if len(m.Header) == 0 {
		return false, nil
	}
	h, err := nats.DecodeHeadersMsg(m.Header)
	if err != nil {
		return false, fmt.Errorf("message %d: headers: %w", m.Sequence, err)
	}
	return h.Get(hdrOp) == opDel, nil
}

// get asks the stream leader for one message; nil when none matches.
func (s *Store) get(ctx context.Context, req msgGet) (*storedMsg, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	rctx, cancel := request(ctx)
	defer cancel()
	resp, err := s.nc.RequestWithContext(rctx, s.msgGet, body)
	if err != nil {
		return nil, unanswered(ctx, err)
	}
	var r struct {
		Error   *apiError  `json:"error"`
		Message *storedMsg `json:"message"`
	}
	if err := json.Unmarshal(resp.Data, &r); err != nil {
		return nil, fmt.Errorf("answer %q: %w", resp.Data, err)
	}
	if r.Error != nil {
		if r.Error.ErrCode == errNoMessage {
			return nil, nil
		}
		return nil, apiFailure(r.Error)
	}
	if r.Message == nil {
		return nil, fmt.Errorf("answer %q without a message", resp.Data)
	}
	return r.Message, nil
}

// errRetry: the commit lost or did not land; run the transaction again.
var errRetry = errors.New("commit lost")

type apiError struct {
	Code        int    `json:"code"`
	ErrCode     int    `json:"err_code"`
	Description string `json:"description"`
}

type pubAck struct {
	Error    *apiError `json:"error"`
	Sequence uint64    `json:"seq"`
	Count    int       `json:"count"`
}

// commit publishes t's writes as one atomic batch. The first message
// carries the fence: the newest message of the scope must still be last.
// A batch of one message is published on its own, fenced the same way:
// one message is atomic already, and JetStream stages a batch of an R1
// stream in a file it syncs, which costs a disk flush per commit.
//
// The batch ends with its anchor when it has one: a record set with no
// TTL, which stays until a later commit replaces it. With the anchor last
// the scope's last sequence cannot fall back below this commit when the
// batch's tombstones expire, so those may be short (shortTombstoneTTL).
//
// A batch without an anchor (only deletes and records with a TTL, or
// nothing but numbers drawn) ends with the scope's marker instead, a
// message that stays as an anchor does, replaced only by the next
// marker: then no commit's end ever leaves the scope, not even when a
// later tombstone of its anchor expires, and the scope's last sequence
// only grows, which the numbers drawn from its batches rely on (see
// numbers.go). The last message carries hdrBatch, the batch's size.
func (s *Store) commit(ctx context.Context, t *txn, last uint64) (fenceAt, error) {
	n := len(t.order)
	order := t.order
	anchor := -1
	for i := n - 1; i >= 0; i-- {
		if w := t.writes[order[i]]; !w.del && w.ttl == 0 {
			anchor = i
			break
		}
	}
	if anchor >= 0 && anchor != n-1 {
		order = append(slices.Clone(order[:anchor]), order[anchor+1:]...)
		order = append(order, t.order[anchor])
	}
	mark := anchor < 0
	if mark {
		n++
	}
	if n > MaxBatch {
		return fenceAt{}, fmt.Errorf("%d records in one transaction: at most %d", n, MaxBatch)
	}
	id := nuid.Next()
	for i := range n {
		var w pending
		var m *nats.Msg
		if i < len(order) {
			w = t.writes[order[i]]
			m = nats.NewMsg(subjectOf(t.base, store.Key(order[i])))
		} else {
			m = nats.NewMsg(t.base + "." + markToken)
		}
		m.Data = w.value
		if n > 1 {
			m.Header.Set("Nats-Batch-Id", id)
			m.Header.Set("Nats-Batch-Sequence", strconv.Itoa(i+1))
		}
		if i == 0 {
			m.Header.Set("Nats-Expected-Last-Subject-Sequence", strconv.FormatUint(last, 10))
			m.Header.Set("Nats-Expected-Last-Subject-Sequence-Subject", t.base+".>")
		}
		if w.del {
			m.Header.Set(hdrOp, opDel)
			ttl := tombstoneTTL
			if key := store.Key(order[i]); store.IsQueueKey(key) || keyHasOwner(key) {
				ttl = shortTombstoneTTL
			}
			m.Header.Set("Nats-TTL", ttl)
		} else if w.ttl > 0 {
			// JetStream counts a TTL in whole seconds, at least one.
			m.Header.Set("Nats-TTL", strconv.FormatInt(int64(max(time.Second, w.ttl+time.Second-1)/time.Second), 10))
		}
		if i < n-1 {
			s.reqs.add(reqCommitMsg, 1)
			if err := s.nc.PublishMsg(m); err != nil {
				return fenceAt{}, fmt.Errorf("publish batch message %d of %d: %w", i+1, n, err)
			}
			continue
		}
		s.reqs.add(reqCommit, 1)
		m.Header.Set(hdrBatch, strconv.Itoa(n))
		if n > 1 {
			m.Header.Set("Nats-Batch-Commit", "1")
		}
		rctx, cancel := request(ctx)
		resp, err := s.nc.RequestMsgWithContext(rctx, m)
		cancel()
		if err != nil {
			return fenceAt{}, fmt.Errorf("commit batch of %d: %w", n, unanswered(ctx, err))
		}
		var ack pubAck
		if err := json.Unmarshal(resp.Data, &ack); err != nil {
			return fenceAt{}, fmt.Errorf("commit batch of %d: answer %q: %w", n, resp.Data, err)
		}
		if e := ack.Error; e != nil {
			switch e.ErrCode {
			case errWrongLastSeq:
				s.reqs.add(reqRefused, 1)
				if seq, ok := wrongLastOf(e.Description); ok {
					return fenceAt{}, &wrongLast{last: seq, desc: e.Description}
				}
				return fenceAt{}, fmt.Errorf("%w: %s", errRetry, e.Description)
			case errWrongLastSeqConst, errIncompleteBatch, errTooManyInflight:
				s.reqs.add(reqRefused, 1)
				return fenceAt{}, fmt.Errorf("%w: %s", errRetry, e.Description)
			}
			return fenceAt{}, fmt.Errorf("commit batch of %d: %w", n, apiFailure(e))
		}
		if n > 1 && ack.Count != n || n == 1 && ack.Sequence == 0 {
			return fenceAt{}, fmt.Errorf("commit batch of %d: the stream stored %d", n, ack.Count)
		}
		return fenceAt{seq: ack.Sequence, batch: uint64(n)}, nil
	}
	return fenceAt{}, errors.New("commit of no records")
}

// wrongLast is a commit refused because the scope's last sequence was
// not the fence; last is the one the leader found. It is errRetry.
type wrongLast struct {
	last uint64
	desc string
}

func (e *wrongLast) Error() string        { return errRetry.Error() + ": " + e.desc }
func (e *wrongLast) Is(target error) bool { return target == errRetry }

// wrongLastOf reads the sequence out of JetStream's "wrong last
// sequence: N" (error 10071).
func wrongLastOf(desc string) (uint64, bool) {
	i := strings.LastIndexByte(desc, ' ')
	seq, err := strconv.ParseUint(desc[i+1:], 10, 64)
	return seq, err == nil
}

// fenceCache remembers, per scope, the sequence this instance's last
// commit there was given (after it, the scope's last sequence unless
// another writer came since or a record expired) with the size of its
// batch, or the last sequence a refused commit was told, and when. It
// is bounded: forgetting costs nothing but an estimate.
type fenceCache struct {
	mu   sync.Mutex
	seqs map[string]cachedFence
}

type cachedFence struct {
	f  fenceAt
	at time.Time
}

// maxFences bounds the scopes a fenceCache remembers.
const maxFences = 1 << 16

// ownFenceFor is how long a write takes this instance's own last commit
// in its scope as the fence without asking a replica (see Store.fence):
// longer than a turn's sends take to be recorded after it, shorter than
// a person's next message usually comes.
const ownFenceFor = time.Second

func (c *fenceCache) get(base string) (fenceAt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.seqs[base]
	return e.f, ok
}

// fresh is the fence remembered for base if it was put after since.
func (c *fenceCache) fresh(base string, since time.Time) (fenceAt, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.seqs[base]
	return e.f, ok && e.at.After(since)
}

func (c *fenceCache) put(base string, f fenceAt, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(base, f, at)
}

func (c *fenceCache) putLocked(base string, f fenceAt, at time.Time) {
	if c.seqs == nil || len(c.seqs) >= maxFences {
		c.seqs = make(map[string]cachedFence)
	}
	c.seqs[base] = cachedFence{f, at}
}

// keyHasOwner reports whether key names the one scope it lives in.
func keyHasOwner(key store.Key) bool {
	_, ok := store.KeyOwner(key)
	return ok
}

// NextSeq draws the next number of the named sequence: the stream
// sequence of a message on the sequence's own subject. Stream sequences
// are never 0, never reused and grow in the order publishes are
// acknowledged, on every node and after any restart, which is the
// contract of store.Writer.NextSeq; the stream keeps only the newest
// message of the subject.
func (s *Store) NextSeq(ctx context.Context, name string) (uint64, error) {
	subj := seqPrefix + hex.EncodeToString([]byte(name))
	if name == "" {
		return 0, errors.New("next sequence: no name")
	}
	m := nats.NewMsg(subj)
	s.reqs.add(reqNumber, 1)
	rctx, cancel := request(ctx)
	defer cancel()
	resp, err := s.nc.RequestMsgWithContext(rctx, m)
	if err != nil {
		return 0, fmt.Errorf("next %s: %w", name, err)
	}
	var ack pubAck
	if err := json.Unmarshal(resp.Data, &ack); err != nil {
		return 0, fmt.Errorf("next %s: answer %q: %w", name, resp.Data, err)
	}
	if ack.Error != nil {
		return 0, fmt.Errorf("next %s: %s (code %d)", name, ack.Error.Description, ack.Error.ErrCode)
	}
	return ack.Sequence, nil
}

type pending struct {
	value []byte
	ttl   time.Duration
	del   bool
}

// txn is one scoped transaction: reads go to the stream, writes wait in
// the buffer for the commit.
type txn struct {
	s        *Store
	ctx      context.Context
	scope    store.Scope // zero in a read of no scope (Read)
	base     string      // "" in a read of no scope
	readOnly bool
	writes   map[string]pending
	order    []string // keys in the order first written: the batch order

	// fence is the scope's last sequence as the leader answered it: in a
	// write the one its commit expects, in a read of a scope (or a
	// partition) asked at its first scan. A replica's answer to a scan
	// is used only once the replica has applied that far.
	fence  uint64
	fenced bool
	// lazy: a write's first try that reads before it knows its fence
	// (see settleFence); readFrom is the lowest stream sequence a read of
	// the scope was served at while the fence was not known (0 for one
	// the leader served), noReadYet when none was.
	lazy     bool
	readFrom uint64
	// fenceBatch is the size of the batch the fence's message ends, 0
	// when not known yet; pool is what the try draws from it, numbered
	// whether it drew a number of a sequence numbered by scope (see
	// numbers.go).
	fenceBatch uint64
	pool       pool
	numbered   bool

	// got holds the records Prefetch fetched, by key (noRecord: none),
	// and scanned the records it found under each prefix it was given,
	// by prefix: what the try's reads of them give.
	got     map[string]*storedMsg
	scanned map[string]map[string][]byte
}

// noReadYet is txn.readFrom before a read.
const noReadYet = math.MaxUint64

// A write's fence after its reads. A write's first try without a fence
// of this instance's own fresh commit (see Store.fence) reads first, from
// the nearest replica as it stands, and asks for the fence only when it
// has something to commit (or a number to draw): a write that finds
// nothing to change (a status already recorded) then costs no request
// for a fence. The reads are as good as reads made after the fence when
// the replica had applied the fence when it served them: then they saw
// the scope at the fence or later, and the commit, refused unless the
// scope's last sequence is still the fence, makes it exactly the fence.
// So the try commits only if every read of its scope came from a replica
// at or past the fence (readFrom); a read the leader served, or one at an
// earlier sequence, runs the try again with the fence known.

// readAt records that a read of the scope was served at stream sequence
// upTo (0: by the leader) while the try did not know its fence yet.
func (t *txn) readAt(upTo uint64) {
	if t.lazy {
		t.readFrom = min(t.readFrom, upTo)
	}
}

// settleFence fetches a lazy try's fence, as Store.fence estimates a
// first try's (the nearest replica's last sequence of the scope, or this
// instance's own commit's when later).
func (t *txn) settleFence() error {
	if !t.lazy {
		return nil
	}
	f, err := t.s.fence(t.ctx, t.base, 0, 0)
	if err != nil {
		return err
	}
	t.fence, t.fenceBatch, t.lazy = f.seq, f.batch, false
	return nil
}

// floor is the fence, asked of the leader if the transaction has none yet.
func (t *txn) floor() (uint64, error) {
	if !t.fenced {
		t.s.reqs.add(reqFenceLeader, 1)
		last, err := t.s.lastSeq(t.ctx, t.base+".>")
		if err != nil {
			return 0, err
		}
		t.fence, t.fenced = last, true
	}
	return t.fence, nil
}

var _ store.Writer = (*txn)(nil)

// auditEvent reports whether the transaction sets an audit event, so
// that its commit wakes the audit log's folder.
func (t *txn) auditEvent() bool {
	for k, w := range t.writes {
		if !w.del && store.IsAuditEventKey(store.Key(k)) {
			return true
		}
	}
	return false
}

// locate is the subject prefix a key's record lives under: its owner's
// scope; this transaction's for a key kept in the writer's scope that
// this scope may write; else any scope (anyScope), for a key kept by
// whoever wrote it read from a transaction that does not write it.
func (t *txn) locate(key store.Key) (string, error) {
	if owner, ok := store.KeyOwner(key); ok {
		if owner == t.scope {
			return t.base, nil
		}
		return t.s.base(owner)
	}
	if t.base != "" && t.scope.CheckWrite("read", key) == nil {
		return t.base, nil
	}
	return anyScope, nil
}

func (t *txn) Get(key store.Key) ([]byte, error) {
	if w, ok := t.writes[string(key)]; ok {
		if w.del {
			return nil, store.ErrNotFound
		}
		return bytes.Clone(w.value), nil
	}
	m, fetched := t.got[string(key)]
	if !fetched {
		var err error
		if m, err = t.getOne(key); err != nil {
			return nil, err
		}
	}
	if m == nil || m == noRecord {
		return nil, store.ErrNotFound
	}
	if del, err := m.deleted(); err != nil || del {
		if err == nil {
			err = store.ErrNotFound
		}
		return nil, err
	}
	if m.Data == nil {
		return []byte{}, nil
	}
	if fetched {
		// Kept for the next read: the caller gets its own copy.
		return bytes.Clone(m.Data), nil
	}
	return m.Data, nil
}

// getOne reads the stored message of key: from the nearest replica when
// getNear may, else from the leader; nil or noRecord when there is none.
func (t *txn) getOne(key store.Key) (*storedMsg, error) {
	base, err := t.locate(key)
	if err != nil {
		return nil, err
	}
	subject := subjectOf(base, key)
	m, err := t.getNear(base, subject)
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	if m == nil {
		t.s.reqs.add(reqGetLeader, 1)
		m, err = t.s.get(t.ctx, msgGet{LastFor: subject})
		if base == t.base {
			t.readAt(0)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	return m, nil
}

var _ store.Prefetcher = (*txn)(nil)

// Prefetch fetches the records of keys and those under prefixes, the ones
// kept in this transaction's own scope, with one multi-subject direct get
// (see store.Prefetcher), once the transaction knows the scope's last
// sequence (a write, a ReadNear; a ReadIn asks the leader for it first,
// as its first scan would). The answer counts only if the replica had
// applied that sequence (multiLast), as each of getNear's and gather's
// does, and it is one snapshot of the replica: reading the records from
// it is reading them from the replica one by one, in one round trip
// instead of one each. Anything else is read as before.
func (t *txn) Prefetch(keys, prefixes []store.Key) {
	if t.base == "" || !t.s.direct {
		return
	}
	if _, err := t.floor(); err != nil {
		return
	}
	var filters []string
	named := map[string]string{} // subject → key
	for _, k := range keys {
		if _, ok := t.writes[string(k)]; ok || len(k) == 0 {
			continue
		}
		if base, err := t.locate(k); err != nil || base != t.base {
			continue
		}
		subject := subjectOf(t.base, k)
		if _, ok := named[subject]; !ok {
			named[subject] = string(k)
			filters = append(filters, subject)
		}
	}
	exact := map[string]string{} // subject of the prefix → prefix
	for _, p := range prefixes {
		if len(p) == 0 {
			continue
		}
		subject := subjectOf(t.base, p)
		exact[subject] = string(p)
		filters = append(filters, subject, subject+".>")
	}
	if len(filters) == 0 {
		return
	}
	msgs, upTo, ok, err := t.s.multiLast(t.ctx, reqPrefetch, append(filters, beacon), t.fence, directTries)
	if err != nil || !ok {
		return
	}
	t.readAt(upTo)
	got := make(map[string]*storedMsg, len(named))
	for _, k := range named {
		got[k] = noRecord
	}
	scanned := make(map[string]map[string][]byte, len(exact))
	for _, p := range exact {
		scanned[p] = map[string][]byte{}
	}
	for _, m := range msgs {
		if k, ok := named[m.Subject]; ok {
			got[k] = m
		}
		if m.tomb || strings.HasPrefix(m.Subject, seqPrefix) {
			continue
		}
		for subject, p := range exact {
			if m.Subject != subject && !strings.HasPrefix(m.Subject, subject+".") {
				continue
			}
			key, err := keyOf(m.Subject)
			if err != nil {
				return // read as before, which says what is wrong
			}
			scanned[p][string(key)] = m.Data
		}
	}
	t.got, t.scanned = got, scanned
}

// beacon is a subject that always holds one message (Open writes it
// once): a direct get asks it along with the records it reads, so that
// the answer always carries a message and ends with the replica's
// sequence, even when none of the records is there. It is under
// seqPrefix, whose scans skip it, and no sequence's subject is named so
// (those are hex). A single subject: asking the sequences' subjects
// instead added one message per sequence to every answer.
const beacon = seqPrefix + "beacon"

// seqPrefix begins every sequence's subject.
const seqPrefix = "rec.seq."

// noRecord is getNear's answer for a subject that holds no message.
var noRecord = &storedMsg{}

// getNear reads subject, a record of this transaction's own scope, from
// the nearest replica when the transaction knows the scope's last
// sequence (a write, or a read after its first scan; a ReadNear with 0):
// the replica's answer counts only once it has applied that far (see
// multiLast). The beacon is asked along with it so that the answer always
// holds a message and ends with the replica's sequence, even when the
// record is not there. nil: ask the leader. A lagging replica is asked
// once only: the leader answers one record in one request, which costs no
// more than asking the replica again, and does not wait for it.
func (t *txn) getNear(base, subject string) (*storedMsg, error) {
	if base != t.base || !t.fenced || t.base == "" {
		return nil, nil
	}
	msgs, upTo, ok, err := t.s.multiLast(t.ctx, reqGetNear, []string{subject, beacon}, t.fence, 1)
	if err != nil || !ok {
		return nil, err
	}
	t.readAt(upTo)
	for _, m := range msgs {
		if m.Subject == subject {
			return m, nil
		}
	}
	return noRecord, nil
}

func (t *txn) Has(key store.Key) (bool, error) {
	_, err := t.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (t *txn) write(op string, key store.Key, p pending) error {
	if t.readOnly {
		return fmt.Errorf("%s %q in a read-only transaction", op, key)
	}
	if err := t.scope.CheckWrite(op, key); err != nil {
		return err
	}
	if len(key) == 0 {
		return fmt.Errorf("%s: empty key", op)
	}
	k := string(key)
	if _, ok := t.writes[k]; !ok {
		t.order = append(t.order, k)
	}
	t.writes[k] = p
	return nil
}

func (t *txn) Set(key store.Key, value []byte, ttl time.Duration) error {
	return t.write("set", key, pending{value: bytes.Clone(value), ttl: ttl})
}

func (t *txn) Delete(key store.Key) error { return t.write("delete", key, pending{del: true}) }

func (t *txn) Scan(prefix store.Key, fn func(key store.Key, value []byte) error) error {
	return t.scan(prefix, nil, false, fn)
}

func (t *txn) ScanReverse(prefix store.Key, fn func(key store.Key, value []byte) error) error {
	return t.scan(prefix, nil, true, fn)
}

func (t *txn) ScanFrom(prefix, from store.Key, fn func(key store.Key, value []byte) error) error {
	return t.scan(prefix, from, false, fn)
}

type record struct {
	key   store.Key
	value []byte
}

// scan walks the records under prefix of this transaction's scope (of
// every scope in a read of no scope), the stored ones merged with the
// buffer, in key order. JetStream orders messages by sequence, not
// subject, so the scan gathers the prefix first: a scan costs the size
// of what the prefix holds in the scope.
func (t *txn) scan(prefix, from store.Key, reverse bool, fn func(key store.Key, value []byte) error) error {
	found := map[string][]byte{}
	if t.base == "" {
		if err := t.s.gatherAll(t.ctx, prefix, found); err != nil {
			return err
		}
	} else {
		if len(prefix) == 0 {
			return fmt.Errorf("scan in %s: empty prefix", t.scope)
		}
		if recs, ok := t.scanned[string(prefix)]; ok {
			maps.Copy(found, recs)
		} else {
			floor, err := t.floor()
			if err != nil {
				return fmt.Errorf("scan %q: %w", prefix, err)
			}
			upTo, err := t.s.gather(t.ctx, t.base, prefix, floor, found)
			if err != nil {
				return err
			}
			t.readAt(upTo)
		}
	}
	for k, w := range t.writes {
		if !strings.HasPrefix(k, string(prefix)) {
			continue
		}
		if w.del {
			delete(found, k)
		} else {
			found[k] = w.value
		}
	}
	recs := make([]record, 0, len(found))
	for k, v := range found {
		if from != nil && k < string(from) {
			continue
		}
		recs = append(recs, record{store.Key(k), v})
	}
	slices.SortFunc(recs, func(a, b record) int { return bytes.Compare(a.key, b.key) })
	if reverse {
		slices.Reverse(recs)
	}
	for _, r := range recs {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		if err := fn(bytes.Clone(r.key), bytes.Clone(r.value)); err != nil {
			if errors.Is(err, store.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// gather adds to found every stored record under base whose key begins
// with prefix. Each subject holds one message, so every message is a
// live record or a tombstone. It asks the nearest replica for them all
// at once (multiLast), if that replica has applied the scope up to
// floor; else (or when the prefix holds more than a direct get answers)
// it reads from the leader: the key equal to the prefix by one get, the
// longer ones one message at a time over the prefix's subject filter, in
// stream order, a round trip per record.
func (s *Store) gather(ctx context.Context, base string, prefix store.Key, floor uint64, found map[string][]byte) (upTo uint64, err error) {
	exact := subjectOf(base, prefix)
	// The beacon is asked along (as getNear does), so that
	// the answer of a prefix that holds nothing, the common case of a
	// pending queue, still carries the replica's sequence and need not
	// be asked of the leader record by record.
	msgs, upTo, ok, err := s.multiLast(ctx, reqScanNear, []string{exact, exact + ".>", beacon}, floor, directTries)
	if err != nil {
		return 0, fmt.Errorf("scan %q: %w", prefix, err)
	}
	if ok {
		for _, m := range msgs {
			if m.tomb || strings.HasPrefix(m.Subject, seqPrefix) {
				continue
			}
			key, err := keyOf(m.Subject)
			if err != nil {
				return 0, fmt.Errorf("scan %q: %w", prefix, err)
			}
			found[string(key)] = m.Data
		}
		return upTo, nil
	}
	s.reqs.add(reqScanLeader, 1)
	m, err := s.get(ctx, msgGet{LastFor: exact})
	if err != nil {
		return 0, fmt.Errorf("scan %q: %w", prefix, err)
	}
	if m != nil {
		if del, err := m.deleted(); err != nil {
			return 0, fmt.Errorf("scan %q: %w", prefix, err)
		} else if !del {
			found[string(prefix)] = m.Data
		}
	}
	filter := exact + ".>"
	for next := uint64(1); ; {
		s.reqs.add(reqScanLeader, 1)
		m, err := s.get(ctx, msgGet{Seq: next, NextFor: filter})
		if err != nil {
			return 0, fmt.Errorf("scan %q: %w", prefix, err)
		}
		if m == nil {
			return 0, nil // the leader's: current, at no replica's sequence
		}
		next = m.Sequence + 1
		del, err := m.deleted()
		if err != nil {
			return 0, fmt.Errorf("scan %q: %w", prefix, err)
		}
		if del {
			continue
		}
		key, err := keyOf(m.Subject)
		if err != nil {
			return 0, fmt.Errorf("scan %q: %w", prefix, err)
		}
		found[string(key)] = m.Data
	}
}

// gatherAll adds to found every stored record under prefix in any scope,
// one message at a time over the filter with wildcard scope tokens, in
// stream order. A key kept in the writer's scope may be in several
// scopes: the newest message decides, as a Get of no scope does (the
// leader's last message of the filter).
func (s *Store) gatherAll(ctx context.Context, prefix store.Key, found map[string][]byte) error {
	var b strings.Builder
	b.WriteString(anyScope)
	if len(prefix) > 0 {
		b.WriteByte('.')
		keyTokens(&b, prefix)
	}
	filters := []string{b.String() + ".>"}
	if len(prefix) > 0 {
		filters = append(filters, b.String())
	}
	newest := map[string]uint64{}
	var floor uint64
	for _, filter := range filters {
		s.reqs.add(reqScanLeader, 1)
		last, err := s.lastSeq(ctx, filter)
		if err != nil {
			return fmt.Errorf("scan %q in every scope: %w", prefix, err)
		}
		floor = max(floor, last)
	}
	msgs, _, ok, err := s.multiLast(ctx, reqScanNear, filters, floor, directTries)
	if err != nil {
		return fmt.Errorf("scan %q in every scope: %w", prefix, err)
	}
	if ok {
		slices.SortFunc(msgs, func(a, b *storedMsg) int { return cmp.Compare(a.Sequence, b.Sequence) })
		for _, m := range msgs {
			if isMark(m.Subject) {
				continue
			}
			key, err := keyOf(m.Subject)
			if err != nil {
				return fmt.Errorf("scan %q in every scope: %w", prefix, err)
			}
			if m.tomb {
				delete(found, string(key))
			} else {
				found[string(key)] = m.Data
			}
		}
		return nil
	}
	for _, filter := range filters {
		for next := uint64(1); ; {
			s.reqs.add(reqScanLeader, 1)
			m, err := s.get(ctx, msgGet{Seq: next, NextFor: filter})
			if err != nil {
				return fmt.Errorf("scan %q in every scope: %w", prefix, err)
			}
			if m == nil {
				break
			}
			next = m.Sequence + 1
			if isMark(m.Subject) {
				continue
			}
			key, err := keyOf(m.Subject)
			if err != nil {
				return fmt.Errorf("scan %q in every scope: %w", prefix, err)
			}
			k := string(key)
			if newest[k] > m.Sequence {
				continue
			}
			newest[k] = m.Sequence
			del, err := m.deleted()
			if err != nil {
				return fmt.Errorf("scan %q in every scope: %w", prefix, err)
			}
			if del {
				delete(found, k)
				continue
			}
			found[k] = m.Data
		}
	}
	return nil
}

// multiLast asks the nearest replica (a direct get, answered by the
// local node when there is one) for the newest message of every subject
// matching filters: every record under them, in one request, read by the
// replica as one snapshot. The answer ends with the replica's last
// sequence when it took the snapshot; it is used only when that is at
// least floor, so that it holds every write the leader had acknowledged
// on the filters when the caller read floor: a lagging replica cannot
// make a scan miss a record or see an old value. ok is false when no
// replica could answer so (lagging after tries requests, more records than a
// direct get returns, no records at all, which carries no sequence to
// check, or direct gets not allowed): the caller reads from the leader.
// upTo is the replica's sequence the answer was read at.
func (s *Store) multiLast(ctx context.Context, kind reqKind, filters []string, floor uint64, tries int) (msgs []*storedMsg, upTo uint64, ok bool, err error) {
	if !s.direct {
		return nil, 0, false, nil
	}
	body, err := json.Marshal(struct {
		Multi []string `json:"multi_last"`
	}{filters})
	if err != nil {
		return nil, 0, false, err
	}
	for try := 0; try < tries; try++ {
		if try > 0 {
			t := time.NewTimer(time.Millisecond << try)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, 0, false, ctx.Err()
			case <-t.C:
			}
		}
		s.reqs.add(kind, 1)
		msgs, upTo, answered, err := s.directMulti(ctx, body)
		if err != nil || !answered {
			return nil, 0, false, err
		}
		if upTo >= floor {
			return msgs, upTo, true, nil
		}
	}
	return nil, 0, false, nil
}

// directTimeout bounds one direct get when the caller's context has no
// earlier deadline.
const directTimeout = 10 * time.Second

// directMulti sends one multi-subject direct get and collects its
// answer up to the end-of-batch marker, which carries upTo, the sequence
// the replica read up to. answered is false for an answer that is not a
// complete batch (none matched, too many, a request the server refuses).
// The answers come to one subscription the Store keeps (see replies):
// a subscription per request would cost a few milliseconds each.
func (s *Store) directMulti(ctx context.Context, body []byte) (msgs []*storedMsg, upTo uint64, answered bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, directTimeout)
	defer cancel()
	inbox, r, err := s.replies.open(s.nc)
	if err != nil {
		return nil, 0, false, fmt.Errorf("direct get: %w", err)
	}
	defer s.replies.close(inbox)
	if err := s.nc.PublishRequest(s.directGet, inbox, body); err != nil {
		return nil, 0, false, fmt.Errorf("direct get: %w", err)
	}
	for {
		var batch []*nats.Msg
		select {
		case <-ctx.Done():
			return nil, 0, false, fmt.Errorf("direct get: %w", ctx.Err())
		case <-r.wake:
			r.mu.Lock()
			batch, r.msgs = r.msgs, nil
			r.mu.Unlock()
		}
		for _, m := range batch {
			switch m.Header.Get("Status") {
			case "":
			case "204":
				upTo, err := strconv.ParseUint(m.Header.Get("Nats-UpTo-Sequence"), 10, 64)
				if err != nil {
					return nil, 0, false, fmt.Errorf("direct get: end of batch without a sequence: %w", err)
				}
				return msgs, upTo, true, nil
			default:
				return nil, 0, false, nil // 404 none, 413 too many, 408 refused, 503 no responders
			}
			seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
			if err != nil {
				return nil, 0, false, fmt.Errorf("direct get: message without a sequence: %w", err)
			}
			msgs = append(msgs, &storedMsg{Subject: m.Header.Get("Nats-Subject"), Sequence: seq, Data: m.Data,
				direct: true, tomb: m.Header.Get(hdrOp) == opDel})
		}
	}
}

// replyMux routes the answers of direct gets, each to its request, from
// one wildcard subscription opened at the first use.
type replyMux struct {
	mu      sync.Mutex
	prefix  string
	sub     *nats.Subscription
	next    uint64
	waiting map[string]*replyQueue
}

// replyQueue holds one request's answers until its reader takes them.
type replyQueue struct {
	mu   sync.Mutex
	msgs []*nats.Msg
	wake chan struct{}
}

func (x *replyMux) open(nc *nats.Conn) (string, *replyQueue, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sub == nil {
		prefix := nats.NewInbox() + "."
		sub, err := nc.Subscribe(prefix+"*", x.deliver)
		if err != nil {
			return "", nil, err
		}
		// Unbounded: an answer is never dropped while its reader decodes.
		if err := sub.SetPendingLimits(-1, -1); err != nil {
			sub.Unsubscribe()
			return "", nil, err
		}
		x.prefix, x.sub, x.waiting = prefix, sub, map[string]*replyQueue{}
	}
	x.next++
	token := strconv.FormatUint(x.next, 36)
	q := &replyQueue{wake: make(chan struct{}, 1)}
	x.waiting[token] = q
	return x.prefix + token, q, nil
}

func (x *replyMux) close(inbox string) {
	x.mu.Lock()
	delete(x.waiting, strings.TrimPrefix(inbox, x.prefix))
	x.mu.Unlock()
}

func (x *replyMux) deliver(m *nats.Msg) {
	x.mu.Lock()
	q := x.waiting[strings.TrimPrefix(m.Subject, x.prefix)]
	x.mu.Unlock()
	if q == nil {
		return // a request given up on
	}
	q.mu.Lock()
	q.msgs = append(q.msgs, m)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
