package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

const filled = 20000

// fillStore writes filled contacts and closes the store, so that they sit
// in table files on disk.
func fillStore(t *testing.T, dir string) {
	t.Helper()
	db, err := Open(Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	b := db.newBatch()
	for i := range filled {
		if err := b.SetJSON(contactKey(fmt.Sprintf("1555%07d", i)), map[string]any{"name": fmt.Sprint("contact ", i), "tags": []string{"a", "b"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func tableFile(t *testing.T, dir string) string {
	t.Helper()
	ssts, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
	if len(ssts) == 0 {
		t.Fatal("no table file was written")
	}
	return ssts[0]
}

// Damage of every kind found in the field: the store must refuse to
// open, say what is wrong, and leave the files as they were.
func TestDamagedStoreIsRefusedNotOpenedEmpty(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		says   string
	}{
		{"missing MANIFEST", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "MANIFEST")); err != nil {
				t.Fatal(err)
			}
		}, "MANIFEST file is missing"},
		{"64 random bytes in a table", func(t *testing.T, dir string) {
			f := tableFile(t, dir)
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			for i := range 64 {
				b[len(b)/2+i] = byte(r.Uint32())
			}
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is damaged"},
		{"truncated table", func(t *testing.T, dir string) {
			f := tableFile(t, dir)
			fi, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(f, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, "is damaged"},
		{"table listed in the MANIFEST is gone", func(t *testing.T, dir string) {
			if err := os.Remove(tableFile(t, dir)); err != nil {
				t.Fatal(err)
			}
		}, "is missing"},
		{"unfinished restore", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, RestoreMarker), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "unfinished restore"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			fillStore(t, dir)
			c.damage(t, dir)
			before := listDir(t, dir)

			db, err := Open(Options{Dir: dir, Logger: zerolog.Nop()})
			if err == nil {
				n := countContacts(t, db)
				db.Close()
				t.Fatalf("a damaged store opened (%d of %d contacts readable)", n, filled)
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("open error = %v, want ErrDamaged saying %q", err, c.says)
			}
			if after := listDir(t, dir); after != before {
				t.Errorf("refusing to open changed the directory:\nbefore %s\nafter  %s", before, after)
			}
			if _, err := Verify(dir, nil); !errors.Is(err, ErrDamaged) {
				t.Errorf("Verify = %v, want ErrDamaged", err)
			}
		})
	}
}

func TestVerifyReadsEveryKeyOfAHealthyStore(t *testing.T) {
	dir := t.TempDir()
	fillStore(t, dir)
	r, err := Verify(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Keys < filled || r.Tables < 1 {
		t.Errorf("report %+v, want at least %d keys in at least one table", r, filled)
	}
	// Verify opens read-only: the store still opens normally afterwards.
	db, err := Open(Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countContacts(t, db); n != filled {
		t.Errorf("%d contacts after Verify, want %d", n, filled)
	}
}

func TestVerifyBackupCountsKeysAndRejectsACutStream(t *testing.T) {
	db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 500 {
		if err := db.update(func(tx *Txn) error { return tx.SetJSON(contactKey(fmt.Sprint(i)), i, 0) }); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := db.Backup(&buf, 0); err != nil {
		t.Fatal(err)
	}
	r, err := VerifyBackup(bytes.NewReader(buf.Bytes()))
	if err != nil || r.Keys < 500 {
		t.Fatalf("whole backup: %+v %v", r, err)
	}
	if _, err := VerifyBackup(bytes.NewReader(buf.Bytes()[:buf.Len()-7])); err == nil {
		t.Error("a backup cut short verified")
	}
}

func countContacts(t *testing.T, db *DB) int {
	t.Helper()
	n := 0
	if err := db.view(func(tx *Txn) error {
		return tx.Scan(contactPrefix(), func(Key, []byte) error { n++; return nil })
	}); err != nil {
		t.Logf("scan: %v", err)
	}
	return n
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() == "LOCK" {
			continue
		}
		fi, _ := e.Info()
		names = append(names, fmt.Sprintf("%s:%d", e.Name(), fi.Size()))
	}
	return strings.Join(names, " ")
}
