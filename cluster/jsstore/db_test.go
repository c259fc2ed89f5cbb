package jsstore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"lifeline/store"
	"lifeline/store/storeconf"
)

// openDB is a store.DB over one embedded node: what `lifeline serve`
// runs with LIFELINE_BACKEND=nats.
func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.OpenBackend(open(t), "jetstream", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The DB's typed operations reach JetStream through the seam: the same
// suite as badger, run through store.DB rather than the Store.
func TestDBOverJetStreamConforms(t *testing.T) {
	storeconf.Run(t, func(t *testing.T) storeconf.Backend { return openDB(t) })
}

// What only badger does fails over JetStream with ErrUnsupported,
// naming the feature, and writes nothing.
func TestDBOverJetStreamRefusesBadgerOnlyFeatures(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	cases := []struct {
		feature string
		run     func() error
	}{
		{"WriteAny", func() error {
			return db.WriteAny(ctx, func(w store.Writer) error { return w.Set(store.Key("s15550009"), []byte("x"), 0) })
		}},
		{"backup", func() error { _, err := db.Backup(&bytes.Buffer{}, 0); return err }},
		{"restore a backup", func() error { return db.Load(strings.NewReader("")) }},
		{"flatten", db.Flatten},
	}
	for _, tc := range cases {
		t.Run(tc.feature, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, store.ErrUnsupported) || !strings.Contains(err.Error(), tc.feature) || !strings.Contains(err.Error(), "jetstream") {
				t.Fatalf("error %v, want ErrUnsupported naming %q and the backend", err, tc.feature)
			}
		})
	}
	var found bool
	if err := db.Read(ctx, func(r store.Reader) error {
		var err error
		found, err = r.Has(store.Key("s15550009"))
		return err
	}); err != nil || found {
		t.Errorf("the refused WriteAny wrote its record (found %v, %v)", found, err)
	}
}

// A write batch over JetStream (staging a contact import, storing a FAQ
// version's chunks) lands as scoped writes of at most 500 records, and
// its deletions too.
func TestDBOverJetStreamWriteBatch(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	rows := make([]int, 1200)
	for i := range rows {
		rows[i] = i
	}
	if err := store.StageContactRows(ctx, db, "imp1", 1, rows); err != nil {
		t.Fatal(err)
	}
	var staged []uint64
	err := db.ReadIn(ctx, store.ContactImportScope(), func(r store.Reader) error {
		var err error
		staged, err = store.StagedContactRows(ctx, r, "imp1", 0, 0)
		return err
	})
	if err != nil || len(staged) != len(rows) || staged[0] != 1 || staged[len(staged)-1] != uint64(len(rows)) {
		t.Fatalf("staged %d rows (%v), want 1..%d", len(staged), err, len(rows))
	}
	n, err := store.DiscardStagedContactRows(ctx, db, "imp1", 0)
	if err != nil || n != len(rows) {
		t.Fatalf("discarded %d, %v; want %d", n, err, len(rows))
	}
	err = db.ReadIn(ctx, store.ContactImportScope(), func(r store.Reader) error {
		var err error
		staged, err = store.StagedContactRows(ctx, r, "imp1", 0, 0)
		return err
	})
	if err != nil || len(staged) != 0 {
		t.Fatalf("after the discard %d rows are staged (%v)", len(staged), err)
	}
}

// WriteEach over JetStream commits each write in its scope, in order,
// and stops at the first that fails: those before it stay committed.
func TestDBOverJetStreamWriteEach(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	set := func(user string) store.ScopedWrite {
		return store.ScopedWrite{Scope: store.UserScope(user), Fn: func(w store.Writer) error {
			return w.Set(store.Key("s"+user), []byte("v"), 0)
		}}
	}
	bad := store.ScopedWrite{Scope: store.UserScope("15550002"), Fn: func(w store.Writer) error {
		return w.Set(store.Key("s15550003"), []byte("v"), 0) // another user's session
	}}
	done, err := db.WriteEach(ctx, []store.ScopedWrite{set("15550001"), bad, set("15550004")})
	if !errors.Is(err, store.ErrOutOfScope) || !done[0] || done[1] || done[2] {
		t.Fatalf("done %v, err %v; want the first committed and ErrOutOfScope", done, err)
	}
	for user, want := range map[string]bool{"15550001": true, "15550003": false, "15550004": false} {
		var has bool
		if err := db.Read(ctx, func(r store.Reader) error {
			var err error
			has, err = r.Has(store.Key("s" + user))
			return err
		}); err != nil || has != want {
			t.Errorf("session of %s stored %v (%v), want %v", user, has, err, want)
		}
	}
}

// The writes of a WriteAll and WriteMark give their marks over
// JetStream, a write that commits nothing none, and a read at a mark
// sees the write; badger gives no marks (store's own tests).
func TestDBOverJetStreamGivesMarks(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	users := []string{"15550011", "15550012"}
	marks := make([]store.Mark, len(users)+1)
	var writes []store.ScopedWrite
	for i, u := range append(users, "15550013") {
		writes = append(writes, store.ScopedWrite{Scope: store.UserScope(u), Mark: &marks[i], Fn: func(w store.Writer) error {
			if i == len(users) {
				return nil // commits nothing
			}
			return w.Set(store.Key("s"+u), []byte("v"+u), 0)
		}})
	}
	if _, err := db.WriteAll(ctx, writes); err != nil {
		t.Fatal(err)
	}
	for i, u := range users {
		if marks[i] == "" {
			t.Errorf("the write of %s gave no mark", u)
		}
		var v []byte
		if err := db.ReadAt(ctx, store.UserScope(u), marks[i], func(r store.Reader) error {
			var err error
			v, err = r.Get(store.Key("s" + u))
			return err
		}); err != nil || string(v) != "v"+u {
			t.Errorf("read at the mark of %s: %q, %v", u, v, err)
		}
	}
	if marks[len(users)] != "" {
		t.Errorf("a write of nothing gave the mark %q", marks[len(users)])
	}
	at, err := db.WriteMark(ctx, store.UserScope(users[0]), func(w store.Writer) error {
		return w.Set(store.Key("s"+users[0]), []byte("w"), 0)
	})
	if err != nil || at == "" || at == marks[0] {
		t.Errorf("WriteMark gave %q, %v; want a new mark", at, err)
	}
}
