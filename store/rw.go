package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Reader is what every transaction can do: read one value, test for one,
// and walk a range of keys in order. Typed operations (the rest of this
// package) are written against Reader and Writer only, so that a second
// backend implements these two interfaces and gets every record kind.
type Reader interface {
	Get(key Key) ([]byte, error)
	Has(key Key) (bool, error)
	Scan(prefix Key, fn func(key Key, value []byte) error) error
	ScanReverse(prefix Key, fn func(key Key, value []byte) error) error
	ScanFrom(prefix, from Key, fn func(key Key, value []byte) error) error
}

// Writer is what a read-write transaction adds: set and delete values,
// and draw numbers from a named sequence for new keys.
//
// What a backend must guarantee of NextSeq, because records are keyed by
// its numbers and the engine orders work by them:
//   - never 0 (it means "none"), never a number of the same sequence
//     handed out before, also after a restart or a crash of the process;
//   - strictly increasing in the order the calls are made, so that the
//     inbox numbers of one user's events follow the order in which the
//     events were accepted (the ingest step adds them one at a time). A
//     user's session records the last inbox number it processed and the
//     commit refuses an older one (bot: the cursor), which is only right
//     if a later event of that user never gets a smaller number;
//   - gaps are allowed: a transaction retried after a conflict draws
//     again, and a crash may lose a block of numbers.
//
// badger leases numbers in blocks of 1,000 per process (DB.NextSeq):
// right with one process owning the store, where call order is arrival
// order. Several instances cannot share such a counter. issue 13's
// JetStream backend draws most sequences from the stream's one sequence
// (a publish each, ordered as acknowledged across instances), but the
// sequences ScopeNumbered names (inbox, transcript, outbox) only in the
// order of their scope: a number drawn in a write is above every number
// of that sequence committed in the write's scope before it, and unique
// in the whole store, but a user's new number may be below another
// user's older one. Nothing compares those numbers across users (see
// ScopeNumbered). TestSequenceNumbersMeetTheWriterContract states it.
type Writer interface {
	Reader
	Set(key Key, value []byte, ttl time.Duration) error
	Delete(key Key) error
	NextSeq(name string) (uint64, error)
}

// The badger transaction is the one implementation today.
var (
	_ Reader = (*Txn)(nil)
	_ Writer = (*Txn)(nil)
)

// Read runs fn in a read-only transaction. It is View for callers that
// use typed operations and need nothing backend-specific.
func (s *DB) Read(ctx context.Context, fn func(r Reader) error) error {
	return s.be.Read(ctx, fn)
}

// ReadIn runs fn in a read-only transaction whose scans look at the
// records of scope. badger keeps every record in one keyspace and scans
// anything; a backend that keeps records by scope (issue 13) can only
// scan within one, so a caller that scans names the scope it means.
func (s *DB) ReadIn(ctx context.Context, scope Scope, fn func(r Reader) error) error {
	if !scope.valid() {
		return fmt.Errorf("read: invalid scope %s", scope)
	}
	return s.be.ReadIn(ctx, scope, fn)
}

// ReadNear runs fn in a read-only transaction of scope that a backend of
// several machines may serve from the copy nearest to this instance
// (jsstore: its own node's replica), which may lag the newest commits:
// every value read was committed, but may be older than the newest, and
// a record not found may exist. It is for a read whose result is checked
// again: a snapshot that a scoped Write compares with what it reads
// there, or a record written once that the caller asks ReadIn for when
// it is not found. On badger it is ReadIn: its reads are always current.
func (s *DB) ReadNear(ctx context.Context, scope Scope, fn func(r Reader) error) error {
	if !scope.valid() {
		return fmt.Errorf("read: invalid scope %s", scope)
	}
	if nr, ok := s.be.(nearReader); ok {
		return nr.ReadNear(ctx, scope, fn)
	}
	return s.be.ReadIn(ctx, scope, fn)
}

// nearReader is a backend with reads served by a copy that may lag (see
// DB.ReadNear).
type nearReader interface {
	ReadNear(ctx context.Context, scope Scope, fn func(r Reader) error) error
}

// NextSeq draws the next number of the named sequence (see DB.NextSeq).
// A transaction retried after a conflict draws a new number; sequences
// allow gaps.
func (t *Txn) NextSeq(name string) (uint64, error) {
	if t.s == nil {
		return 0, fmt.Errorf("next %s: transaction has no store", name)
	}
	return t.s.NextSeq(name)
}

// getJSON decodes the value of key, or returns ErrNotFound.
func getJSON[T any](r Reader, key Key) (T, error) {
	var v T
	b, err := r.Get(key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("decode %s: %w", printable(key), err)
	}
	return v, nil
}

// putJSON encodes v the way every value is stored (EncodeJSON) and writes it.
func putJSON(w Writer, key Key, v any, ttl time.Duration) error {
	b, err := EncodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", printable(key), err)
	}
	return w.Set(key, b, ttl)
}

// scanJSON decodes every value under prefix in key order (newest first
// when reverse) and passes it to fn with its key; ctx ends a long scan.
// ErrStop from fn ends the scan without error.
func scanJSON[T any](ctx context.Context, r Reader, prefix Key, reverse bool, fn func(key Key, v T) error) error {
	each := func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("decode %s: %w", printable(k), err)
		}
		return fn(k, v)
	}
	if reverse {
		return r.ScanReverse(prefix, each)
	}
	return r.Scan(prefix, each)
}

// deleteKeys deletes keys collected by a scan.
func deleteKeys(w Writer, keys []Key) error {
	for _, k := range keys {
		if err := w.Delete(k); err != nil {
			return fmt.Errorf("delete %s: %w", printable(k), err)
		}
	}
	return nil
}

// notFound reports whether err says a record is missing.
func notFound(err error) bool { return errors.Is(err, ErrNotFound) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// Sequencer draws numbers from named sequences: the store itself (DB) or
// a transaction (Writer). A new document whose number names its scope
// draws the number from the DB before its scoped transaction; a retry of
// that transaction keeps the number.
type Sequencer interface {
	NextSeq(name string) (uint64, error)
}

var (
	_ Sequencer = (*DB)(nil)
	_ Sequencer = Writer(nil)
)
