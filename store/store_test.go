package store

import (
	"bytes"
	"context"
	"errors"
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
	if bytes.Compare(inboxKey(255), inboxKey(256)) >= 0 || bytes.Compare(outboxKey(9), outboxKey(10)) >= 0 {
		t.Error("sequence keys must sort in numeric order")
	}
	if bytes.HasPrefix(transcriptKey("1555", 1), transcriptPrefix("155")) {
		t.Error("the transcript of user 155 must not include user 1555's")
	}
	if bytes.HasPrefix(docKey(DocFAQVersion, "x"), docPrefix("faq")) {
		t.Error("doc kind faq must not include faqv")
	}
	if seqOf(inboxKey(123456789)) != 123456789 || seqOf(transcriptKey("u", 42)) != 42 {
		t.Error("seqOf does not read back the sequence")
	}
}

func TestEveryKeyReadsBackAsItsKindAndID(t *testing.T) {
	cases := []struct {
		label string
		key   Key
		kind  RecordKind
		doc   DocKind
		id    string
	}{
		{"inbox", inboxKey(300), KindInbox, "", "300"},
		{"seen", seenKey("m:wamid.A"), KindSeen, "", "m:wamid.A"},
		{"session", sessionKey("1555"), KindSession, "", "1555"},
		{"contact", contactKey("1555"), KindContact, "", "1555"},
		{"outbox", outboxKey(7), KindOutbox, "", "7"},
		{"transcript", transcriptKey("1555", 256), KindTranscript, "", "1555/256"},
		{"sent", sentKey("wamid.B"), KindSent, "", "wamid.B"},
		{"document", docKey(DocHandoffPast, "1555/99"), KindDoc, DocHandoffPast, "1555/99"},
		{"document id with a zero byte", docKey(DocAudit, "\x00\x01"), KindDoc, DocAudit, "\x00\x01"},
		{"sequence", seqKey("outbox"), KindSequence, "", "outbox"},
		{"broadcast recipient", broadcastRecipientKey("b1", 2), KindBroadcastRecipient, "", "b1/2"},
		{"broadcast engagement", broadcastEngagementKey("b1", 3), KindBroadcastEngagement, "", "b1/3"},
		{"broadcast counter", broadcastCounterKey("b1", 4), KindBroadcastCounter, "", "b1/4"},
		{"broadcast count delta", broadcastCountDeltaKey("b1", 2, 5), KindBroadcastCountDelta, "", "b1/2/5"},
		{"broadcast count base", broadcastCountBaseKey("b1"), KindBroadcastCountBase, "", "b1"},
		{"broadcast progress", broadcastProgressKey("b1"), KindBroadcastProgress, "", "b1"},
		{"broadcast member", broadcastMemberKey("1555", "b1"), KindBroadcastMember, "", "1555/b1"},
		{"broadcast frequency", broadcastFrequencyKey("1555", 5), KindBroadcastFrequency, "", "1555/5"},
		{"broadcast event", broadcastWebhookKey(6), KindBroadcastEvent, "", "6"},
		{"broadcast idempotency key", broadcastIdemKey("req-1"), KindBroadcastIdem, "", "req-1"},
		{"unknown prefix", Key("zzz"), KindUnknown, "", "zzz"},
		{"inbox key cut short", Key{prefixInbox, 1}, KindUnknown, "", "i\x01"},
		{"transcript without its number", Key("t1555"), KindUnknown, "", "t1555"},
	}
	for _, c := range cases {
		kind, doc, id := parseKey(c.key)
		if kind != c.kind || doc != c.doc || id != c.id {
			t.Errorf("%s: read as %s %q %q, want %s %q %q", c.label, kind, doc, id, c.kind, c.doc, c.id)
		}
	}
}

func TestEachRecordWalksEveryRecordByKind(t *testing.T) {
	db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = db.WriteAny(ctx, func(w Writer) error {
		if err := PutContact(ctx, w, Contact{WaID: "1555", Name: "Sam"}); err != nil {
			return err
		}
		if err := PutTranscriptEntry(ctx, w, "1555", Entry{Seq: 9, Text: "hello"}); err != nil {
			return err
		}
		return PutAdminToken(ctx, w, AdminToken{ID: "abc", Name: "ops"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = db.Read(ctx, func(r Reader) error {
		return EachRecord(ctx, r, func(rec Record) error {
			got = append(got, fmt.Sprintf("%s %s %s %v", rec.Kind, rec.Doc, rec.ID, bytes.Contains(rec.Value, []byte("Sam")) || bytes.Contains(rec.Value, []byte("hello")) || bytes.Contains(rec.Value, []byte("ops"))))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"contact  1555 true", "doc tok abc true", "transcript  1555/9 true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("walked %q, want %q", got, want)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	err = db.Read(ctx, func(r Reader) error { return EachRecord(cancelled, r, func(Record) error { return nil }) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("walk with a cancelled context: %v", err)
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
			if err := db.update(func(tx *Txn) error { return tx.SetJSON(sessionKey(fmt.Sprint(i)), i, 0) }); err != nil {
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
		if err := db.view(func(tx *Txn) error { return tx.GetJSON(sessionKey(fmt.Sprint(i)), &v) }); err != nil || v != i {
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
	if err := db.update(func(tx *Txn) error { return tx.Set(sessionKey("x"), []byte("1"), 0) }); err == nil {
		t.Fatal("a write to a closed store must fail")
	}
}
