package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// The daily messaging limit. WhatsApp caps the unique users a business
// portfolio sends business-initiated messages to in a rolling 24 hours,
// shared by all its numbers (and so by every instance sending for it).
// One record holds it for the whole portfolio: the units spent, per
// minute, over the last 24 hours, and the blocks of units each instance
// holds. An instance takes units from its own block on its hot path with
// no store round trip, and settles with the record now and then: it
// writes what it spent and tops its block up, in one scoped transaction
// that is a pure function of what it reads, so that concurrent settles
// of several instances retry and never grant the same unit twice.
//
// A hold lapses TTL after its last settle: the unspent units of an
// instance that died come back. Units are spent into the record before
// the messages they pay for are sent (bot/broadcast writes them before it
// marks a chunk "sending"), so a hold that lapses never hides a unit that
// went out.
//
// Invariant: spent (last 24 h) + every live hold <= the limit, as each
// grant checks it; spending only moves units from a hold to spent, and
// old minutes only leave the window.
//
// A store without the record (first use, or a store written before it
// existed) is seeded from the send records behind the frequency cap: each
// person counts once, at their first broadcast message of the window.

// dailyWindow is the rolling window of the limit, in minutes.
const dailyWindow = 24 * 60

// dailyLimitKey is the one record of the portfolio's limit.
func dailyLimitKey() Key { return docKey(DocDailyLimit, "portfolio") }

// DailyLimitScope is the daily messaging limit's record, written by
// every instance that sends broadcasts.
func DailyLimitScope() Scope { return DocScope(DocDailyLimit, "") }

// dailyLimitRecord is the stored record.
type dailyLimitRecord struct {
	// Seeded: the minutes were counted from the send records once; from
	// then on the record alone counts.
	Seeded  bool                 `json:"seeded"`
	Minutes []dailyMinute        `json:"minutes,omitempty"` // oldest first, within the window
	Holds   map[string]dailyHold `json:"holds,omitempty"`   // by holder (instance)
}

type dailyMinute struct {
	Minute int64 `json:"m"` // Unix time / 60
	Units  int   `json:"n"`
}

type dailyHold struct {
	Units   int       `json:"n"`
	Expires time.Time `json:"exp"`
}

// DailySettle is one instance's settlement with the limit's record.
type DailySettle struct {
	Holder string // the instance, as it names itself for leases
	Limit  int    // unique users per rolling 24 hours, > 0
	Now    time.Time
	// Spent is the units taken from the holder's block since its last
	// settle, by minute (Unix time / 60): moved from the hold to the
	// minutes. Units spent beyond what the hold still has (it lapsed
	// meanwhile) are counted all the same.
	Spent map[int64]int
	// Want tops the holder's block up to this many units, as far as the
	// limit allows; a block holding more keeps it.
	Want int
	// Release gives the holder's unspent units back (a stop).
	Release bool
	// TTL is how long the hold lasts without another settle.
	TTL time.Duration
}

// DailyLimitState is the limit's record as one holder sees it.
type DailyLimitState struct {
	Limit        int
	Spent        int       // units spent in the rolling 24 hours
	Held         int       // units the holder holds
	HeldByOthers int       // units the other live holders hold
	Expires      time.Time // when the holder's hold lapses (zero: none)
}

// Room is what nobody holds or spent: what a new grant may take.
func (s DailyLimitState) Room() int { return s.Limit - s.Spent - s.Held - s.HeldByOthers }

// errReseed: the record is not seeded and the settle has no seed yet:
// the seed is counted and the settle runs again.
var errReseed = errors.New("daily limit record not seeded")

// SettleDailyLimit writes what s.Holder spent, tops its block up or
// releases it, and returns the record as the holder sees it after.
func SettleDailyLimit(ctx context.Context, db Scopes, s DailySettle) (DailyLimitState, error) {
	if s.Holder == "" || s.Limit <= 0 || s.TTL <= 0 {
		return DailyLimitState{}, fmt.Errorf("settle daily limit: holder %q, limit %d, ttl %v: want a holder, a limit and a ttl", s.Holder, s.Limit, s.TTL)
	}
	// The seed is counted only when the record turns out not to be
	// seeded (the first settle of a store): a settle is one write.
	var seed []dailyMinute
	for range 3 {
		var st DailyLimitState
		err := db.Write(ctx, DailyLimitScope(), func(w Writer) error {
			rec, err := loadDailyLimit(ctx, w, seed)
			if err != nil {
				return err
			}
			rec.settle(s)
			st = rec.state(s.Holder, s.Limit, s.Now)
			return putJSON(w, dailyLimitKey(), rec, 0)
		})
		if errors.Is(err, errReseed) {
			if seed, err = dailySeedOf(ctx, db, s.Now); err != nil {
				return DailyLimitState{}, err
			}
			continue
		}
		if err != nil {
			return DailyLimitState{}, fmt.Errorf("settle daily limit: %w", err)
		}
		return st, nil
	}
	return DailyLimitState{}, fmt.Errorf("settle daily limit: %w", errReseed)
}

// ReadDailyLimit returns the record as holder sees it at now, writing
// nothing (a lapsed hold counts for nobody).
func ReadDailyLimit(ctx context.Context, db Scopes, holder string, limit int, now time.Time) (DailyLimitState, error) {
	var st DailyLimitState
	err := db.Read(ctx, func(r Reader) error {
		rec, found, err := getOptional[dailyLimitRecord](ctx, r, dailyLimitKey(), "daily limit")
		if err != nil {
			return err
		}
		if !found || !rec.Seeded {
			if rec.Minutes, err = dailySeed(ctx, r, now); err != nil {
				return err
			}
		}
		rec.prune(now)
		st = rec.state(holder, limit, now)
		return nil
	})
	if err != nil {
		return DailyLimitState{}, fmt.Errorf("read daily limit: %w", err)
	}
	return st, nil
}

// loadDailyLimit reads the record in a settle's transaction; a record
// not seeded yet takes seed, or with no seed yet fails with errReseed.
func loadDailyLimit(ctx context.Context, r Reader, seed []dailyMinute) (dailyLimitRecord, error) {
	rec, found, err := getOptional[dailyLimitRecord](ctx, r, dailyLimitKey(), "daily limit")
	if err != nil {
		return rec, err
	}
	if !found || !rec.Seeded {
		if seed == nil {
			return rec, errReseed
		}
		rec.Minutes, rec.Seeded = slices.Clone(seed), true
	}
	return rec, nil
}

// dailySeedOf counts the seed in a read of its own: the send records
// are kept in their people's scopes, which a settle does not write.
func dailySeedOf(ctx context.Context, db Scopes, now time.Time) (seed []dailyMinute, err error) {
	err = db.Read(ctx, func(r Reader) error {
		seed, err = dailySeed(ctx, r, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count daily limit from the send records: %w", err)
	}
	return seed, nil
}

// dailySeed counts the window from the send records: each person once,
// at their first broadcast message after now-24h. Never nil.
func dailySeed(ctx context.Context, r Reader, now time.Time) ([]dailyMinute, error) {
	from := now.Add(-24 * time.Hour)
	byMinute := map[int64]int{}
	last := ""
	err := EachBroadcastSendOfAll(ctx, r, func(user string, at time.Time) error {
		if user == last || !at.After(from) {
			return nil
		}
		last = user
		byMinute[at.Unix()/60]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec := dailyLimitRecord{Minutes: []dailyMinute{}}
	rec.add(byMinute)
	rec.prune(now)
	return rec.Minutes, nil
}

// prune drops the minutes out of the window and the lapsed holds.
func (d *dailyLimitRecord) prune(now time.Time) {
	m := now.Unix() / 60
	d.Minutes = slices.DeleteFunc(d.Minutes, func(x dailyMinute) bool { return m-x.Minute >= dailyWindow })
	maps.DeleteFunc(d.Holds, func(_ string, h dailyHold) bool { return !h.Expires.After(now) })
}

// add counts units by minute, keeping the minutes in order.
func (d *dailyLimitRecord) add(byMinute map[int64]int) {
	for m, n := range byMinute {
		if n <= 0 {
			continue
		}
		i, found := slices.BinarySearchFunc(d.Minutes, m, func(x dailyMinute, m int64) int { return cmpInt64(x.Minute, m) })
		if found {
			d.Minutes[i].Units += n
		} else {
			d.Minutes = slices.Insert(d.Minutes, i, dailyMinute{Minute: m, Units: n})
		}
	}
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// settle applies one holder's settlement.
func (d *dailyLimitRecord) settle(s DailySettle) {
	d.prune(s.Now)
	d.add(s.Spent)
	own := d.Holds[s.Holder]
	for _, n := range s.Spent {
		own.Units -= max(n, 0)
	}
	own.Units = max(own.Units, 0)
	if s.Release {
		own.Units = 0
	}
	if own.Units < s.Want {
		st := d.state(s.Holder, s.Limit, s.Now)
		st.Held = own.Units
		own.Units += max(0, min(s.Want-own.Units, st.Room()))
	}
	if own.Units == 0 {
		delete(d.Holds, s.Holder)
		return
	}
	own.Expires = s.Now.Add(s.TTL)
	if d.Holds == nil {
		d.Holds = map[string]dailyHold{}
	}
	d.Holds[s.Holder] = own
}

// state is the record as holder sees it at now; lapsed holds and minutes
// out of the window count for nothing.
func (d *dailyLimitRecord) state(holder string, limit int, now time.Time) DailyLimitState {
	st := DailyLimitState{Limit: limit}
	m := now.Unix() / 60
	for _, x := range d.Minutes {
		if m-x.Minute < dailyWindow {
			st.Spent += x.Units
		}
	}
	for h, x := range d.Holds {
		if !x.Expires.After(now) {
			continue
		}
		if h == holder {
			st.Held, st.Expires = x.Units, x.Expires
		} else {
			st.HeldByOthers += x.Units
		}
	}
	return st
}
