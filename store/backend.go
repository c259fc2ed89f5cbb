package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Backend is where a DB keeps its records: the scoped transactions that
// every typed operation of this package runs in. badger (Open) is one;
// a backend of several machines (cluster/jsstore, issue 13) is another,
// built by its package and handed to OpenBackend, so that this package
// imports none of it. storeconf is the suite both pass.
type Backend interface {
	// Read runs fn in a read-only transaction of no scope: gets and
	// scans across every scope.
	Read(ctx context.Context, fn func(r Reader) error) error
	// ReadIn runs fn in a read-only transaction whose scans look at scope.
	ReadIn(ctx context.Context, scope Scope, fn func(r Reader) error) error
	// Write runs fn in a transaction that may change only what scope
	// owns, committed atomically, run again on conflict, durable when it
	// returns nil.
	Write(ctx context.Context, scope Scope, fn func(w Writer) error) error
	// NextSeq draws the next number of the named sequence, with the
	// guarantees Writer.NextSeq states.
	NextSeq(ctx context.Context, name string) (uint64, error)
	// SetAuditFolder registers what runs after a commit that wrote an
	// audit event, before Write returns (nil: nothing).
	SetAuditFolder(fold func(ctx context.Context))
}

// groupWriter is a backend that commits a WriteEach group its own way
// (badger: one transaction, each write checked against its scope).
// Other backends run the writes one by one (DB.WriteEach).
type groupWriter interface {
	writeEach(ctx context.Context, writes []ScopedWrite) (done []bool, err error)
}

// ErrUnsupported is returned by a feature the store's backend cannot do
// (yet); the error names the feature and the backend.
var ErrUnsupported = errors.New("not supported by this store's backend")

// UnsupportedError is a feature the store's backend cannot do: it is
// ErrUnsupported, and its text names the feature and the backend only
// (no key, no personal data), so that it can be shown as it is.
type UnsupportedError struct {
	Feature string // "backup", "a transaction across scopes (WriteAny)"
	Backend string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s: not supported on the %s store yet; it needs LIFELINE_BACKEND=badger", e.Feature, e.Backend)
}

// Is makes an UnsupportedError ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// unsupported names a badger-only feature refused by another backend.
func (s *DB) unsupported(feature string) error {
	return &UnsupportedError{Feature: feature, Backend: s.backendName}
}

// BackupSupported is nil when Backup works on this store, else the
// UnsupportedError Backup would return: checked before a backup's
// response starts, which cannot carry an error once it streams.
func (s *DB) BackupSupported() error {
	if s.db == nil {
		return s.unsupported("backup")
	}
	return nil
}

// badgerBackend runs the DB's transactions on its badger database: the
// code paths the store had before the seam, unchanged.
type badgerBackend struct{ s *DB }

var (
	_ Backend     = badgerBackend{}
	_ groupWriter = badgerBackend{}
)

func (b badgerBackend) Read(ctx context.Context, fn func(r Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.s.view(func(t *Txn) error { return fn(t) })
}

// ReadIn reads anything: badger keeps every record in one keyspace.
func (b badgerBackend) ReadIn(ctx context.Context, _ Scope, fn func(r Reader) error) error {
	return b.Read(ctx, fn)
}

func (b badgerBackend) Write(ctx context.Context, scope Scope, fn func(w Writer) error) error {
	return b.s.write(ctx, func(t *Txn) error { return fn(scopedWriter{t: t, scope: scope}) })
}

func (b badgerBackend) NextSeq(_ context.Context, name string) (uint64, error) {
	return b.s.nextSeqBadger(name)
}

func (b badgerBackend) SetAuditFolder(fold func(ctx context.Context)) {
	if fold == nil {
		b.s.auditFolder.Store(nil)
		return
	}
	b.s.auditFolder.Store(&fold)
}

func (b badgerBackend) writeEach(ctx context.Context, writes []ScopedWrite) ([]bool, error) {
	return b.s.writeEachBadger(ctx, writes)
}

// OpenBackend opens a DB over be. Of the options it uses MediaDir (the
// files people send stay on this machine's disk), EncryptionKey (for
// those files), the disk reserve on Dir (the directory the backend's
// local data lives in, if any) and Logger; the rest is badger's.
// Features only badger has (backup and restore, a transaction across
// scopes, flatten, the integrity check) fail with ErrUnsupported naming
// the feature. Close closes be when be has a Close method, so that one
// Close releases what be holds (a connection, an embedded node).
func OpenBackend(be Backend, name string, o Options) (*DB, error) {
	if be == nil {
		return nil, errors.New("open store: no backend")
	}
	s := &DB{be: be, backendName: name, log: o.Logger, stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	if s.media, err = newMediaFiles(o.MediaDir, o.EncryptionKey); err != nil {
		return nil, err
	}
	if o.DiskReserve > 0 && o.Dir != "" {
		s.startDiskGuard(o)
	}
	close(s.done) // no value log to collect
	return s, nil
}

// writeBackend is Write on a backend other than badger: the disk guard
// first, as badger's commit does, and the store's own failures (not
// fn's) remembered for readiness.
func (s *DB) writeBackend(ctx context.Context, scope Scope, fn func(w Writer) error) error {
	return s.writeBackendWith(ctx, scope, fn, s.be.Write)
}

// writeBackendWith is writeBackend through write, the backend's Write or
// one of its kind (WriteMark).
func (s *DB) writeBackendWith(ctx context.Context, scope Scope, fn func(w Writer) error,
	write func(ctx context.Context, scope Scope, fn func(w Writer) error) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.disk.last(time.Second).criticalErr(); err != nil {
		s.health.record(err)
		return err
	}
	var fnErr error
	err := write(ctx, scope, func(w Writer) error {
		fnErr = fn(w)
		return fnErr
	})
	switch {
	case err == nil:
		s.health.record(nil)
	case errors.Is(err, ErrUnavailable):
		// Not the store's lasting failure: see ErrUnavailable.
	case fnErr == nil || !errors.Is(err, fnErr):
		s.health.record(err)
	}
	return err
}

// backendBatch is a Batch on a backend other than badger: the entries
// wait in memory and Flush writes them grouped by the scope that owns
// each key, in writes of at most batchWrite records. Like badger's write
// batch it is not atomic as a whole.
type backendBatch struct {
	keys    []Key
	values  [][]byte
	deletes []bool
}

// batchWrite bounds the records of one write of a flushed batch, below
// what a JetStream atomic batch takes (1,000 messages).
const batchWrite = 500

func (b *backendBatch) add(key Key, value []byte, del bool) {
	b.keys = append(b.keys, append(Key(nil), key...))
	b.values = append(b.values, append([]byte(nil), value...))
	b.deletes = append(b.deletes, del)
}

func (b *backendBatch) flush(s *DB) error {
	type group struct {
		scope Scope
		idx   []int
	}
	var groups []*group
	byScope := map[Scope]*group{}
	for i, k := range b.keys {
		scope, ok := KeyOwner(k)
		if !ok {
			return fmt.Errorf("write batch: %s has no one owning scope to write it in", describeKey(k))
		}
		g := byScope[scope]
		if g == nil {
			g = &group{scope: scope}
			byScope[scope] = g
			groups = append(groups, g)
		}
		g.idx = append(g.idx, i)
	}
	ctx := context.Background()
	for _, g := range groups {
		for len(g.idx) > 0 {
			part := g.idx[:min(len(g.idx), batchWrite)]
			g.idx = g.idx[len(part):]
			err := s.writeBackend(ctx, g.scope, func(w Writer) error {
				for _, i := range part {
					var err error
					if b.deletes[i] {
						err = w.Delete(b.keys[i])
					} else {
						err = w.Set(b.keys[i], b.values[i], 0)
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("write batch in %s: %w", g.scope, err)
			}
		}
	}
	return nil
}
