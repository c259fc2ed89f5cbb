// Package storetest is what tests outside the store use to set up and
// check records: one transaction at a time through the store's typed
// operations, failing the test on an error. It builds no key: the key
// layout stays in package store, and the compiler keeps it there.
package storetest

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// OpenMemory opens a store in memory on badger, closed when the test
// ends.
func OpenMemory(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Read runs fn in one read-only transaction and fails the test if it
// returns an error.
func Read(t testing.TB, db *store.DB, fn func(ctx context.Context, r store.Reader) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.Read(ctx, func(r store.Reader) error { return fn(ctx, r) }); err != nil {
		t.Fatal(err)
	}
}

// Write runs fn in one read-write transaction (retried on a conflict, so
// fn starts from what it reads) and fails the test if it returns an error.
// It may write any keys (WriteAny): a test arranges records of several
// owners at once, which no code outside tests does through it.
func Write(t testing.TB, db *store.DB, fn func(ctx context.Context, w store.Writer) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.WriteAny(ctx, func(w store.Writer) error { return fn(ctx, w) }); err != nil {
		t.Fatal(err)
	}
}

// Records returns every record in the store (store.EachRecord), for
// checks over the whole store: what an erasure left, what a restore holds.
func Records(t testing.TB, db *store.DB) []store.Record {
	t.Helper()
	var out []store.Record
	Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachRecord(ctx, r, func(rec store.Record) error { out = append(out, rec); return nil })
	})
	return out
}
