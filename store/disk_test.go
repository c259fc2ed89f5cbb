package store

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
)

// Below the reserve new work is refused (CheckDisk); below a
// quarter of it even accepted work stops writing, so that badger never
// writes into a full disk. Reads always go on.
func TestDiskReserve(t *testing.T) {
	const reserve = 256 << 20
	var free atomic.Uint64
	db, err := Open(Options{Dir: t.TempDir(), Logger: zerolog.Nop(), DiskReserve: reserve,
		FreeSpace: func(string) (uint64, error) { return free.Load(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		name            string
		free            uint64
		newWork, commit bool // allowed?
	}{
		{"plenty", 10 << 30, true, true},
		{"just above the reserve", reserve, true, true},
		{"below the reserve", reserve - 1, false, true},
		{"at a quarter of the reserve", reserve / 4, false, true},
		{"below a quarter of the reserve", reserve/4 - 1, false, false},
		{"space back", 1 << 30, true, true},
	}
	for _, c := range cases {
		free.Store(c.free)
		err := db.CheckDisk()
		if (err == nil) != c.newWork || err != nil && !errors.Is(err, ErrDiskLow) {
			t.Errorf("%s: CheckDisk = %v, want new work allowed %v", c.name, err, c.newWork)
		}
		b := db.newBatch()
		_ = b.Set(sessionKey("bulk"), []byte("1"))
		if err := b.Flush(); (err == nil) != c.commit {
			t.Errorf("%s: bulk write = %v, want allowed %v", c.name, err, c.newWork)
		}
		err = db.update(func(tx *Txn) error { return tx.Set(sessionKey("x"), []byte(c.name), 0) })
		if (err == nil) != c.commit || err != nil && !errors.Is(err, ErrDiskLow) {
			t.Errorf("%s: commit = %v, want allowed %v", c.name, err, c.commit)
		}
		if err := db.view(func(tx *Txn) error { _, err := tx.Has(sessionKey("x")); return err }); err != nil {
			t.Errorf("%s: read = %v", c.name, err)
		}
		if d := db.Disk(); d.Free != c.free || d.Low != (c.free < reserve) {
			t.Errorf("%s: Disk() = %+v", c.name, d)
		}
	}
	if db.Health() != nil {
		t.Errorf("health %v after the space came back and a commit succeeded", db.Health())
	}
}
