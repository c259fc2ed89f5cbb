// Package store owns Lifeline's persistence. It is the only package that
// imports badger, and it owns every record: the key layout (keys.go) and a
// typed operation per record kind (accounts.go, audit.go, broadcasts.go,
// faq.go, people.go, rewrite.go), written against the Reader and Writer
// interfaces (rw.go) that a transaction implements, so a second backend
// replaces this one by implementing those two and the Backend seam
// (backend.go): Open runs a DB on badger, OpenBackend on another backend
// (the JetStream store, cluster/jsstore). Other packages reach
// records only through DB.Read and DB.Write and those operations: the
// raw transactions (view, update) and write batches are the store's own.
// A write is scoped to one owner (scope.go: a user, a broadcast or a
// document), and ownerOf in keys.go decides whose each key is. A change
// of several owners is one write per owner (DB.WriteEach, each.go);
// DB.WriteAny is the named escape hatch for the few transactions that
// still span owners (listed in boundaries_test.go).
package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/rs/zerolog"
)

// ErrNotFound is returned when a key has no value.
var ErrNotFound = errors.New("not found")

// ErrTxnTooBig means a transaction holds more than the store takes in
// one commit: the same writes will fail again, so split them.
var ErrTxnTooBig = errors.New("transaction too big")

// ErrStop may be returned by a Scan callback to end the scan early without error.
var ErrStop = errors.New("stop scan")

// Options configure Open.
type Options struct {
	Dir           string // data directory; ignored when InMemory
	InMemory      bool   // for tests
	EncryptionKey []byte // optional AES key (16, 24 or 32 bytes) for encryption at rest
	// MediaDir holds the files people send (see media.go); empty means
	// Dir/media, or no media files for an in-memory store.
	MediaDir string
	Logger   zerolog.Logger

	// DiskReserve is the free space kept on the disk holding Dir: below
	// it CheckDisk fails, and below a quarter of it every commit fails
	// (see diskGuard). 0 keeps no reserve.
	DiskReserve uint64
	// FreeSpace measures the free space (StatfsFree when nil); tests
	// simulate a full disk with it.
	FreeSpace FreeSpace
	// DiskCheckEvery is how often free space is measured between
	// requests (10s when 0).
	DiskCheckEvery time.Duration
}

// DB is an open store.
type DB struct {
	// be runs the transactions: badgerBackend over db, or what
	// OpenBackend was given (db is nil then).
	be          Backend
	backendName string
	db          *badger.DB
	log         zerolog.Logger

	mu   sync.Mutex
	seqs map[string]*badger.Sequence

	sync *groupSync

	stop chan struct{}
	done chan struct{}
	wg   sync.WaitGroup // background loops besides gcLoop

	health health
	disk   *diskGuard // nil: no reserve

	media *mediaFiles

	// auditFolder runs after a commit that wrote an audit event (see
	// SetAuditFolder).
	auditFolder atomic.Pointer[func(ctx context.Context)]
}

// Open opens (or creates) the store. A write is durable: when it returns
// nil the commit is on disk, which is what lets the webhook acknowledge
// Meta. Rather than badger's SyncWrites, which syncs once per transaction
// in badger's single writer, commits share group syncs (see groupSync),
// so many concurrent transactions cost one fsync.
func Open(o Options) (*DB, error) {
	if !o.InMemory {
		if _, err := inspect(o.Dir, o.EncryptionKey); err != nil {
			return nil, err
		}
	}
	opts := badger.DefaultOptions(o.Dir).
		WithInMemory(o.InMemory).
		WithSyncWrites(false).
		WithLogger(badgerLogger{o.Logger}).
		WithNumVersionsToKeep(1).
		// Small tables and memtables keep the resident set modest: the store
		// holds conversations, not bulk data.
		WithMemTableSize(32 << 20).
		WithValueLogFileSize(256 << 20).
		// Every block read is checked against its checksum, and every
		// value read from the value log: damage is an error, never a
		// silently missing or wrong record. Tables are checked whole
		// before opening (inspect), where badger would skip them.
		WithChecksumVerificationMode(options.OnBlockRead).
		WithVerifyValueChecksum(true)
	if len(o.EncryptionKey) > 0 {
		opts = opts.WithEncryptionKey(o.EncryptionKey).WithIndexCacheSize(64 << 20)
	}
	db, err := openBadger(opts)
	if err != nil {
		return nil, fmt.Errorf("open badger store in %q: %w", o.Dir, err)
	}
	s := &DB{db: db, backendName: "badger", log: o.Logger, seqs: map[string]*badger.Sequence{}, stop: make(chan struct{}), done: make(chan struct{})}
	s.be = badgerBackend{s}
	s.sync = newGroupSync(db.Sync)
	mediaDir := o.MediaDir
	if mediaDir == "" && !o.InMemory {
		mediaDir = filepath.Join(o.Dir, "media")
	}
	if s.media, err = newMediaFiles(mediaDir, o.EncryptionKey); err != nil {
		db.Close()
		return nil, err
	}
	if o.DiskReserve > 0 && !o.InMemory {
		s.startDiskGuard(o)
	}
	go s.gcLoop(o.InMemory)
	return s, nil
}

// startDiskGuard keeps o.DiskReserve free on the disk holding o.Dir.
func (s *DB) startDiskGuard(o Options) {
	free := o.FreeSpace
	if free == nil {
		free = StatfsFree
	}
	s.disk = &diskGuard{dir: o.Dir, reserve: o.DiskReserve, free: free, log: o.Logger.With().Str("comp", "disk").Logger()}
	s.disk.check()
	every := o.DiskCheckEvery
	if every <= 0 {
		every = 10 * time.Second
	}
	s.wg.Add(1)
	go s.diskLoop(every)
}

// Flatten merges the store's tables into one level. After a bulk import
// and a restart (which writes the import's memtables to disk), it leaves
// no compaction pending that would otherwise run later, under live traffic.
func (s *DB) Flatten() error {
	if s.db == nil {
		return s.unsupported("flatten the store")
	}
	if err := s.db.Flatten(2); err != nil {
		return fmt.Errorf("flatten badger store: %w", err)
	}
	return nil
}

// Close releases sequences and closes badger cleanly; over another
// backend it stops the store's own loops and closes the backend if it
// has a Close method.
func (s *DB) Close() error {
	close(s.stop)
	<-s.done
	s.wg.Wait()
	if s.db == nil {
		// A backend with a Close is the DB's (OpenBackend).
		switch c := s.be.(type) {
		case interface{ Close() error }:
			return c.Close()
		case interface{ Close() }:
			c.Close()
		}
		return nil
	}
	s.sync.close()
	s.mu.Lock()
	for name, seq := range s.seqs {
		if err := seq.Release(); err != nil {
			s.log.Warn().Err(err).Str("seq", name).Msg("release sequence")
		}
	}
	s.seqs = map[string]*badger.Sequence{}
	s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close badger store: %w", err)
	}
	return nil
}

// gcLoop reclaims value log space. ErrNoRewrite just means there was nothing to do.
func (s *DB) gcLoop(inMemory bool) {
	defer close(s.done)
	if inMemory {
		<-s.stop
		return
	}
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			for {
				err := s.db.RunValueLogGC(0.5)
				if err != nil {
					if !errors.Is(err, badger.ErrNoRewrite) && !errors.Is(err, badger.ErrRejected) {
						s.log.Warn().Err(err).Msg("value log gc")
					}
					break
				}
			}
		}
	}
}

// NextSeq returns the next number of the named sequence. Numbers increase
// strictly, also across restarts; a crash may skip some.
func (s *DB) NextSeq(name string) (uint64, error) {
	if s.db == nil {
		return s.be.NextSeq(context.Background(), name)
	}
	return s.nextSeqBadger(name)
}

// nextSeqBadger leases numbers from badger in blocks of 1,000.
func (s *DB) nextSeqBadger(name string) (uint64, error) {
	s.mu.Lock()
	seq, ok := s.seqs[name]
	if !ok {
		var err error
		seq, err = s.db.GetSequence(seqKey(name), 1000)
		if err != nil {
			s.mu.Unlock()
			return 0, fmt.Errorf("open sequence %s: %w", name, err)
		}
		s.seqs[name] = seq
	}
	s.mu.Unlock()
	n, err := seq.Next()
	if err != nil {
		return 0, fmt.Errorf("next %s: %w", name, err)
	}
	// Zero is never handed out so that it can mean "none".
	if n == 0 {
		return seq.Next()
	}
	return n, nil
}

const maxConflictRetries = 10

// update runs fn in a read-write transaction, commits it, retrying on
// conflict a bounded number of times, and returns once the commit is
// synced to disk (a group sync shared with concurrent commits).
//
// Below a quarter of the disk reserve it fails with ErrDiskLow without
// writing: new work was refused at the reserve already, and what remains
// must not fill the disk, where badger's memory-mapped writes would kill
// the process.
func (s *DB) update(fn func(*Txn) error) error {
	if err := s.commit(fn); err != nil {
		return err
	}
	return s.syncCommitted()
}

// commit runs fn in a read-write transaction and commits it, retrying
// on conflict, without waiting for the commit to be on disk: the caller
// makes it durable with syncCommitted, which several commits may share.
func (s *DB) commit(fn func(*Txn) error) error {
	if err := s.disk.last(time.Second).criticalErr(); err != nil {
		s.health.record(err)
		return err
	}
	var err error
	for i := 0; i < maxConflictRetries; i++ {
		ran, fnErr := false, error(nil)
		err = s.db.Update(func(t *badger.Txn) error {
			ran = true
			fnErr = fn(&Txn{t: t, s: s})
			return fnErr
		})

		if errors.Is(err, badger.ErrConflict) {
			continue
		}
		// A failure that is not fn's own is the store's: closed,
		// read-only or out of space. Remember it for readiness.
		if err != nil && (!ran || fnErr == nil) {
			s.health.record(err)
		}
		return err
	}
	return fmt.Errorf("after %d tries: %w", maxConflictRetries, err)
}

// syncCommitted makes every commit made so far durable (one fsync shared
// with whoever else waits) and records the outcome for readiness.
func (s *DB) syncCommitted() error {
	err := s.sync.wait()
	if err != nil {
		err = fmt.Errorf("sync store: %w", err)
	}
	s.health.record(err)
	return err
}

// view runs fn in a read-only transaction.
func (s *DB) view(fn func(*Txn) error) error {
	return s.db.View(func(t *badger.Txn) error { return fn(&Txn{t: t, s: s}) })
}

// Size reports the on-disk size of the LSM tree and the value log in
// bytes; 0 and 0 over a backend other than badger, which measures its own.
func (s *DB) Size() (lsm, vlog int64) {
	if s.db == nil {
		return 0, 0
	}
	return s.db.Size()
}

// Txn is one transaction. Values returned are copies, safe after it ends.
type Txn struct {
	t *badger.Txn
	s *DB // for NextSeq
	// auditEvent is set by a Set of an audit event, so that the commit
	// wakes the audit log's folder (auditevent.go).
	auditEvent bool
}

// Get returns a copy of the value of key, or ErrNotFound.
func (t *Txn) Get(key Key) ([]byte, error) {
	item, err := t.t.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// Has reports whether key exists.
func (t *Txn) Has(key Key) (bool, error) {
	_, err := t.t.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Set writes value under key; ttl > 0 lets badger drop it after that long.
func (t *Txn) Set(key Key, value []byte, ttl time.Duration) error {
	if isAuditEventKey(key) {
		t.auditEvent = true
	}
	e := badger.NewEntry(key, value)
	if ttl > 0 {
		e = e.WithTTL(ttl)
	}
	err := t.t.SetEntry(e)
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("%w: %w", ErrTxnTooBig, err)
	}
	return err
}

// GetJSON decodes the value of key into v, or returns ErrNotFound.
func (t *Txn) GetJSON(key Key, v any) error {
	b, err := t.Get(key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %q: %w", printable(key), err)
	}
	return nil
}

// SetJSON encodes v (see EncodeJSON) and writes it under key.
func (t *Txn) SetJSON(key Key, v any, ttl time.Duration) error {
	b, err := EncodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", printable(key), err)
	}
	return t.Set(key, b, ttl)
}

// EncodeJSON is how values are stored: JSON without HTML escaping.
// json.Marshal writes <, > and & as six-byte escapes, which made a text of
// 4,096 "<" take 24 KB and a valid webhook batch too big for a transaction.
// Stored values are never embedded in HTML as they are.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Delete removes key; deleting a missing key is not an error.
func (t *Txn) Delete(key Key) error { return t.t.Delete(key) }

// Scan calls fn for every key with the given prefix in key order, with a
// copy of the key and value. Returning ErrStop ends the scan without error.
func (t *Txn) Scan(prefix Key, fn func(key Key, value []byte) error) error {
	return t.scan(prefix, nil, false, fn)
}

// ScanReverse is Scan from the last key backwards.
func (t *Txn) ScanReverse(prefix Key, fn func(key Key, value []byte) error) error {
	return t.scan(prefix, nil, true, fn)
}

// ScanFrom is Scan starting at the first key >= from (from must begin
// with prefix): a cursor resumes a long scan in a fresh transaction.
func (t *Txn) ScanFrom(prefix, from Key, fn func(key Key, value []byte) error) error {
	return t.scan(prefix, from, false, fn)
}

// scan iterates the keys with prefix from start (nil: the first key, or
// the last one when reverse).
func (t *Txn) scan(prefix, start Key, reverse bool, fn func(key Key, value []byte) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	opts.Reverse = reverse
	it := t.t.NewIterator(opts)
	defer it.Close()
	switch {
	case start != nil:
	case reverse:
		start = append(bytes.Clone(prefix), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	default:
		start = prefix
	}
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("read %q: %w", printable(item.Key()), err)
		}
		if err := fn(item.KeyCopy(nil), v); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// Batch writes many entries quickly outside a transaction, for bulk
// imports: a badger write batch, or over another backend scoped writes
// of the entries grouped by owner (backendBatch).
type Batch struct {
	wb   *badger.WriteBatch
	sync *groupSync
	disk *diskGuard

	s  *DB           // over another backend
	be *backendBatch // over another backend
}

// newBatch starts a write batch; call Flush to commit it.
func (s *DB) newBatch() *Batch {
	if s.db == nil {
		return &Batch{disk: s.disk, s: s, be: &backendBatch{}}
	}
	return &Batch{wb: s.db.NewWriteBatch(), sync: s.sync, disk: s.disk}
}

// SetJSON adds one encoded value to the batch.
func (b *Batch) SetJSON(key Key, v any) error {
	raw, err := EncodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", printable(key), err)
	}
	return b.Set(key, raw)
}

// Set adds one raw value to the batch.
func (b *Batch) Set(key Key, value []byte) error {
	if b.be != nil {
		b.be.add(key, value, false)
		return nil
	}
	return b.wb.Set(key, value)
}

// Delete adds a deletion to the batch.
func (b *Batch) Delete(key Key) error {
	if b.be != nil {
		b.be.add(key, nil, true)
		return nil
	}
	return b.wb.Delete(key)
}

// Flush commits the batch and returns once it is synced to disk. Like
// a transaction it refuses to write below a quarter of the disk reserve, and
// measures the free space first: a batch can be large.
func (b *Batch) Flush() error {
	if err := b.disk.check().criticalErr(); err != nil {
		b.Cancel()
		return err
	}
	if b.be != nil {
		return b.be.flush(b.s)
	}
	if err := b.wb.Flush(); err != nil {
		return err
	}
	return b.sync.wait()
}

// Cancel drops the batch.
func (b *Batch) Cancel() {
	if b.be != nil {
		b.be = &backendBatch{}
		return
	}
	b.wb.Cancel()
}

// seqOf returns the sequence number at the end of a key built with a u64 suffix.
func seqOf(key Key) uint64 {
	if len(key) < 8 {
		return 0
	}
	var n uint64
	for _, b := range key[len(key)-8:] {
		n = n<<8 | uint64(b)
	}
	return n
}

// idOf returns the id part of a key built by docKey, contactKey, sessionKey and the like.
func idOf(key Key, prefix Key) string { return string(key[len(prefix):]) }

func printable(k []byte) string {
	if len(k) > 40 {
		k = k[:40]
	}
	return fmt.Sprintf("%q", k)
}

// badgerLogger routes badger's own messages into zerolog at sensible levels.
type badgerLogger struct{ l zerolog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error().Str("comp", "badger").Msgf(f, a...) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn().Str("comp", "badger").Msgf(f, a...) }
func (b badgerLogger) Infof(f string, a ...any)    { b.l.Debug().Str("comp", "badger").Msgf(f, a...) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.l.Trace().Str("comp", "badger").Msgf(f, a...) }
