package store

import (
	"context"
	"testing"
)

// badger has no marks: a write's mark is empty, and a read at any mark
// reads the newest state, as ReadIn does.
func TestBadgerWritesGiveNoMarksAndReadsAtAMarkReadTheNewest(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	const id = "966500000001"
	var grouped Mark = "unset"
	if _, err := db.WriteAll(ctx, []ScopedWrite{{Scope: UserScope(id), Mark: &grouped, Fn: func(w Writer) error {
		return PutContact(ctx, w, Contact{WaID: id, Name: "first"})
	}}}); err != nil {
		t.Fatal(err)
	}
	at, err := db.WriteMark(ctx, UserScope(id), func(w Writer) error {
		return PutContact(ctx, w, Contact{WaID: id, Name: "second"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if at != "" || grouped != "" {
		t.Errorf("marks %q and %q, want none", at, grouped)
	}
	for _, mark := range []Mark{"", "12.3", "another kind"} {
		var c Contact
		if err := db.ReadAt(ctx, UserScope(id), mark, func(r Reader) error {
			var err error
			c, err = GetContact(ctx, r, id)
			return err
		}); err != nil || c.Name != "second" {
			t.Errorf("read at %q: %q, %v; want the newest", mark, c.Name, err)
		}
	}
}
