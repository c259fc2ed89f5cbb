package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"lifeline/coord"
)

// Leases is coord.Leases on the JetStream KV bucket BucketLeases: one key
// per lease name, whose value (leaseRecord) keeps the holder, the holder's
// TTL and the fencing token. Every change is a compare-and-set at the
// revision read (Create for a name never seen), so of several instances
// racing for a lease exactly one write lands; the others get ErrHeld.
//
// # When a lease has expired
//
// No instance trusts another's clock. The holder times its lease from the
// moment it sent the write that granted or renewed it, on its own
// monotonic clock: it holds until send time + TTL. Another instance judges
// expiry by its own monotonic clock too: a lease is expired when the key
// has stayed at the same revision for the holder's TTL since this
// instance first read that revision. Because that first read comes after
// the write was committed, and the write after it was sent, the reader's
// expiry always comes after the holder's: the two never overlap, whatever
// the offset between the machines' wall clocks. Only the rate of the
// clocks matters (a drift of 100 ppm moves a 15 s expiry by 1.5 ms), and a
// holder paused past its expiry (GC, a frozen VM) is what the fencing
// token is for. This is the design's "leases expire by the local monotonic
// clock" during a partition: a minority node cannot write, so its lease
// simply runs out on its own clock while the majority waits out the TTL
// on theirs.
//
// The price is that an instance must have seen a lease's revision a TTL
// ago before it can take it over. Without Watch, the first sight is the
// first Acquire that reads it (that Acquire returns ErrHeld; one a TTL
// later succeeds), so a takeover comes up to two TTLs after the holder's
// last renewal; callers already retry after a TTL (bot/broadcast's
// holdLease does). With Watch running, every revision is seen as it is
// written, and a takeover comes one TTL after the last renewal. A released
// lease is taken at once.
//
// The wall-clock time in the value is for operators (`lifeline cluster
// status`); no decision reads it.
//
// # Why lease keys have no per-key TTL
//
// The token must grow across holders and survive releases, so the key is
// never deleted: a release writes held=false and keeps the token. A per-key
// TTL would delete abandoned keys and restart their tokens, and records
// written under the old tokens (a broadcast's progress) would refuse the
// new holder. The bucket grows by one small key per lease name ever used
// (a few hundred bytes per broadcast), which is bounded in practice; a
// name's first token is one above the wall-clock microseconds, as
// coord.MemoryLeases does, so a key lost with its bucket, or a store
// migrated from badger, still starts above the tokens given out before.
type Leases struct {
	kv    jetstream.KeyValue
	now   func() time.Time
	floor uint64
	// incarnation is written into every record; previous is the
	// incarnation of this instance's run before, known dead (see
	// Incarnation): its leases are this run's at once.
	incarnation, previous string

	mu sync.Mutex
	// seen is, per name, the revision this instance last read or wrote
	// and when on its clock it first saw it (for its own writes: when it
	// sent them). Expiry of another holder's lease is judged from it.
	seen map[string]seenRevision
	// mine is, per name, what this instance granted: renewals and
	// releases are compare-and-set at its revision.
	mine map[string]grant
	// watching is true while Watch runs and has delivered the bucket's
	// values as they were when it began: seen then has every key the
	// bucket holds (see watchedKeys).
	watching atomic.Bool
	// moves is poked (Moves) when Watch sees a member come or go or a
	// partition's lease released: a change that lets partitions move now.
	moves chan struct{}
}

type seenRevision struct {
	revision uint64
	holder   string
	token    uint64
	since    time.Time
}

type grant struct {
	holder   string
	token    uint64
	revision uint64
}

// leaseRecord is a lease key's value. It stays after a release
// (Held false) so that the token survives.
type leaseRecord struct {
	Holder string `json:"holder,omitempty"`
	// Incarnation is the holder's run (Incarnation.ID), when it said.
	Incarnation string `json:"inc,omitempty"`
	Token       uint64 `json:"token"`
	Held        bool   `json:"held"`
	// TTLMillis is the holder's TTL: how long a reader must see the same
	// revision before the lease counts as expired.
	TTLMillis int64 `json:"ttl_ms,omitempty"`
	// At is the writer's wall clock when it wrote, for operators only.
	At time.Time `json:"at"`
}

// MaxElection is the longest a stream goes without a leader after its
// leader's node dies: JetStream's Raft election timeout is 4-9 s and not
// configurable (an ingest stall of 5.7-7.5 s was measured). The lease
// bucket is a stream too: for that long no lease can be written.
const MaxElection = 9 * time.Second

// MinLeaseTTL is the shortest lease TTL that outlasts an election.
// coord.Hold renews every third of the TTL, so when an election starts
// the last renewal may be a third of the TTL old; the other two thirds
// must cover MaxElection and the renewal that lands after it (a second).
// A shorter TTL (the 3 s first planned for pacer owners) would drop
// every lease at every election and stop each number's sends until a
// new owner took over.
const MinLeaseTTL = MaxElection*3/2 + time.Second

// LeaseOptions configure Leases; zero values take the defaults.
type LeaseOptions struct {
	// Bucket is the KV bucket, default BucketLeases (Ensure creates it).
	Bucket string
	// Now is the clock leases are timed by, default time.Now. It must be
	// monotonic for the expiry rule to hold; tests move it by hand.
	Now func() time.Time
	// Incarnation is this run's id, written into every record;
	// Previous the id of this instance's previous run, known to have
	// ended (ClaimIncarnation): the leases it held for this instance
	// are taken over at once instead of after their TTL.
	Incarnation, Previous string
}

var _ coord.Leases = (*Leases)(nil)

// NewLeases opens the lease bucket through js.
func NewLeases(ctx context.Context, js jetstream.JetStream, o LeaseOptions) (*Leases, error) {
	if o.Bucket == "" {
		o.Bucket = BucketLeases
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// Tried again while nobody answers: a start that restores the
	// cluster's majority (two of three were down) meets the bucket's
	// stream electing its leader.
	var kv jetstream.KeyValue
	err := untilAnswered(ctx, func(ctx context.Context) (err error) {
		kv, err = js.KeyValue(ctx, o.Bucket)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open lease bucket %s: %w", o.Bucket, err)
	}
	return &Leases{kv: kv, now: o.Now, floor: uint64(time.Now().UnixMicro()), incarnation: o.Incarnation, previous: o.Previous,
		seen: map[string]seenRevision{}, mine: map[string]grant{}, moves: make(chan struct{}, 1)}, nil
}

// Leases opens the lease bucket on this node's connection with the
// default options.
func (n *Node) Leases(ctx context.Context) (*Leases, error) {
	return NewLeases(ctx, n.js, LeaseOptions{})
}

// leaseNameRe is what a KV key may hold; lease names are keys as they are.
var leaseNameRe = regexp.MustCompile(`^[-/_=.a-zA-Z0-9]+$`)

func validLeaseName(name string) bool {
	return leaseNameRe.MatchString(name) && !strings.HasPrefix(name, ".") &&
		!strings.HasSuffix(name, ".") && !strings.Contains(name, "..")
}

func (ls *Leases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (coord.Lease, error) {
	if !validLeaseName(name) || holder == "" || ttl <= 0 {
		return coord.Lease{}, fmt.Errorf("acquire lease %q for %q with ttl %s: %w", name, holder, ttl, coord.ErrInvalid)
	}
	e, err := ls.kv.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return ls.write(ctx, name, 0, leaseRecord{Holder: holder, Token: ls.floor + 1, Held: true}, ttl)
	}
	if err != nil {
		return coord.Lease{}, fmt.Errorf("acquire lease %q: read: %w", name, err)
	}
	var cur leaseRecord
	if err := json.Unmarshal(e.Value(), &cur); err != nil {
		return coord.Lease{}, fmt.Errorf("acquire lease %q: revision %d is not a lease record: %w", name, e.Revision(), err)
	}
	next := leaseRecord{Holder: holder, Token: max(cur.Token, ls.floor) + 1, Held: true}
	if cur.Held {
		expired := ls.expired(name, e.Revision(), cur)
		switch {
		case !expired && cur.Holder == holder && ls.wrote(name, holder, e.Revision()):
			// This instance's own live lease: extend it, keep the token.
			next.Token = cur.Token
		case !expired && cur.Holder == holder && ls.previous != "" && cur.Incarnation == ls.previous:
			// Held by this instance's previous run, which has ended
			// (Incarnation): taken at once, under a new token.
		case !expired:
			return coord.Lease{}, fmt.Errorf("acquire lease %q: held by %s: %w", name, cur.Holder, coord.ErrHeld)
		}
	}
	return ls.write(ctx, name, e.Revision(), next, ttl)
}

// expired reports whether the lease at revision rev has stayed unchanged
// for its holder's TTL on this instance's clock, and starts timing it when
// this instance sees rev for the first time.
func (ls *Leases) expired(name string, rev uint64, cur leaseRecord) bool {
	now := ls.now()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s, ok := ls.seen[name]
	if ok && s.revision > rev {
		// A stale read (a lagging replica answered): a later revision is
		// known, so this one is not expired, and its first sight stays.
		// (A bucket deleted and recreated under running instances starts
		// its revisions again; restart the instances after that.)
		return false
	}
	// The holder and token guard against a bucket recreated under the
	// same name, whose revisions start again.
	if !ok || s.revision != rev || s.holder != cur.Holder || s.token != cur.Token {
		ls.seen[name] = seenRevision{revision: rev, holder: cur.Holder, token: cur.Token, since: now}
		return false
	}
	return now.Sub(s.since) >= time.Duration(cur.TTLMillis)*time.Millisecond
}

// wrote reports whether this instance granted rev of name to holder.
func (ls *Leases) wrote(name, holder string, rev uint64) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	g, ok := ls.mine[name]
	return ok && g.holder == holder && g.revision == rev
}

// write stores rec at revision rev (0: the key must not exist) and
// returns the lease it grants, timed from before the write was sent.
func (ls *Leases) write(ctx context.Context, name string, rev uint64, rec leaseRecord, ttl time.Duration) (coord.Lease, error) {
	sent := ls.now()
	rec.TTLMillis = max(ttl.Milliseconds(), 1)
	rec.Incarnation = ls.incarnation
	rec.At = time.Now().UTC()
	v, err := json.Marshal(rec)
	if err != nil {
		return coord.Lease{}, fmt.Errorf("acquire lease %q: %w", name, err)
	}
	var newRev uint64
	if rev == 0 {
		newRev, err = ls.kv.Create(ctx, name, v)
	} else {
		newRev, err = ls.kv.Update(ctx, name, v, rev)
	}
	if isConflict(err) {
		// Another instance wrote between the read and this write.
		return coord.Lease{}, fmt.Errorf("acquire lease %q: taken by another instance: %w", name, coord.ErrHeld)
	}
	if err != nil {
		return coord.Lease{}, fmt.Errorf("acquire lease %q: write: %w", name, err)
	}
	ls.remember(name, rec, newRev, sent)
	return coord.Lease{Name: name, Holder: rec.Holder, Token: rec.Token, TTL: ttl, Expires: sent.Add(ttl)}, nil
}

// remember records this instance's own write of name at rev, sent at sent.
func (ls *Leases) remember(name string, rec leaseRecord, rev uint64, sent time.Time) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.seen[name] = seenRevision{revision: rev, holder: rec.Holder, token: rec.Token, since: sent}
	if rec.Held {
		ls.mine[name] = grant{holder: rec.Holder, token: rec.Token, revision: rev}
	} else {
		delete(ls.mine, name)
	}
}

func isConflict(err error) bool {
	return errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch)
}

// current is the revision l was last written at: this instance's record
// of its grant, or, for a lease granted through another Leases, the key
// read now when it still names l's holder and token.
func (ls *Leases) current(ctx context.Context, l coord.Lease) (uint64, bool, error) {
	ls.mu.Lock()
	g, ok := ls.mine[l.Name]
	ls.mu.Unlock()
	if ok {
		return g.revision, g.holder == l.Holder && g.token == l.Token, nil
	}
	e, err := ls.kv.Get(ctx, l.Name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var cur leaseRecord
	if err := json.Unmarshal(e.Value(), &cur); err != nil {
		return 0, false, fmt.Errorf("revision %d is not a lease record: %w", e.Revision(), err)
	}
	return e.Revision(), cur.Held && cur.Holder == l.Holder && cur.Token == l.Token, nil
}

// Renew extends l by its TTL. While JetStream does not answer (the
// lease bucket's stream electing a leader takes 4-9 s, see MaxElection)
// it tries again until l expires on this instance's clock, so that a
// lease whose TTL outlasts an election (MinLeaseTTL) survives one and
// its work does not stop: no other instance can take the lease over
// before that expiry, answered or not (see "When a lease has expired").
// It fails with coord.ErrLost when l expired or was taken over.
func (ls *Leases) Renew(ctx context.Context, l coord.Lease) (coord.Lease, error) {
	if l.TTL <= 0 || !validLeaseName(l.Name) {
		return coord.Lease{}, fmt.Errorf("renew lease %q: ttl %s: %w", l.Name, l.TTL, coord.ErrInvalid)
	}
	ambiguous := false // a write that failed may have landed
	var lastErr error
	for attempt := 0; ; attempt++ {
		// The renewal is timed from before the check, so that it never
		// extends a lease from a moment after the old one ended. Past its
		// expiry on the holder's clock another instance may already count it
		// expired, even if nobody has taken it yet.
		sent := ls.now()
		if !sent.Before(l.Expires) {
			if lastErr != nil {
				return coord.Lease{}, fmt.Errorf("renew lease %q token %d: expired while JetStream did not answer (%v): %w", l.Name, l.Token, lastErr, coord.ErrLost)
			}
			return coord.Lease{}, fmt.Errorf("renew lease %q token %d: expired: %w", l.Name, l.Token, coord.ErrLost)
		}
		actx, cancel := context.WithTimeout(ctx, l.Expires.Sub(sent))
		next, err := ls.renewOnce(actx, l, sent, ambiguous)
		cancel()
		if err == nil || errors.Is(err, coord.ErrLost) || ctx.Err() != nil {
			return next, err
		}
		var w *writeError
		if errors.As(err, &w) {
			ambiguous = true
		}
		lastErr = err
		t := time.NewTimer(min(renewRetry<<min(attempt, 5), time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return coord.Lease{}, fmt.Errorf("renew lease %q token %d: %w (after %v)", l.Name, l.Token, ctx.Err(), lastErr)
		case <-t.C:
		}
	}
}

// renewRetry is the first wait before a renewal JetStream did not
// answer is sent again; it doubles up to a second.
const renewRetry = 50 * time.Millisecond

// writeError is a renewal write that failed without an answer: it may
// have landed.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// renewOnce is one try of Renew. After an earlier try whose write may
// have landed (ambiguous), a compare-and-set that fails reads the key:
// still this holder's token, it was that write, and the try goes on from
// its revision.
func (ls *Leases) renewOnce(ctx context.Context, l coord.Lease, sent time.Time, ambiguous bool) (coord.Lease, error) {
	rev, ours, err := ls.current(ctx, l)
	if err != nil {
		return coord.Lease{}, fmt.Errorf("renew lease %q token %d: %w", l.Name, l.Token, err)
	}
	if !ours {
		return coord.Lease{}, fmt.Errorf("renew lease %q token %d: %w", l.Name, l.Token, coord.ErrLost)
	}
	rec := leaseRecord{Holder: l.Holder, Incarnation: ls.incarnation, Token: l.Token, Held: true, TTLMillis: max(l.TTL.Milliseconds(), 1), At: time.Now().UTC()}
	v, err := json.Marshal(rec)
	if err != nil {
		return coord.Lease{}, fmt.Errorf("renew lease %q: %w", l.Name, err)
	}
	newRev, err := ls.kv.Update(ctx, l.Name, v, rev)
	if isConflict(err) && ambiguous {
		if e, gerr := ls.kv.Get(ctx, l.Name); gerr == nil {
			var cur leaseRecord
			if json.Unmarshal(e.Value(), &cur) == nil && cur.Held && cur.Holder == l.Holder && cur.Token == l.Token {
				newRev, err = ls.kv.Update(ctx, l.Name, v, e.Revision())
			}
		} else if !errors.Is(gerr, jetstream.ErrKeyNotFound) {
			return coord.Lease{}, &writeError{fmt.Errorf("renew lease %q token %d: read after a lost answer: %w", l.Name, l.Token, gerr)}
		}
	}
	if isConflict(err) {
		ls.forget(l.Name, rev)
		return coord.Lease{}, fmt.Errorf("renew lease %q token %d: taken over: %w", l.Name, l.Token, coord.ErrLost)
	}
	if err != nil {
		// The write may have landed or not: the lease still ends at its
		// old expiry unless a later try succeeds.
		return coord.Lease{}, &writeError{fmt.Errorf("renew lease %q token %d: %w", l.Name, l.Token, err)}
	}
	ls.remember(l.Name, rec, newRev, sent)
	l.Expires = sent.Add(l.TTL)
	return l, nil
}

func (ls *Leases) Release(ctx context.Context, l coord.Lease) error {
	if !validLeaseName(l.Name) {
		return fmt.Errorf("release lease %q: %w", l.Name, coord.ErrInvalid)
	}
	rev, ours, err := ls.current(ctx, l)
	if err != nil {
		return fmt.Errorf("release lease %q token %d: %w", l.Name, l.Token, err)
	}
	if !ours {
		return fmt.Errorf("release lease %q token %d: %w", l.Name, l.Token, coord.ErrNotHolder)
	}
	// Keep the token: the next holder's must be larger.
	rec := leaseRecord{Token: l.Token, At: time.Now().UTC()}
	v, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("release lease %q: %w", l.Name, err)
	}
	sent := ls.now()
	newRev, err := ls.kv.Update(ctx, l.Name, v, rev)
	if isConflict(err) {
		ls.forget(l.Name, rev)
		return fmt.Errorf("release lease %q token %d: taken over: %w", l.Name, l.Token, coord.ErrNotHolder)
	}
	if err != nil {
		return fmt.Errorf("release lease %q token %d: %w", l.Name, l.Token, err)
	}
	ls.remember(l.Name, rec, newRev, sent)
	return nil
}

// forget drops this instance's grant of name at rev: another instance has
// written since.
func (ls *Leases) forget(name string, rev uint64) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if g, ok := ls.mine[name]; ok && g.revision == rev {
		delete(ls.mine, name)
	}
}

// Watch records the first sight of every revision of the bucket as it is
// written, until ctx ends (it then returns nil) or the watch fails: an
// instance that runs it takes an abandoned lease over one TTL after the
// holder's last write, not one TTL after its own first Acquire. Run it
// once per Leases, in its own goroutine.
func (ls *Leases) Watch(ctx context.Context) error {
	w, err := ls.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch leases: %w", err)
	}
	defer w.Stop()
	defer ls.watching.Store(false)
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return errors.New("watch leases: the watch ended")
			}
			if e == nil { // the current values have all been delivered
				ls.watching.Store(true)
				continue
			}
			ls.observe(e)
		}
	}
}

// observe starts timing entry e's revision unless it was seen before.
func (ls *Leases) observe(e jetstream.KeyValueEntry) {
	now := ls.now()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if e.Operation() != jetstream.KeyValuePut {
		delete(ls.seen, e.Key())
		return
	}
	var rec leaseRecord
	if json.Unmarshal(e.Value(), &rec) != nil {
		return // Acquire reports a bad record when it reads one
	}
	s, ok := ls.seen[e.Key()]
	if ok && s.revision >= e.Revision() {
		return
	}
	ls.seen[e.Key()] = seenRevision{revision: e.Revision(), holder: rec.Holder, token: rec.Token, since: now}
	// A member's first heartbeat (a start), its last (a clean stop, not
	// held) and a partition's lease given back can move partitions at
	// once; renewals, the heartbeats between and the other leases (the
	// pacer's, the broadcasts') change nothing.
	member := strings.HasPrefix(e.Key(), memberPrefix) && (!ok || !rec.Held)
	released := strings.HasPrefix(e.Key(), partitionPrefix) && !rec.Held && ok && s.holder != ""
	if member || released {
		select {
		case ls.moves <- struct{}{}:
		default:
		}
	}
}

// watchedKeys lists the keys under prefix the watch has seen put and not
// deleted since, with ok false when Watch is not running or has not
// delivered the bucket's values yet. A listing of the bucket's keys
// creates a consumer, which JetStream creates and deletes through its
// meta group on every node: the watch's keys cost nothing. A key listed
// may be gone by now (a read of it says so); a key put is listed once
// its put reaches the watch, as it would be by a listing begun then.
func (ls *Leases) watchedKeys(prefix string) (keys []string, ok bool) {
	if !ls.watching.Load() {
		return nil, false
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for k := range ls.seen {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, true
}

// Moves is poked when Watch sees a change that lets partitions move at
// once: a member started or stopped, a partition's lease released. Partitions
// assign then rather than at their next tick. One reader.
func (ls *Leases) Moves() <-chan struct{} { return ls.moves }

// sawRevision is the revision of name this instance has seen (for tests).
func (ls *Leases) sawRevision(name string) uint64 {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.seen[name].revision
}
