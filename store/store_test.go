package store

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
)

func TestStatusesOnlyMoveForward(t *testing.T) {
	cases := []struct {
		current, next, want string
		changed             bool
	}{
		{StatusQueued, StatusSent, StatusSent, true},
		{StatusSent, StatusDelivered, StatusDelivered, true},
		{StatusRead, StatusDelivered, StatusRead, false}, // webhooks arrive out of order
		{StatusDelivered, StatusSent, StatusDelivered, false},
		{StatusRead, StatusFailed, StatusFailed, true}, // failed wins
		{StatusFailed, StatusRead, StatusFailed, false},
		{StatusSent, "deleted", StatusSent, false}, // unknown values are ignored
	}
	for _, c := range cases {
		got, changed := AdvanceStatus(c.current, c.next)
		if got != c.want || changed != c.changed {
			t.Errorf("%s + %s = %s %v, want %s %v", c.current, c.next, got, changed, c.want, c.changed)
		}
	}
}

func TestKeysSortNumericallyAndNeverShareAPrefix(t *testing.T) {
	if bytes.Compare(InboxKey(255), InboxKey(256)) >= 0 || bytes.Compare(OutboxKey(9), OutboxKey(10)) >= 0 {
		t.Error("sequence keys must sort in numeric order")
	}
	if bytes.HasPrefix(TranscriptKey("1555", 1), TranscriptPrefix("155")) {
		t.Error("the transcript of user 155 must not include user 1555's")
	}
	if bytes.HasPrefix(DocKey(DocFAQVersion, "x"), DocPrefix("faq")) {
		t.Error("doc kind faq must not include faqv")
	}
	if SeqOf(InboxKey(123456789)) != 123456789 || SeqOf(TranscriptKey("u", 42)) != 42 {
		t.Error("SeqOf does not read back the sequence")
	}
}

func TestConcurrentUpdatesAreAllDurableOnDisk(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var syncs atomic.Int64
	inner := db.sync.syncFn
	db.sync.syncFn = func() error { syncs.Add(1); return inner() }
	const n = 200
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := db.Update(func(tx *Txn) error { return tx.SetJSON(SessionKey(fmt.Sprint(i)), i, 0) }); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if s := syncs.Load(); s < 1 || s > n {
		t.Errorf("%d syncs for %d commits", s, n)
	}
	t.Logf("%d commits, %d syncs", n, syncs.Load())
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < n; i++ {
		var v int
		if err := db.View(func(tx *Txn) error { return tx.GetJSON(SessionKey(fmt.Sprint(i)), &v) }); err != nil || v != i {
			t.Fatalf("key %d after reopen: %d %v", i, v, err)
		}
	}
}

func TestUpdateAfterCloseFails(t *testing.T) {
	db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := db.Update(func(tx *Txn) error { return tx.Set(SessionKey("x"), []byte("1"), 0) }); err == nil {
		t.Fatal("a write to a closed store must fail")
	}
}
