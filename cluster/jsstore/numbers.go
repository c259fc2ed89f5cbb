package jsstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"

	"lifeline/store"
)

// Numbers drawn in a write without a publish each.
//
// A number of a sequence the store numbers by scope (store.ScopeNumbered:
// inbox, transcript, outbox) drawn in a write is taken from the stream
// sequences of the scope's own last commit, the batch that ends with the
// fence F, the scope's last message, which the write's commit expects to
// be still last: [F-m+1, F] for a batch of m messages (hdrBatch, set on
// every commit's last message). Each sequence name takes them in order;
// when a name has used them all, or the fence's batch is not known, it
// draws by a publish (Store.NextSeq), whose number is above F; in an
// empty scope it takes one of a block the instance reserved (fromBlock).
// Why this keeps the contract of store.Writer.NextSeq:
//   - unique: a stream sequence is one message's. The numbers of the
//     batch ending at F are handed out only by a commit whose fence is F,
//     and at most one commit has that fence: every commit ends with a
//     message that stays (its anchor, or the scope's marker when it has
//     none: see commit), and is replaced only by a later such message,
//     so the scope's last sequence only grows and is never F again. A
//     publish's number is a sequence message's, and a block's number a
//     reservation's (fromBlock), never a scope's.
//   - ordered within the scope: what a commit drew is below its own
//     first message (its numbers are at most its fence, or were
//     acknowledged before it was sent), and the next commit's fence is at
//     least this commit's anchor, so its batch, and its numbers, are
//     above. Batches are stored at consecutive sequences (the server
//     proposes an atomic batch as one run, and applies a single server's
//     under one lock): TestBatchesAreStoredAtConsecutiveSequences.
//   - above the numbers of older builds and of this build's publishes:
//     those are stream sequences too, acknowledged before the commit that
//     stored them, below any batch after it. Instances of an older build
//     may run beside this one (a rolling upgrade): they draw by publish.
//     Their commits add no marker, so a scope whose last numbered commit
//     is followed only by an older build's deletes could, once those
//     tombstones expire (24 h), fall back to a batch used already; and
//     an older build's export or scan of every record fails on a marker
//     (not a key). Both last only while older builds run. This build
//     skips markers of kinds it does not know (isMark).
//   - above what a migration copied (numbered by another store): the
//     floor (RaiseSequenceFloor) bounds a batch's lowest number from
//     below; under it, a number is drawn by publish.
//
// A refused try's numbers are dropped with it: gaps are allowed.

const (
	// hdrBatch, on the last message of a commit, is the number of
	// messages of the batch it ends.
	hdrBatch = "Lifeline-Batch"
	// markToken is the subject token of a scope's marker: the message a
	// commit ends with when it has no anchor of its own, so that the
	// scope's last sequence never falls back below it. It is not a key (a key's tokens are two hex
	// digits each): scans and exports skip it.
	markToken = "mark"
	// floorSubject holds the floor: the largest number a migration
	// copied into the store, below which no batch number is drawn.
	floorSubject = seqPrefix + "floor"
)

// isMark reports whether subject is a scope's marker, of this build's
// kind (markToken) or of a kind a later build adds: a subject of five
// tokens whose last is a word of three or more lowercase letters, where a
// record's key tokens are two hex digits each. Scans and exports skip
// every such subject, so that from this build on a marker kind added
// later is passed over rather than failed on (as builds before markers
// fail on "mark": see the rolling upgrade in the README). A new kind
// must be named so.
func isMark(subject string) bool {
	i := strings.LastIndexByte(subject, '.')
	if i < 0 || len(subject)-i-1 < 3 || strings.Count(subject[:i], ".") != 3 {
		return false
	}
	for _, c := range []byte(subject[i+1:]) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// batchOf reads hdrBatch: 0 when absent or unreadable (the batch is not
// known, and the numbers are drawn by publish).
func batchOf(h nats.Header) uint64 {
	if h == nil {
		return 0
	}
	n, err := strconv.ParseUint(h.Get(hdrBatch), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// fenceAt is a fence and the size of the batch its message ends (0: not
// known).
type fenceAt struct {
	seq, batch uint64
}

// pool is the numbers a try may hand out from its fence's batch, and how
// far each sequence name has come.
type pool struct {
	resolved bool
	lo, hi   uint64 // lo > hi: none
	next     map[string]uint64
}

// NextSeq draws the next number of the named sequence in a write: from
// the fence's batch for a sequence numbered by scope (see above), else,
// and when the batch is used up or unknown, by a publish.
func (t *txn) NextSeq(name string) (uint64, error) {
	if t.readOnly || t.base == "" || !store.ScopeNumbered(name) {
		return t.s.NextSeq(t.ctx, name)
	}
	// From here on the commit keeps its anchor last, whichever way the
	// number was drawn: a publish's number too must stay below every
	// later fence.
	t.numbered = true
	if err := t.settleFence(); err != nil {
		return 0, fmt.Errorf("next %s: %w", name, err)
	}
	if !t.pool.resolved {
		if err := t.resolvePool(); err != nil {
			return 0, fmt.Errorf("next %s: %w", name, err)
		}
	}
	p := &t.pool
	n, ok := p.next[name]
	if !ok {
		n = p.lo
	}
	if n >= p.lo && n <= p.hi {
		p.next[name] = n + 1
		return n, nil
	}
	p.next[name] = p.hi + 1 // used up: the rest by publish, above F
	if t.fence == 0 {
		// An empty scope has no batch and no number before: any number
		// handed out nowhere else will do.
		return t.s.fromBlock(t.ctx, name)
	}
	return t.s.NextSeq(t.ctx, name)
}

// blockSize is how many numbers one reservation holds (see fromBlock).
const blockSize = 64

// blockSubject is where a reservation's messages go; the stream keeps
// the last one only.
const blockSubject = seqPrefix + "block"

// block is the numbers this instance reserved for writes in empty
// scopes, [next, hi].
type block struct {
	mu       sync.Mutex
	next, hi uint64
}

// fromBlock hands out the next number of the instance's block, for a
// write in an empty scope (a new person's first event): the block is the
// stream sequences of one atomic batch of blockSize messages, which no
// scope and no other reservation has, so a number of it is unique
// wherever it goes; the scope's next commit draws from this one's batch,
// above it. A block reserved before a migration's floor is not used. If
// the reservation fails, the number is drawn by publish.
func (s *Store) fromBlock(ctx context.Context, name string) (uint64, error) {
	b := &s.block
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.next == 0 || b.next > b.hi || b.next <= s.floor.Load() {
		lo, hi, err := s.reserveBlock(ctx)
		if err != nil || lo <= s.floor.Load() {
			return s.NextSeq(ctx, name)
		}
		b.next, b.hi = lo, hi
	}
	n := b.next
	b.next++
	return n, nil
}

// reserveBlock publishes blockSize messages as one atomic batch: stored
// at consecutive sequences, the block [lo, hi].
func (s *Store) reserveBlock(ctx context.Context) (lo, hi uint64, err error) {
	s.reqs.add(reqNumber, 1)
	id := nuid.Next()
	for i := 1; i <= blockSize; i++ {
		m := nats.NewMsg(blockSubject)
		m.Header.Set("Nats-Batch-Id", id)
		m.Header.Set("Nats-Batch-Sequence", strconv.Itoa(i))
		if i < blockSize {
			if err := s.nc.PublishMsg(m); err != nil {
				return 0, 0, fmt.Errorf("reserve numbers: %w", err)
			}
			continue
		}
		m.Header.Set("Nats-Batch-Commit", "1")
		rctx, cancel := request(ctx)
		resp, err := s.nc.RequestMsgWithContext(rctx, m)
		cancel()
		if err != nil {
			return 0, 0, fmt.Errorf("reserve numbers: %w", unanswered(ctx, err))
		}
		var ack pubAck
		if err := json.Unmarshal(resp.Data, &ack); err != nil {
			return 0, 0, fmt.Errorf("reserve numbers: answer %q: %w", resp.Data, err)
		}
		if e := ack.Error; e != nil {
			return 0, 0, fmt.Errorf("reserve numbers: %w", apiFailure(e))
		}
		if ack.Count != blockSize || ack.Sequence < blockSize {
			return 0, 0, fmt.Errorf("reserve numbers: the stream stored %d of %d", ack.Count, blockSize)
		}
		return ack.Sequence - blockSize + 1, ack.Sequence, nil
	}
	return 0, 0, errors.New("reserve numbers: no block")
}

// resolvePool sets the try's batch numbers: [F-m+1, F] when the batch
// ending at the fence F is known and above the floor, else none.
func (t *txn) resolvePool() error {
	p := &t.pool
	p.resolved, p.lo, p.hi, p.next = true, 1, 0, map[string]uint64{}
	f := fenceAt{seq: t.fence, batch: t.fenceBatch}
	if f.seq == 0 {
		return nil // an empty scope: there is no batch (see fromBlock)
	}
	if f.batch == 0 {
		var err error
		if f.batch, err = t.s.batchAt(t.ctx, t.base, f.seq); err != nil {
			return err
		}
	}
	if f.batch == 0 || f.batch > f.seq {
		return nil
	}
	lo := f.seq - f.batch + 1
	if lo <= t.s.floor.Load() {
		return nil
	}
	p.lo, p.hi = lo, f.seq
	return nil
}

// batchAt is hdrBatch of the message at seq when it is a message of the
// scope under base: asked of the nearest replica, then of the leader (a
// replica may not have it yet). 0 when none says (a message gone, or
// written by an older build).
func (s *Store) batchAt(ctx context.Context, base string, seq uint64) (uint64, error) {
	s.reqs.add(reqBatchAt, 1)
	if s.direct {
		body, err := json.Marshal(msgGet{Seq: seq})
		if err != nil {
			return 0, err
		}
		rctx, cancel := context.WithTimeout(ctx, directTimeout)
		resp, err := s.nc.RequestWithContext(rctx, s.directGet, body)
		cancel()
		if err == nil && resp.Header.Get("Status") == "" {
			if !strings.HasPrefix(resp.Header.Get("Nats-Subject"), base+".") {
				return 0, nil
			}
			return batchOf(resp.Header), nil
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	m, err := s.get(ctx, msgGet{Seq: seq})
	if err != nil {
		return 0, fmt.Errorf("batch of message %d: %w", seq, err)
	}
	if m == nil || !strings.HasPrefix(m.Subject, base+".") {
		return 0, nil
	}
	return m.batch()
}

// batch is hdrBatch of a message the leader answered.
func (m *storedMsg) batch() (uint64, error) {
	if len(m.Header) == 0 {
		return 0, nil
	}
	h, err := nats.DecodeHeadersMsg(m.Header)
	if err != nil {
		return 0, fmt.Errorf("message %d: headers: %w", m.Sequence, err)
	}
	return batchOf(h), nil
}

// readFloor loads the floor a migration set (0 when none did).
func (s *Store) readFloor(ctx context.Context) (floor, seq uint64, err error) {
	m, err := s.get(ctx, msgGet{LastFor: floorSubject})
	if err != nil || m == nil {
		return 0, 0, err
	}
	floor, err = strconv.ParseUint(string(m.Data), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("floor %q: %w", m.Data, err)
	}
	return floor, m.Sequence, nil
}

// RaiseSequenceFloor makes every number drawn from a batch above above
// (store.RaiseSequences calls it when a migration has copied records
// numbered up to above). Instances read the floor when they open the
// store, so it is raised while none runs, as a migration requires.
func (s *Store) RaiseSequenceFloor(ctx context.Context, above uint64) error {
	for try := 0; try < maxTries; try++ {
		floor, seq, err := s.readFloor(ctx)
		if err != nil {
			return fmt.Errorf("raise the numbering floor: %w", err)
		}
		if floor >= above {
			s.raiseFloor(floor)
			return nil
		}
		m := nats.NewMsg(floorSubject)
		m.Data = []byte(strconv.FormatUint(above, 10))
		m.Header.Set("Nats-Expected-Last-Subject-Sequence", strconv.FormatUint(seq, 10))
		rctx, cancel := request(ctx)
		resp, err := s.nc.RequestMsgWithContext(rctx, m)
		cancel()
		if err != nil {
			return fmt.Errorf("raise the numbering floor: %w", unanswered(ctx, err))
		}
		var ack pubAck
		if err := json.Unmarshal(resp.Data, &ack); err != nil {
			return fmt.Errorf("raise the numbering floor: answer %q: %w", resp.Data, err)
		}
		if e := ack.Error; e != nil {
			if e.ErrCode == errWrongLastSeq {
				continue // raised meanwhile: read it again
			}
			return fmt.Errorf("raise the numbering floor: %w", apiFailure(e))
		}
		s.raiseFloor(above)
		return nil
	}
	return fmt.Errorf("raise the numbering floor: %w", ErrConflict)
}

// raiseFloor keeps the larger of the floor held and f.
func (s *Store) raiseFloor(f uint64) {
	for {
		old := s.floor.Load()
		if f <= old || s.floor.CompareAndSwap(old, f) {
			return
		}
	}
}
