package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

func TestActionNamesReadLikeWhatHappened(t *testing.T) {
	cases := []struct{ prefix, method, route, want string }{
		{"handoff", "POST", "/admin/handoffs/:id/claim", "handoff.claim"},
		{"handoff", "POST", "/admin/handoffs/:id/notes", "handoff.notes"},
		{"kb", "POST", "/admin/kb/import", "kb.import"},
		{"kb", "POST", "/admin/kb/entries", "kb.entries"},
		{"kb", "PUT", "/admin/kb/entries/:id", "kb.entries.update"},
		{"kb", "DELETE", "/admin/kb/entries/:id", "kb.entries.delete"},
		{"kb", "POST", "/admin/kb/versions/:v/rollback", "kb.versions.rollback"},
		{"kb", "POST", "/admin/kb/candidates/:id/approve", "kb.candidates.approve"},
		{"broadcast", "POST", "/admin/broadcasts", "broadcast.create"},
		{"broadcast", "POST", "/admin/broadcasts/:id/pause", "broadcast.pause"},
		{"agent", "PATCH", "/admin/agents/:id", "agent.update"},
		{"contact", "POST", "/admin/contacts/import", "contact.import"},
		{"contact", "DELETE", "/admin/contacts/:wa_id", "contact.delete"},
		{"session", "POST", "/admin/logout", "session.logout"},
	}
	for _, tc := range cases {
		if got := ActionName(tc.prefix, tc.method, tc.route); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.method, tc.route, got, tc.want)
		}
	}
}

// change commits a change of one place with its audit entry as an event
// of the place's scope, as the places service does.
func change(t *testing.T, l *Log, db *store.DB, place, action string) {
	t.Helper()
	ctx := context.Background()
	scope := store.DocScope(store.DocPlace, place)
	err := db.Write(ctx, scope, func(w store.Writer) error {
		if err := store.PutPlace(ctx, w, place, map[string]string{"id": place}); err != nil {
			return err
		}
		_, err := l.Event(ctx, w, scope, Entry{Actor: "token:abcd", Role: "admin", Action: action, Target: place})
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
}

func pending(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	err := db.Read(context.Background(), func(r store.Reader) error {
		evs, err := store.PendingAuditEvents(context.Background(), r)
		n = len(evs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func entries(t *testing.T, l *Log) string {
	t.Helper()
	es, _, err := l.List(context.Background(), Filter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var a []string
	for _, e := range es {
		a = append(a, e.Action+" "+e.Target)
	}
	return strings.Join(a, ", ")
}

// The process stops after a change committed with its audit event and
// before the fold (nothing folds here until Start). When the store is
// opened again, starting the log's folder moves the entry in exactly
// once; from then on each change is folded before its Write returns, and
// after Stop events wait for the next Start.
func TestFolderMovesWhatAStopLeftExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	open := func() *store.DB {
		db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	at := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

	db := open()
	change(t, New(db, zerolog.Nop(), at), db, "pl000001", "place.create")
	if n := pending(t, db); n != 1 {
		t.Fatalf("%d events pending before any folder, want 1", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = open()
	defer db.Close()
	l := New(db, zerolog.Nop(), at)
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, n := entries(t, l), pending(t, db); got != "place.create pl000001" || n != 0 {
		t.Fatalf("after Start: log %q with %d pending, want the one entry and none pending", got, n)
	}
	if err := l.Start(context.Background()); err != nil { // a second start folds nothing again
		t.Fatal(err)
	}
	change(t, l, db, "pl000001", "place.update")
	if got, n := entries(t, l), pending(t, db); got != "place.update pl000001, place.create pl000001" || n != 0 {
		t.Fatalf("after a change: log %q with %d pending, want both entries once and none pending", got, n)
	}

	l.Stop()
	change(t, l, db, "pl000001", "place.delete")
	if n := pending(t, db); n != 1 {
		t.Fatalf("after Stop: %d pending, want 1", n)
	}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, n := entries(t, l), pending(t, db); got != "place.delete pl000001, place.update pl000001, place.create pl000001" || n != 0 {
		t.Fatalf("after the next Start: log %q with %d pending", got, n)
	}
}
