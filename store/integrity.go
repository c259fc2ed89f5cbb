package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/fb"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2"
	"github.com/dgraph-io/ristretto/v2/z"
	"github.com/rs/zerolog"
)

// ErrDamaged means a data directory cannot be opened whole: a file is
// missing, truncated or fails its checksum. Badger alone would open such a
// directory anyway (starting empty without its MANIFEST, and deleting the
// table files it no longer knows; skipping a table whose checksum fails;
// panicking on a truncated one), so Open checks first and refuses.
var ErrDamaged = errors.New("store is damaged")

// RestoreMarker is a file a restore leaves in its staging directory until
// the restored store has been verified: a directory holding it is half a
// restore, and Open refuses it.
const RestoreMarker = "RESTORE-INCOMPLETE"

// DamageError says what is wrong with a data directory.
type DamageError struct {
	Dir     string
	Problem string
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("data directory %s cannot be opened whole: %s", e.Dir, e.Problem)
}

func (e *DamageError) Unwrap() error { return ErrDamaged }

// Files describes the files of a data directory.
type Files struct {
	Tables, ValueLogs, Memtables int
	Bytes                        int64 // all data files together
}

// Report is what Verify found.
type Report struct {
	Files
	Keys       int
	ValueBytes int64
}

// inspect checks, without badger opening the directory, that every file
// the MANIFEST lists is there and that every table is whole and passes its
// checksums. A directory without data files is a new store and passes.
func inspect(dir string, key []byte) (Files, error) {
	var f Files
	damaged := func(format string, a ...any) (Files, error) {
		return f, &DamageError{Dir: dir, Problem: fmt.Sprintf(format, a...)}
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("read data directory %s: %w", dir, err)
	}
	hasManifest := false
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == RestoreMarker:
			return damaged("it holds an unfinished restore (%s is present); run the restore again, it replaces this directory", RestoreMarker)
		case name == "MANIFEST":
			hasManifest = true
			continue
		case strings.HasSuffix(name, ".sst"):
			f.Tables++
		case strings.HasSuffix(name, ".vlog"):
			f.ValueLogs++
		case strings.HasSuffix(name, ".mem"):
			f.Memtables++
		default:
			continue
		}
		if fi, err := e.Info(); err == nil {
			f.Bytes += fi.Size()
		}
	}
	if !hasManifest {
		if f.Tables+f.ValueLogs+f.Memtables == 0 {
			return f, nil
		}
		return damaged("the MANIFEST file is missing but %d table, %d value log and %d memtable files remain; "+
			"without it the store would start empty and delete them", f.Tables, f.ValueLogs, f.Memtables)
	}

	mf, err := os.Open(filepath.Join(dir, "MANIFEST"))
	if err != nil {
		return f, fmt.Errorf("open MANIFEST: %w", err)
	}
	manifest, _, err := badger.ReplayManifestFile(mf, 0, badger.DefaultOptions(dir))
	mf.Close()
	if err != nil {
		return damaged("the MANIFEST cannot be read: %v", err)
	}
	if len(manifest.Tables) == 0 {
		return f, nil
	}
	reg, err := badger.OpenKeyRegistry(badger.KeyRegistryOptions{Dir: dir, ReadOnly: true, EncryptionKey: key})
	if err != nil {
		return f, fmt.Errorf("open key registry: %w", err)
	}
	defer reg.Close()
	ids := make([]uint64, 0, len(manifest.Tables))
	for id := range manifest.Tables {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	// Encrypted tables keep their decrypted index in a cache; one for
	// this check, dropped with it.
	var indexCache *ristretto.Cache[uint64, *fb.TableIndex]
	if len(key) > 0 {
		indexCache, err = ristretto.NewCache(&ristretto.Config[uint64, *fb.TableIndex]{NumCounters: 1 << 10, MaxCost: 64 << 20, BufferItems: 64})
		if err != nil {
			return f, fmt.Errorf("index cache: %w", err)
		}
		defer indexCache.Close()
	}
	for _, id := range ids {
		tm := manifest.Tables[id]
		name := table.NewFilename(id, dir)
		if _, err := os.Stat(name); err != nil {
			return damaged("table %s listed in the MANIFEST is missing (%v)", filepath.Base(name), err)
		}
		dk, err := reg.DataKey(tm.KeyID)
		if err != nil {
			return f, fmt.Errorf("data key of table %s: %w", filepath.Base(name), err)
		}
		if err := checkTable(name, tm.Compression, func(o *table.Options) { o.DataKey, o.IndexCache = dk, indexCache }); err != nil {
			return damaged("table %s is damaged: %v", filepath.Base(name), err)
		}
	}
	return f, nil
}

// checkTable opens one table and verifies the checksum of every block.
// Badger panics on some damage (a truncated table); the panic is turned
// into an error here, where it happens in this goroutine.
func checkTable(name string, compression options.CompressionType, set func(*table.Options)) (err error) {
	mf, err := z.OpenMmapFile(name, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	// Close unmaps without truncating. (Table.DecrRef would delete the
	// file: badger drops its last reference only to remove a table.)
	defer mf.Close(-1)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable, badger failed reading it: %s", describePanic(r))
		}
	}()
	// Checksums are verified here rather than by OpenTable, which closes
	// the file itself when they fail, and the deferred Close would unmap
	// a second time.
	o := table.Options{ReadOnly: true, ChkMode: options.NoVerification, Compression: compression, BlockSize: 4 << 10}
	set(&o)
	t, err := table.OpenTable(mf, o)
	if err != nil {
		return err
	}
	return t.VerifyChecksum()
}

// describePanic shortens what badger panicked with. On a table it cannot
// index it panics again with a debugging dump, not the cause.
func describePanic(r any) string {
	s := fmt.Sprint(r)
	if strings.Contains(s, "Recovering from initIndex crash") {
		return "its index is unreadable (truncated or overwritten)"
	}
	return firstLine(s)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// openBadger opens badger and turns a panic into an error.
func openBadger(opts badger.Options) (db *badger.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, &DamageError{Dir: opts.Dir, Problem: "badger failed while opening it: " + describePanic(r)}
		}
	}()
	return badger.Open(opts)
}

// Verify checks a data directory that no server has open: every table
// whole and passing its checksums, every key and value readable (values
// checked against their checksums too). It does not change the directory.
func Verify(dir string, key []byte) (Report, error) {
	files, err := inspect(dir, key)
	r := Report{Files: files}
	if err != nil {
		return r, err
	}
	if files.Tables+files.ValueLogs+files.Memtables == 0 {
		return r, &DamageError{Dir: dir, Problem: "it holds no store (no data files)"}
	}
	opts := badger.DefaultOptions(dir).
		WithReadOnly(true).
		WithLogger(nil).
		WithChecksumVerificationMode(options.OnTableAndBlockRead).
		WithVerifyValueChecksum(true)
	if len(key) > 0 {
		opts = opts.WithEncryptionKey(key).WithIndexCacheSize(64 << 20)
	}
	db, err := openBadger(opts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return r, fmt.Errorf("%s is in use by a running server; stop it first, or verify a backup of it: %w", dir, err)
		}
		return r, fmt.Errorf("open %s: %w", dir, err)
	}
	defer db.Close()
	err = readAll(db, &r)
	return r, err
}

// VerifyBackup loads a backup stream into a throwaway in-memory store and
// reads every key back. A stream cut short fails here.
func VerifyBackup(rd io.Reader) (Report, error) {
	var r Report
	db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		return r, err
	}
	defer db.Close()
	if err := db.Load(rd); err != nil {
		return r, fmt.Errorf("the backup is incomplete or damaged: %w", err)
	}
	err = readAll(db.db, &r)
	return r, err
}

// readAll reads every live key and value, counting them.
func readAll(db *badger.DB, r *Report) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: reading failed after %d keys: %s", ErrDamaged, r.Keys, describePanic(p))
		}
	}()
	return db.View(func(tx *badger.Txn) error {
		it := tx.NewIterator(badger.IteratorOptions{PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			if err := item.Value(func(v []byte) error { r.ValueBytes += int64(len(v)); return nil }); err != nil {
				return fmt.Errorf("%w: value of key %s: %v", ErrDamaged, printable(item.Key()), err)
			}
			r.Keys++
		}
		return nil
	})

}
