package store

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func testAuditEntry(action string) AuditEntry {
	return AuditEntry{At: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Actor: "token:abcd", Name: "ops", Role: "admin",
		Action: action, Target: "id=1", Detail: "detail of " + action}
}

// changeWithAudit is a change of one place with its audit entry as an
// event of the place's scope: what places, incidents, corrections and
// broadcasts commit.
func changeWithAudit(t *testing.T, db *DB, place, action string) AuditEntry {
	t.Helper()
	ctx := context.Background()
	var e AuditEntry
	err := db.Write(ctx, DocScope(DocPlace, place), func(w Writer) (err error) {
		if err := PutPlace(ctx, w, place, map[string]string{"action": action}); err != nil {
			return err
		}
		e, err = AppendAuditEvent(ctx, w, DocScope(DocPlace, place), testAuditEntry(action))
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return e
}

func listAudit(t *testing.T, db *DB, f AuditFilter, limit int) ([]AuditEntry, uint64) {
	t.Helper()
	var out []AuditEntry
	var next uint64
	read(t, db, func(ctx context.Context, r Reader) (err error) {
		out, next, err = ListAudit(ctx, r, f, limit)
		return err
	})
	return out, next
}

func actions(es []AuditEntry) string {
	var a []string
	for _, e := range es {
		a = append(a, e.Action)
	}
	return strings.Join(a, " ")
}

func pendingCount(t *testing.T, db *DB) int {
	t.Helper()
	n := 0
	read(t, db, func(ctx context.Context, r Reader) error {
		evs, err := PendingAuditEvents(ctx, r)
		n = len(evs)
		return err
	})
	return n
}

func fold(t *testing.T, db *DB) int {
	t.Helper()
	n, err := FoldAuditEvents(context.Background(), db)
	if err != nil {
		t.Fatalf("fold: %v", err)
	}
	return n
}

// A crash after the change committed and before its event was folded:
// the store is closed without a fold and opened again; the entry is
// listed while pending, and the fold at start appends it exactly once,
// with the number and content the change gave it.
func TestAuditEventLeftByACrashIsFoldedOnceAfterReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	want := changeWithAudit(t, db, "pl000001", "place.create")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if got, _ := listAudit(t, db, AuditFilter{}, 0); len(got) != 1 || got[0] != want {
		t.Fatalf("before the fold the log lists %+v, want the pending %+v", got, want)
	}
	if n := fold(t, db); n != 1 {
		t.Fatalf("fold appended %d entries, want 1", n)
	}
	if n := fold(t, db); n != 0 {
		t.Fatalf("a second fold appended %d entries, want 0", n)
	}
	got, _ := listAudit(t, db, AuditFilter{}, 0)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("after the folds the log lists %+v, want exactly %+v", got, want)
	}
	if n := pendingCount(t, db); n != 0 {
		t.Fatalf("%d events still pending after the fold", n)
	}
}

// A fold that appended the entry and stopped before deleting the event
// (a crash between its two transactions) appends nothing the next time.
func TestFoldInterruptedBeforeTheDeleteAppendsNothingTwice(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	e := changeWithAudit(t, db, "pl000001", "place.update")
	// The fold's first half: the entry under the event's number.
	err := db.Write(ctx, AuditScope(), func(w Writer) error { return putJSON(w, auditKey(e.Seq), e, 0) })
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := listAudit(t, db, AuditFilter{}, 0); len(got) != 1 {
		t.Fatalf("entry and its unfolded event list as %d entries, want 1: %+v", len(got), got)
	}
	if n := fold(t, db); n != 0 {
		t.Fatalf("the fold appended %d entries for an event already in the log, want 0", n)
	}
	if got, _ := listAudit(t, db, AuditFilter{}, 0); len(got) != 1 || got[0] != e {
		t.Fatalf("log %+v, want exactly %+v", got, e)
	}
	if n := pendingCount(t, db); n != 0 {
		t.Fatalf("%d events still pending", n)
	}
}

// The events of one scope enter the log in the order they were written,
// between the entries appended directly, and the log reads the same
// before and after the fold.
func TestAuditEventsKeepTheirOrderPerScope(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	changeWithAudit(t, db, "pl000001", "a.1")
	changeWithAudit(t, db, "pl000002", "b.1")
	changeWithAudit(t, db, "pl000001", "a.2")
	err := db.Write(ctx, AuditScope(), func(w Writer) error {
		_, err := AppendAudit(ctx, w, testAuditEntry("direct"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	changeWithAudit(t, db, "pl000002", "b.2")
	changeWithAudit(t, db, "pl000001", "a.3")

	const want = "a.3 b.2 direct a.2 b.1 a.1" // newest first
	before, _ := listAudit(t, db, AuditFilter{}, 0)
	if got := actions(before); got != want {
		t.Fatalf("before the fold: %q, want %q", got, want)
	}
	if n := fold(t, db); n != 5 {
		t.Fatalf("fold appended %d, want 5", n)
	}
	after, _ := listAudit(t, db, AuditFilter{}, 0)
	if got := actions(after); got != want {
		t.Fatalf("after the fold: %q, want %q", got, want)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("entry %d changed by the fold: %+v, then %+v", i, before[i], after[i])
		}
	}
	if got, _ := listAudit(t, db, AuditFilter{Action: "a."}, 0); actions(got) != "a.3 a.2 a.1" {
		t.Errorf("place pl000001's entries: %q, want a.3 a.2 a.1", actions(got))
	}
}

// Pages run across folded entries and pending events alike.
func TestAuditPagesRunAcrossPendingEvents(t *testing.T) {
	db := memDB(t)
	for _, a := range []string{"e.1", "e.2", "e.3"} {
		changeWithAudit(t, db, "pl000001", a)
	}
	fold(t, db)
	for _, a := range []string{"e.4", "e.5"} {
		changeWithAudit(t, db, "pl000001", a)
	}
	var pages []string
	var before uint64
	for range 5 {
		got, next := listAudit(t, db, AuditFilter{Before: before}, 2)
		pages = append(pages, actions(got))
		if next == 0 {
			break
		}
		before = next
	}
	if got, want := strings.Join(pages, " | "), "e.5 e.4 | e.3 e.2 | e.1"; got != want {
		t.Fatalf("pages %q, want %q", got, want)
	}
}

// The folder registered with the store runs after every commit that
// wrote an event, before Write returns: the entry is in the log, not
// pending, when the change's caller goes on. Other commits, and a
// transaction that failed, do not wake it.
func TestFolderRunsWhenTheChangeWithAnEventCommits(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	var calls atomic.Int32
	db.SetAuditFolder(func(ctx context.Context) {
		calls.Add(1)
		if _, err := FoldAuditEvents(ctx, db); err != nil {
			t.Errorf("fold: %v", err)
		}
	})

	changeWithAudit(t, db, "pl000001", "place.create")
	if n := pendingCount(t, db); n != 0 || calls.Load() != 1 {
		t.Fatalf("after the commit: %d pending, folder called %d times; want 0 and 1", n, calls.Load())
	}
	if got, _ := listAudit(t, db, AuditFilter{}, 0); actions(got) != "place.create" {
		t.Fatalf("log %q, want place.create", actions(got))
	}

	err := db.Write(ctx, DocScope(DocPlace, "pl000001"), func(w Writer) error {
		return PutPlace(ctx, w, "pl000001", map[string]string{"no": "audit"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, DocScope(DocPlace, "pl000001"), func(w Writer) error {
		if _, err := AppendAuditEvent(ctx, w, DocScope(DocPlace, "pl000001"), testAuditEntry("place.update")); err != nil {
			return err
		}
		return PutContact(ctx, w, Contact{WaID: "966500000001"}) // refused: nothing commits
	})
	if err == nil {
		t.Fatal("an out-of-scope write committed")
	}
	if calls.Load() != 1 {
		t.Fatalf("folder called %d times, want 1: only the commit with an event wakes it", calls.Load())
	}
	if got, _ := listAudit(t, db, AuditFilter{}, 0); actions(got) != "place.create" {
		t.Fatalf("log %q, want only place.create: the refused change left an entry", actions(got))
	}

	db.SetAuditFolder(nil)
	changeWithAudit(t, db, "pl000001", "place.delete")
	if n := pendingCount(t, db); n != 1 || calls.Load() != 1 {
		t.Fatalf("without a folder: %d pending, %d calls; want 1 and 1", n, calls.Load())
	}
}
