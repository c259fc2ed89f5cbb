package coord

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Lease is a named right to do a piece of work for a while. Token is the
// fencing token: it grows with every new holder (never with a renewal), so
// a write made under a lease can be refused once a later holder exists,
// even if the old holder does not know yet that it lost the lease.
type Lease struct {
	Name    string
	Holder  string
	Token   uint64
	TTL     time.Duration
	Expires time.Time // by the clock of the implementation
}

// Leases grants leases. A second implementation is real: issue 13's NATS
// JetStream one keeps each lease in a KV bucket under its name, acquires
// with Create (or Update at the revision it read when the lease expired),
// renews and releases with Update at the last revision (compare-and-set),
// and keeps the token in the value so that it survives releases. No
// instance reads another's clock there: a lease counts as expired once the
// acquiring instance has seen its key unchanged for the holder's TTL (see
// cluster.Leases), so an instance that sees a lease for the first time
// waits one TTL even if its holder died long ago; callers retry after a
// TTL, and the conformance suite in coordtest allows for it.
type Leases interface {
	// Acquire takes name for holder for ttl. It fails with ErrHeld while
	// another holder's lease is unexpired (or, on several machines, not yet
	// seen expired by this instance). Acquiring a lease one already holds
	// extends it and keeps its token.
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error)
	// Renew extends l by its TTL. It fails with ErrLost when l expired or
	// another holder took the lease since.
	Renew(ctx context.Context, l Lease) (Lease, error)
	// Release gives l up before it expires. It fails with ErrNotHolder
	// when l is not the current lease (another holder, another token).
	Release(ctx context.Context, l Lease) error
}

// MemoryLeases is the single-process Leases: a map under a mutex.
//
// Its tokens must outlive the process, because the records written under
// them do (a broadcast's progress keeps its writer's token, and a write
// under an older token is refused): a restarted process that began again
// at token 1 would be refused by its own earlier runs. So a name's first
// token is one above floor, the wall-clock microseconds when the leases
// were made; a name would need a million acquisitions a second of uptime
// for a restart to hand out a token at or below one already used.
type MemoryLeases struct {
	now    func() time.Time
	floor  uint64
	mu     sync.Mutex
	leases map[string]memLease
}

type memLease struct {
	holder  string
	token   uint64 // the last token granted; kept after a release
	expires time.Time
	held    bool
}

var _ Leases = (*MemoryLeases)(nil)

// NewMemoryLeases makes the single-process leases; now is the clock (nil
// for time.Now), which tests move by hand.
func NewMemoryLeases(now func() time.Time) *MemoryLeases {
	if now == nil {
		now = time.Now
	}
	// The wall clock, not now: the floor orders processes, while now,
	// which tests move, times expiries.
	return &MemoryLeases{now: now, floor: uint64(time.Now().UnixMicro()), leases: map[string]memLease{}}
}

func (m *MemoryLeases) Acquire(_ context.Context, name, holder string, ttl time.Duration) (Lease, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return Lease{}, fmt.Errorf("acquire lease %q for %q with ttl %s: %w", name, holder, ttl, ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	st := m.leases[name]
	live := st.held && now.Before(st.expires)
	switch {
	case live && st.holder != holder:
		return Lease{}, fmt.Errorf("acquire lease %q: %w", name, ErrHeld)
	case !live:
		st.token = max(st.token, m.floor) + 1
		st.holder, st.held = holder, true
	}
	st.expires = now.Add(ttl)
	m.leases[name] = st
	return Lease{Name: name, Holder: holder, Token: st.token, TTL: ttl, Expires: st.expires}, nil
}

func (m *MemoryLeases) Renew(_ context.Context, l Lease) (Lease, error) {
	if l.TTL <= 0 {
		return Lease{}, fmt.Errorf("renew lease %q: ttl %s: %w", l.Name, l.TTL, ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	st := m.leases[l.Name]
	if !st.held || st.holder != l.Holder || st.token != l.Token || !now.Before(st.expires) {
		return Lease{}, fmt.Errorf("renew lease %q token %d: %w", l.Name, l.Token, ErrLost)
	}
	st.expires = now.Add(l.TTL)
	m.leases[l.Name] = st
	l.Expires = st.expires
	return l, nil
}

func (m *MemoryLeases) Release(_ context.Context, l Lease) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.leases[l.Name]
	if !st.held || st.holder != l.Holder || st.token != l.Token {
		return fmt.Errorf("release lease %q token %d: %w", l.Name, l.Token, ErrNotHolder)
	}
	st.held, st.holder, st.expires = false, "", time.Time{}
	m.leases[l.Name] = st
	return nil
}

// releaseWait bounds the release of a hold that ends.
const releaseWait = 2 * time.Second

// Hold acquires name for holder and renews it every third of ttl until
// ctx ends or a renewal fails. The returned context ends when the lease is
// lost (its cause wraps the renewal's error, ErrLost for a lease taken
// over), so that work done under it stops; release ends it and gives the
// lease up. Any renewal error ends the hold: the work stops early rather
// than risk running beside a new holder, and is taken up again later.
func Hold(ctx context.Context, ls Leases, name, holder string, ttl time.Duration) (held context.Context, l Lease, release func(), err error) {
	l, err = ls.Acquire(ctx, name, holder, ttl)
	if err != nil {
		return nil, Lease{}, nil, err
	}
	held, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(max(ttl/3, time.Millisecond))
		defer t.Stop()
		cur := l
		for {
			select {
			case <-held.Done():
				// Released or the caller's context ended: give it up now
				// rather than let the next holder wait for the expiry.
				// Within releaseWait: a release nobody answers (a
				// JetStream stream electing a leader) must not hold up a
				// stop; the lease then ends at its expiry.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseWait)
				_ = ls.Release(rctx, cur)
				cancel()
				return
			case <-t.C:
			}
			next, err := ls.Renew(held, cur)
			if err != nil {
				cancel(fmt.Errorf("hold lease %q: %w", name, err))
				return
			}
			cur = next
		}
	}()
	release = func() {
		cancel(context.Canceled)
		<-done
	}
	return held, l, release, nil
}
