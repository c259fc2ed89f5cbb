package storeconf

import (
	"testing"

	"lifeline/store"
)

func TestBadgerConforms(t *testing.T) {
	Run(t, func(t *testing.T) Backend {
		db, err := store.Open(store.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
