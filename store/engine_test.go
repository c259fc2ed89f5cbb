package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// The engine's records: inbox, dedupe markers, conversation, transcript,
// delivery references, outbox and contact import staging.

type testEvent struct {
	Kind string `json:"kind"`
	N    int    `json:"n"`
}

func TestInboxKeepsEventsInOrderUntilRemovedOrSetAside(t *testing.T) {
	db := memDB(t)
	var seqs []uint64
	write(t, db, func(ctx context.Context, w Writer) error {
		for i := range 3 {
			seq, err := AddInbox(ctx, w, []byte(fmt.Sprintf(`{"kind":"message","n":%d}`, i)))
			if err != nil {
				return err
			}
			seqs = append(seqs, seq)
		}
		return PutInbox(ctx, w, seqs[2]+1, []byte(`{not json`))
	})
	if !slices.IsSorted(seqs) || seqs[0] == seqs[1] {
		t.Fatalf("inbox numbers %v do not grow", seqs)
	}

	type seen struct {
		seq uint64
		n   int
		bad bool
	}
	pending := func() []seen {
		var got []seen
		read(t, db, func(ctx context.Context, r Reader) error {
			return EachPendingInbox(ctx, r, func(seq uint64, ev testEvent, bad error) error {
				got = append(got, seen{seq, ev.N, bad != nil})
				return nil
			})
		})
		return got
	}
	want := []seen{{seqs[0], 0, false}, {seqs[1], 1, false}, {seqs[2], 2, false}, {seqs[2] + 1, 0, true}}
	if got := pending(); !slices.Equal(got, want) {
		t.Fatalf("pending %+v, want %+v (the unreadable one reported, not fatal)", got, want)
	}

	write(t, db, func(ctx context.Context, w Writer) error {
		if err := DeleteInbox(ctx, w, seqs[0]); err != nil {
			return err
		}
		if err := DeleteInbox(ctx, w, seqs[0]); err != nil { // gone already: no error
			return err
		}
		return SetAside(ctx, w, seqs[1], testEvent{Kind: "message", N: 1})
	})
	if got := pending(); len(got) != 2 || got[0].seq != seqs[2] {
		t.Fatalf("after removal and set-aside: %+v", got)
	}
	var dead []testEvent
	read(t, db, func(ctx context.Context, r Reader) error {
		ok, err := HasInbox(ctx, r, seqs[1])
		if err != nil || ok {
			return fmt.Errorf("set-aside event still in the inbox: %v %v", ok, err)
		}
		return EachDeadLetter(ctx, r, func(ev testEvent) error { dead = append(dead, ev); return nil })
	})
	if len(dead) != 1 || dead[0].N != 1 {
		t.Fatalf("dead letters %+v", dead)
	}

	ctx := context.Background()
	if err := db.WriteAny(ctx, func(w Writer) error { return PutInbox(ctx, w, 0, []byte(`{}`)) }); err == nil {
		t.Error("an event at sequence 0 was stored")
	}
}

func TestMarkSeenAcceptsAnIdOnce(t *testing.T) {
	db := memDB(t)
	cases := []struct {
		id        string
		wantFirst bool
		wantErr   string
	}{
		{id: "wamid.A", wantFirst: true},
		{id: "wamid.A", wantFirst: false},
		{id: "wamid.A:delivered", wantFirst: true},
		{id: "wamid.B", wantFirst: true},
		{id: "", wantErr: "empty id"},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%d %s", i, tc.id), func(t *testing.T) {
			ctx := context.Background()
			var first bool
			err := db.WriteAny(ctx, func(w Writer) error {
				var err error
				first, err = MarkSeen(ctx, w, tc.id, t0, 0)
				return err
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || first != tc.wantFirst {
				t.Fatalf("first = %v, %v; want %v", first, err, tc.wantFirst)
			}
		})
	}
}

func TestCountSeenCountsIdsUnderAPrefix(t *testing.T) {
	db := memDB(t)
	ctx := context.Background()
	if err := db.WriteAny(ctx, func(w Writer) error {
		for _, id := range []string{"wamid.A", "wamid.A:delivered", "wamid.B", "other"} {
			if _, err := MarkSeen(ctx, w, id, t0, 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefix string
		want   int
	}{
		{"wamid.A", 2},
		{"wamid.", 3},
		{"wamid.C", 0},
		{"", 4},
	}
	for _, tc := range cases {
		var n int
		if err := db.Read(ctx, func(r Reader) (err error) { n, err = CountSeen(ctx, r, tc.prefix); return err }); err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("CountSeen(%q) = %d, want %d", tc.prefix, n, tc.want)
		}
	}
}

type testSession struct {
	State    string `json:"state"`
	InboxSeq uint64 `json:"inbox_seq,omitempty"`
}

func TestConversationTellsWhetherItChangedSinceItWasRead(t *testing.T) {
	db := memDB(t)
	const user = "966500000001"
	load := func() Conversation[testSession] {
		var c Conversation[testSession]
		read(t, db, func(ctx context.Context, r Reader) error {
			var err error
			c, err = LoadConversation[testSession](ctx, r, user)
			return err
		})
		return c
	}
	empty := load()
	if empty.HasSession || empty.HasContact {
		t.Fatalf("a new user has %+v", empty)
	}
	if again := load(); !again.Unchanged(&empty) {
		t.Fatal("two reads of nothing differ")
	}

	steps := []struct {
		name  string
		write func(ctx context.Context, w Writer) error
	}{
		{"session saved", func(ctx context.Context, w Writer) error {
			return PutSession(ctx, w, user, testSession{State: "idle", InboxSeq: 7})
		}},
		{"contact saved", func(ctx context.Context, w Writer) error {
			return PutContact(ctx, w, Contact{WaID: user, Name: "A"})
		}},
		{"contact marked", func(ctx context.Context, w Writer) error {
			_, err := MarkUnreachable(w, user, CodeUndeliverable, t0)
			return err
		}},
	}
	prev := empty
	for _, s := range steps {
		write(t, db, s.write)
		cur := load()
		if cur.Unchanged(&prev) {
			t.Fatalf("%s: the conversation reads as unchanged", s.name)
		}
		if again := load(); !again.Unchanged(&cur) {
			t.Fatalf("%s: two reads with no write between differ", s.name)
		}
		prev = cur
	}
	if !prev.HasSession || prev.Session.InboxSeq != 7 || !prev.HasContact || !prev.Contact.Unreachable {
		t.Fatalf("conversation read back as %+v", prev)
	}

	ctx := context.Background()
	if err := db.WriteAny(ctx, func(w Writer) error { return PutSession(ctx, w, "", testSession{}) }); err == nil {
		t.Error("a session without a user was saved")
	}
}

func TestTranscriptEntriesAreNumberedAndRecordTheirSend(t *testing.T) {
	db := memDB(t)
	const user = "966500000002"
	var out Entry
	write(t, db, func(ctx context.Context, w Writer) error {
		for i := range 5 {
			e := Entry{Dir: In, At: t0, Type: "text", Text: fmt.Sprint("m", i)}
			if _, err := AppendTranscript(ctx, w, user, &e); err != nil {
				return err
			}
		}
		out = Entry{Dir: Out, At: t0, Type: "text", Text: "reply", Status: StatusQueued}
		_, err := AppendTranscript(ctx, w, user, &out)
		return err
	})
	if out.Seq == 0 {
		t.Fatal("the entry got no number")
	}

	cases := []struct {
		name  string
		limit int
		want  []string
	}{
		{"newest three, oldest first", 3, []string{"m3", "m4", "reply"}},
		{"more than there are", 10, []string{"m0", "m1", "m2", "m3", "m4", "reply"}},
		{"none", 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			read(t, db, func(ctx context.Context, r Reader) error {
				es, err := LastTranscript(ctx, r, user, tc.limit)
				for _, e := range es {
					got = append(got, e.Text)
				}
				return err
			})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}

	var found bool
	write(t, db, func(ctx context.Context, w Writer) error {
		var err error
		found, err = RecordSent(ctx, w, user, out.Seq, "wamid.OUT")
		return err
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		ref, err := GetSentRef(ctx, r, "wamid.OUT")
		if err != nil || ref != (SentRef{User: user, Seq: out.Seq}) {
			return fmt.Errorf("reference %+v, %v", ref, err)
		}
		e, err := GetTranscriptEntry(ctx, r, user, out.Seq)
		if err != nil || e.MessageID != "wamid.OUT" || e.Status != StatusSent {
			return fmt.Errorf("entry after the send %+v, %v", e, err)
		}
		return nil
	})
	if !found {
		t.Fatal("the entry was not found")
	}

	// A delivered status before the send's answer: the send moves nothing back.
	write(t, db, func(ctx context.Context, w Writer) error {
		e, err := GetTranscriptEntry(ctx, w, user, out.Seq)
		if err != nil {
			return err
		}
		e.Status = StatusDelivered
		if err := PutTranscriptEntry(ctx, w, user, e); err != nil {
			return err
		}
		_, err = RecordSent(ctx, w, user, out.Seq, "wamid.OUT")
		return err
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		e, err := GetTranscriptEntry(ctx, r, user, out.Seq)
		if err != nil || e.Status != StatusDelivered {
			return fmt.Errorf("status went back to %q (%v)", e.Status, err)
		}
		return nil
	})

	// An erased entry: nothing to record, no reference left behind.
	write(t, db, func(ctx context.Context, w Writer) error {
		var err error
		found, err = RecordSent(ctx, w, "966500000099", 12345, "wamid.GONE")
		return err
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		if _, err := GetSentRef(ctx, r, "wamid.GONE"); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("reference of an erased entry: %v", err)
		}
		return nil
	})
	if found {
		t.Fatal("an erased entry was reported found")
	}
}

func TestOutboxItemsAreNumberedStoredAndRemoved(t *testing.T) {
	db := memDB(t)
	var seqs []uint64
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, user := range []string{"a", "b"} {
			seq, err := NewOutboxSeq(ctx, w)
			if err != nil {
				return err
			}
			if err := PutOutboxItem(ctx, w, &OutboxItem{Seq: seq, User: user, CreatedAt: t0}); err != nil {
				return err
			}
			seqs = append(seqs, seq)
		}
		return w.Set(outboxKey(seqs[1]+1), []byte("{broken"), 0)
	})
	var got []string
	bad := 0
	read(t, db, func(ctx context.Context, r Reader) error {
		return EachPendingOutbox(ctx, r, func(seq uint64, it OutboxItem, err error) error {
			if err != nil {
				bad++
				return nil
			}
			got = append(got, fmt.Sprint(seq, it.User))
			return nil
		})
	})
	if want := []string{fmt.Sprint(seqs[0], "a"), fmt.Sprint(seqs[1], "b")}; !slices.Equal(got, want) || bad != 1 {
		t.Fatalf("pending %v and %d unreadable, want %v and 1", got, bad, want)
	}

	write(t, db, func(ctx context.Context, w Writer) error {
		it, err := GetOutboxItem(ctx, w, seqs[0])
		if err != nil {
			return err
		}
		it.Attempts++
		if err := PutOutboxItem(ctx, w, &it); err != nil {
			return err
		}
		return DeleteOutboxItem(ctx, w, seqs[1])
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		it, err := GetOutboxItem(ctx, r, seqs[0])
		if err != nil || it.Attempts != 1 {
			return fmt.Errorf("item after the retry %+v, %v", it, err)
		}
		if _, err := GetOutboxItem(ctx, r, seqs[1]); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("removed item: %v", err)
		}
		if ok, err := HasOutboxItem(ctx, r, seqs[1]); ok || err != nil {
			return fmt.Errorf("removed item is still there: %v %v", ok, err)
		}
		return nil
	})
	ctx := context.Background()
	if err := db.WriteAny(ctx, func(w Writer) error { return PutOutboxItem(ctx, w, &OutboxItem{User: "a"}) }); err == nil {
		t.Error("an item without a number was stored")
	}
}

type testMarker struct {
	ID        string `json:"id"`
	Committed bool   `json:"committed"`
}

type testRow struct {
	WaID string `json:"wa_id"`
}

func TestContactImportStagesRowsAndDiscardsThem(t *testing.T) {
	db := memDB(t)
	ctx := context.Background()
	rows := make([]testRow, 7)
	for i := range rows {
		rows[i] = testRow{WaID: fmt.Sprint("9665000000", i)}
	}
	if err := StageContactRows(ctx, db, "ci1", 0, rows[:5]); err != nil {
		t.Fatal(err)
	}
	if err := StageContactRows(ctx, db, "ci1", 5, rows[5:]); err != nil {
		t.Fatal(err)
	}
	if err := StageContactRows(ctx, db, "ci2", 0, rows[:1]); err != nil {
		t.Fatal(err)
	}
	write(t, db, func(ctx context.Context, w Writer) error {
		return PutContactImport(ctx, w, testMarker{ID: "ci1"})
	})

	cases := []struct {
		name              string
		maxRows, maxBytes int
		want              int
	}{
		{"every row", 0, 0, 7},
		{"bounded by rows", 3, 0, 3},
		{"bounded by bytes", 0, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			read(t, db, func(ctx context.Context, r Reader) error {
				got, err := StagedContactRows(ctx, r, "ci1", tc.maxRows, tc.maxBytes)
				if err != nil || len(got) != tc.want || got[0] != 0 || !slices.IsSorted(got) {
					return fmt.Errorf("rows %v, %v; want %d from 0", got, err, tc.want)
				}
				return nil
			})
		})
	}

	write(t, db, func(ctx context.Context, w Writer) error {
		m, err := GetContactImport[testMarker](ctx, w)
		if err != nil || m.ID != "ci1" {
			return fmt.Errorf("marker %+v, %v", m, err)
		}
		row, err := GetStagedContactRow[testRow](ctx, w, "ci1", 6)
		if err != nil || row != rows[6] {
			return fmt.Errorf("row 6 is %+v, %v", row, err)
		}
		return DeleteStagedContactRow(ctx, w, "ci1", 6)
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		ids, err := StagedContactImports(ctx, r)
		if err != nil || !slices.Equal(ids, []string{"ci1", "ci2"}) {
			return fmt.Errorf("imports with staged rows %v, %v", ids, err)
		}
		_, err = GetStagedContactRow[testRow](ctx, r, "ci1", 6)
		if !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("deleted row: %v", err)
		}
		return nil
	})

	total := 0
	for {
		n, err := DiscardStagedContactRows(ctx, db, "ci1", 4)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if n > 4 {
			t.Fatalf("discarded %d rows in one batch, bound 4", n)
		}
		total += n
	}
	if total != 6 {
		t.Fatalf("discarded %d rows, want 6", total)
	}
	write(t, db, func(ctx context.Context, w Writer) error { return DeleteContactImport(ctx, w) })
	read(t, db, func(ctx context.Context, r Reader) error {
		ids, err := StagedContactImports(ctx, r)
		if err != nil || !slices.Equal(ids, []string{"ci2"}) {
			return fmt.Errorf("imports with staged rows %v, %v", ids, err)
		}
		if ok, err := HasContactImport(ctx, r); ok || err != nil {
			return fmt.Errorf("marker left: %v %v", ok, err)
		}
		return nil
	})
}

// The contract every backend's NextSeq keeps (see Writer): numbers are
// never 0 nor handed out twice, grow in call order, and stay above every
// number already used after the store is closed and opened again (a
// restart), gaps allowed. The inbox relies on it: one user's events,
// added in the order they were accepted, read back in that order, before
// and after a restart.
func TestSequenceNumbersMeetTheWriterContract(t *testing.T) {
	dir := t.TempDir()
	open := func() *DB {
		db, err := Open(Options{Dir: dir, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	ctx := context.Background()
	var seqs []uint64 // inbox numbers of one user's events, in arrival order
	addEvents := func(db *DB, from, n int) {
		for i := from; i < from+n; i++ {
			// One event per transaction, as the ingest step commits them.
			err := db.WriteAny(ctx, func(w Writer) error {
				seq, err := AddInbox(ctx, w, []byte(fmt.Sprintf(`{"kind":"message","n":%d}`, i)))
				seqs = append(seqs, seq)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	db := open()
	addEvents(db, 0, 5)
	// Other sequences and a retried transaction leave gaps, never repeats.
	var drawn []uint64
	for range 3 {
		if err := db.WriteAny(ctx, func(w Writer) error {
			n, err := w.NextSeq("transcript")
			drawn = append(drawn, n)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = open() // a restart: a new block of numbers
	defer db.Close()
	addEvents(db, 5, 5)

	for i, s := range seqs {
		if s == 0 || (i > 0 && s <= seqs[i-1]) {
			t.Fatalf("inbox numbers %v: number %d is 0 or not above the one before", seqs, i)
		}
	}
	if slices.Contains(drawn, 0) || !slices.IsSorted(drawn) || len(slices.Compact(slices.Clone(drawn))) != len(drawn) {
		t.Fatalf("transcript numbers %v: want distinct, growing, never 0", drawn)
	}
	var order []int
	err := db.Read(ctx, func(r Reader) error {
		return EachPendingInbox(ctx, r, func(seq uint64, ev testEvent, bad error) error {
			if bad != nil {
				return bad
			}
			order = append(order, ev.N)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}; !slices.Equal(order, want) {
		t.Fatalf("inbox reads back %v, want the arrival order %v", order, want)
	}
}
