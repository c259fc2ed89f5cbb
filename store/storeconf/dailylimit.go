package storeconf

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"lifeline/store"
)

// dailyLimitNow is when the daily limit's cases start; each step moves on
// from there, since the suite shares one record per backend.
var dailyLimitNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const dailyTTL = 2 * time.Minute

// dailyLimit: the portfolio's daily messaging limit as instances share it
// (store/dailylimit.go). Counted once from the send records; blocks held
// by instances never add up beyond the limit, also when several settle
// at once; spending moves units from a block to the window; a release or
// a lapsed hold gives the rest back; minutes leave the window 24 hours on.
func dailyLimit(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	const limit = 10
	now := dailyLimitNow
	// Before the first settle: u1 twice within 24 h (one unit), u2 23 h
	// ago (one), u3 25 h ago (none).
	sends := []struct {
		who string
		ago time.Duration
	}{
		{user + "1", time.Hour}, {user + "1", 30 * time.Minute}, {user + "2", 23 * time.Hour}, {user + "3", 25 * time.Hour},
	}
	for _, s := range sends {
		err := b.Write(ctx, store.UserScope(s.who), func(w store.Writer) error {
			return store.PutBroadcastSend(ctx, w, s.who, now.Add(-s.ago), "b1/1", 0)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	settle := func(holder string, at time.Time, spent map[int64]int, want int, release bool) (store.DailyLimitState, error) {
		return store.SettleDailyLimit(ctx, b, store.DailySettle{Holder: holder, Limit: limit, Now: at, Spent: spent, Want: want, Release: release, TTL: dailyTTL})
	}
	read := func(holder string, at time.Time) (store.DailyLimitState, error) {
		return store.ReadDailyLimit(ctx, b, holder, limit, at)
	}
	minute := func(at time.Time) int64 { return at.Unix() / 60 }
	type state struct{ spent, held, others, room int }
	steps := []struct {
		name string
		do   func() (store.DailyLimitState, error)
		want state
	}{
		{"a read before any settle counts the send records, each person once",
			func() (store.DailyLimitState, error) { return read("a", now) }, state{2, 0, 0, 8}},
		{"a settle seeds the record and grants a block within the room",
			func() (store.DailyLimitState, error) { return settle("a", now, nil, 3, false) }, state{2, 3, 0, 5}},
		{"another holder is granted only what is left",
			func() (store.DailyLimitState, error) { return settle("b", now, nil, 50, false) }, state{2, 5, 3, 0}},
		{"spending moves units from the block to the window",
			func() (store.DailyLimitState, error) {
				return settle("a", now.Add(time.Minute), map[int64]int{minute(now): 1, minute(now.Add(time.Minute)): 1}, 0, false)
			}, state{4, 1, 5, 0}},
		{"a release gives the rest of the block back",
			func() (store.DailyLimitState, error) { return settle("a", now.Add(time.Minute), nil, 0, true) }, state{4, 0, 5, 1}},
		{"a hold that lapsed counts for nobody",
			func() (store.DailyLimitState, error) { return read("a", now.Add(time.Minute+dailyTTL)) }, state{4, 0, 0, 6}},
		{"the seed leaves the window 24 hours after its sends",
			func() (store.DailyLimitState, error) { return read("a", now.Add(23*time.Hour+30*time.Minute)) }, state{2, 0, 0, 8}},
		{"what was spent leaves the window 24 hours after",
			func() (store.DailyLimitState, error) {
				return settle("c", now.Add(24*time.Hour+2*time.Minute), nil, 0, false)
			}, state{0, 0, 0, 10}},
	}
	for _, s := range steps {
		st, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := (state{st.Spent, st.Held, st.HeldByOthers, st.Room()}); got != s.want {
			t.Fatalf("%s: spent, held, held by others, room = %v, want %v", s.name, got, s.want)
		}
	}

	// Six holders ask at once for more than there is: what they are
	// granted adds up to the room, never more.
	at := now.Add(48 * time.Hour)
	var wg sync.WaitGroup
	held := make([]int, 6)
	errs := make([]error, 6)
	for i := range held {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := settle(fmt.Sprintf("h%d", i), at, nil, 4, false)
			held[i], errs[i] = st.Held, err
		}()
	}
	wg.Wait()
	total := 0
	for i := range held {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		total += held[i]
	}
	st, err := read("nobody", at)
	if err != nil {
		t.Fatal(err)
	}
	if total != limit || st.HeldByOthers != limit || st.Room() != 0 {
		t.Fatalf("concurrent grants: %v add up to %d, the record holds %d with room %d; want %d and no room", held, total, st.HeldByOthers, st.Room(), limit)
	}
	if _, err := store.SettleDailyLimit(context.Background(), b, store.DailySettle{Holder: "x", Now: at, TTL: dailyTTL}); err == nil {
		t.Fatal("a settle with no limit was accepted")
	}
}
