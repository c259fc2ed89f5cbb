package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// runRestore loads a backup file into a new data directory.
func runRestore(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", firstNonEmpty(getenv("LIFELINE_DATA_DIR"), "./data"), "data directory to create (LIFELINE_DATA_DIR); must be empty or missing")
	file, ok := parseFileAndFlags(fs, args)
	if !ok {
		return 2
	}
	if file == "" {
		fmt.Fprintln(stderr, "usage: lifeline restore FILE [--data DIR]")
		return 2
	}
	key, err := encryptionKey(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline restore: %v\n", err)
		return 2
	}
	r := restorer{out: stdout}
	rep, err := r.restore(file, *data, key)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline restore: %v\n", err)
		return 1
	}
	enc := "not encrypted"
	if len(key) > 0 {
		enc = "encrypted with LIFELINE_ENCRYPTION_KEY"
	}
	if isClusterBackup(*data) {
		fmt.Fprintf(stdout, "restored %d keys of a cluster's backup into %s (%s) and verified them; copy them into an empty cluster with\n    lifeline migrate --from badger %s --to nats\n", rep.Keys, *data, enc, *data)
		return 0
	}
	fmt.Fprintf(stdout, "restored %d keys into %s (%s) and verified them; start the server with LIFELINE_DATA_DIR=%s\n", rep.Keys, *data, enc, *data)
	return 0
}

// restorer restores a backup. A restore is staged in a directory beside
// the target that carries store.RestoreMarker until the restored store has
// been verified; only then is it renamed into place. However it is
// interrupted, the target is left absent (or as empty as it was), and
// nothing a server would open holds half the data.
type restorer struct {
	out io.Writer
	// beforeRename, when set, runs after the staged store is verified and
	// before it is moved into place: tests fail there as a crash would.
	beforeRename func(staging string) error
}

func (r restorer) restore(file, dataDir string, key []byte) (store.Report, error) {
	var rep store.Report
	f, err := os.Open(file)
	if err != nil {
		return rep, err
	}
	defer f.Close()
	dataDir = filepath.Clean(dataDir)
	entries, err := os.ReadDir(dataDir)
	switch {
	case err == nil && len(entries) > 0:
		return rep, fmt.Errorf("data directory %s is not empty; restore into a new directory and point LIFELINE_DATA_DIR at it", dataDir)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return rep, err
	}
	parent, base := filepath.Dir(dataDir), filepath.Base(dataDir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return rep, fmt.Errorf("create %s: %w", parent, err)
	}
	r.removeLeftovers(parent, base)

	staging, err := os.MkdirTemp(parent, base+".restore-*")
	if err != nil {
		return rep, fmt.Errorf("create staging directory beside %s: %w", dataDir, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(staging)
		}
	}()
	marker := filepath.Join(staging, store.RestoreMarker)
	if err := writeSynced(marker, []byte("a restore into "+dataDir+" started here and has not finished; this directory can be deleted\n")); err != nil {
		return rep, err
	}
	storeDir := filepath.Join(staging, "store")
	db, err := store.Open(store.Options{Dir: storeDir, EncryptionKey: key, Logger: zerolog.Nop()})
	if err != nil {
		return rep, err
	}
	if err := db.Load(f); err != nil {
		db.Close()
		return rep, fmt.Errorf("%s: %w", file, err)
	}
	if err := markClusterBackup(db, staging); err != nil {
		db.Close()
		return rep, err
	}
	if err := db.Close(); err != nil {
		return rep, err
	}
	if rep, err = store.Verify(storeDir, key); err != nil {
		return rep, fmt.Errorf("the restored store does not verify: %w", err)
	}
	if r.beforeRename != nil {
		if err := r.beforeRename(staging); err != nil {
			return rep, err
		}
	}
	// The marker goes before the rename: a crash in between leaves a
	// verified store under the staging name, never a marked one under
	// the target name that a rerun would call "not empty".
	if err := os.Remove(marker); err != nil {
		return rep, err
	}
	if err := syncDir(staging); err != nil {
		return rep, err
	}
	if err := os.Remove(dataDir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return rep, err
	}
	if err := os.Rename(staging, dataDir); err != nil {
		return rep, fmt.Errorf("move the restored store into place: %w", err)
	}
	done = true
	return rep, syncDir(parent)
}

// removeLeftovers deletes the staging directories of earlier restores into
// the same target that never finished (killed, power lost).
func (r restorer) removeLeftovers(parent, base string) {
	old, _ := filepath.Glob(filepath.Join(parent, base+".restore-*"))
	for _, dir := range old {
		if _, err := os.Stat(filepath.Join(dir, store.RestoreMarker)); err != nil {
			continue
		}
		if err := os.RemoveAll(dir); err == nil && r.out != nil {
			fmt.Fprintf(r.out, "removed %s, left by an interrupted restore\n", dir)
		}
	}
}

func writeSynced(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// checkNotHalfRestored refuses a data directory that is the staging
// directory of an unfinished restore.
func checkNotHalfRestored(dataDir string) error {
	if _, err := os.Stat(filepath.Join(dataDir, store.RestoreMarker)); err == nil {
		return fmt.Errorf("data directory %s holds an unfinished restore (%s is present): run `lifeline restore FILE.backup --data NEW_DIR` again and point LIFELINE_DATA_DIR at NEW_DIR", dataDir, store.RestoreMarker)
	}
	return nil
}

// runVerify checks a data directory or a backup file and exits 1 on damage.
func runVerify(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory to check (default LIFELINE_DATA_DIR or ./data); the server must be stopped")
	file, ok := parseFileAndFlags(fs, args)
	if !ok {
		return 2
	}
	if file != "" && *data != "" || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "usage: lifeline verify [--data DIR | FILE.backup]")
		return 2
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintf(stderr, "lifeline verify: %v\n", err)
			return 1
		}
		defer f.Close()
		rep, err := store.VerifyBackup(f)
		if err != nil {
			fmt.Fprintf(stderr, "DAMAGED: backup %s: %v\n", file, err)
			return 1
		}
		fmt.Fprintf(stdout, "OK: backup %s: %d keys, %d bytes of values, all readable\n", file, rep.Keys, rep.ValueBytes)
		return 0
	}
	dir := firstNonEmpty(*data, getenv("LIFELINE_DATA_DIR"), "./data")
	key, err := encryptionKey(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline verify: %v\n", err)
		return 2
	}
	if err := checkNotHalfRestored(dir); err != nil {
		fmt.Fprintf(stderr, "DAMAGED: %v\n", err)
		return 1
	}
	// The store lives in DIR/store; accept the store directory itself too.
	storeDir := filepath.Join(dir, "store")
	if _, err := os.Stat(storeDir); err != nil {
		storeDir = dir
	}
	rep, err := store.Verify(storeDir, key)
	if err != nil {
		fmt.Fprintf(stderr, "DAMAGED: %v\n", err)
		if errors.Is(err, store.ErrDamaged) {
			fmt.Fprintln(stderr, "Restore the latest backup into a new directory: lifeline restore FILE.backup --data NEW_DIR")
		}
		return 1
	}
	fmt.Fprintf(stdout, "OK: %s: %d tables, %d value logs, %d memtables (%d bytes); %d keys and %d bytes of values read, every checksum good\n",
		storeDir, rep.Tables, rep.ValueLogs, rep.Memtables, rep.Bytes, rep.Keys, rep.ValueBytes)
	return 0
}

// parseFileAndFlags parses a command's flags and its one file argument,
// which may stand before or after the flags; ok is false when the flags
// do not parse (the flag set has said why).
func parseFileAndFlags(fs *flag.FlagSet, args []string) (file string, ok bool) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", false
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	return file, true
}
