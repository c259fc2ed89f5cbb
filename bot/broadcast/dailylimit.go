package broadcast

import (
	"sync"
	"time"

	"lifeline/store"
)

// dailyLimit is this instance's share of the portfolio's daily messaging
// limit (unique users per rolling 24 hours, shared by all its numbers and
// so by every instance): a block of units held in the store's record
// (store/dailylimit.go), taken one by one with no store round trip, and
// topped up dailyBlock at a time. What was taken is written to the record
// before the messages it pays for are sent (flush, before a chunk is
// marked "sending"), so that a block that lapses after a crash gives back
// only units that paid for nothing.
type dailyLimit struct {
	limit  int
	holder string
	db     store.Scopes

	settling sync.Mutex // one settle with the store at a time

	mu      sync.Mutex
	block   int           // units this instance may still take
	until   time.Time     // the block is taken from until then (half its hold's TTL)
	pending map[int64]int // units taken, by minute (Unix/60), not yet written
}

const (
	// dailyBlock is how many units a settle asks for at a time: one
	// store write per this many people new today, and what an instance
	// may hold that another instance then waits for.
	dailyBlock = 50
	// dailyHoldTTL is how long a hold lasts without a settle: how long a
	// dead instance's unspent block waits before it comes back.
	dailyHoldTTL = 2 * time.Minute
)

func newDailyLimit(limit int, holder string, db store.Scopes) *dailyLimit {
	return &dailyLimit{limit: limit, holder: holder, db: db, pending: map[int64]int{}}
}

// open makes the record ready at a start: counted from the send records
// if it never was, and a hold this holder left in an earlier life (a
// crash) given back; nothing of it was sent, see flush.
func (d *dailyLimit) open(now time.Time) error {
	if d.limit <= 0 {
		return nil
	}
	return d.settle(now, 0, true)
}

// take uses one unit of the limit, or reports that none is left.
func (d *dailyLimit) take(now time.Time) (bool, error) {
	if d.limit <= 0 {
		return true, nil
	}
	for try := 0; ; try++ {
		d.mu.Lock()
		if d.block > 0 && now.Before(d.until) {
			d.block--
			d.pending[now.Unix()/60]++
			d.mu.Unlock()
			return true, nil
		}
		d.mu.Unlock()
		if try == 1 {
			return false, nil
		}
		if err := d.settle(now, dailyBlock, false); err != nil {
			return false, err
		}
	}
}

// flush writes the units taken so far, keeping the block.
func (d *dailyLimit) flush(now time.Time) error {
	d.mu.Lock()
	n := len(d.pending)
	d.mu.Unlock()
	if d.limit <= 0 || n == 0 {
		return nil
	}
	return d.settle(now, 0, false)
}

// release writes the units taken and gives the rest of the block back.
func (d *dailyLimit) release(now time.Time) error {
	d.mu.Lock()
	idle := len(d.pending) == 0 && d.block == 0
	d.mu.Unlock()
	if d.limit <= 0 || idle {
		return nil
	}
	return d.settle(now, 0, true)
}

// settle writes the units taken and tops the block up to want (or gives
// it back). Units taken from the old block while the store answers are
// taken from the new one.
func (d *dailyLimit) settle(now time.Time, want int, release bool) error {
	d.settling.Lock()
	defer d.settling.Unlock()
	d.mu.Lock()
	spent := d.pending
	d.pending = map[int64]int{}
	if release {
		// Nothing is taken from a block being given back: a take now
		// waits for a block of its own.
		d.block = 0
	}
	d.mu.Unlock()
	st, err := store.SettleDailyLimit(storeCtx, d.db, store.DailySettle{
		Holder: d.holder, Limit: d.limit, Now: now, Spent: spent, Want: want, Release: release, TTL: dailyHoldTTL,
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		for m, n := range spent {
			d.pending[m] += n
		}
		return err
	}
	since := 0
	for _, n := range d.pending {
		since += n
	}
	d.block, d.until = max(0, st.Held-since), now.Add(dailyHoldTTL/2)
	return nil
}

// available is how many units this instance could take now: its block,
// or what the record says nobody holds or spent.
func (d *dailyLimit) available(now time.Time) (int, error) {
	if d.limit <= 0 {
		return 1 << 30, nil
	}
	d.mu.Lock()
	block, pending := d.block, 0
	if !now.Before(d.until) {
		block = 0
	}
	for _, n := range d.pending {
		pending += n
	}
	d.mu.Unlock()
	if block > 0 {
		return block, nil
	}
	st, err := store.ReadDailyLimit(storeCtx, d.db, d.holder, d.limit, now)
	if err != nil {
		return 0, err
	}
	// This holder's own hold, lapsed here, is its to take again; what it
	// took and has not written is not in the record yet.
	return st.Limit - st.Spent - st.HeldByOthers - pending, nil
}
