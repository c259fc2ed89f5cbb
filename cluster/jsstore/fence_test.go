package jsstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"lifeline/store"
)

// A write's first try fences on an estimate of the scope's last
// sequence (see Store.fence). Whatever the estimate, a read-modify-write
// keeps what was there: an estimate below the truth (another instance
// wrote since) or above it (a record expired since this instance's own
// commit) costs a refused commit whose answer names the true sequence,
// and the next try commits. An estimate remembered longer than
// ownFenceFor is checked against the nearest replica first.
func TestAWrongFenceCostsARetryNeverAnUpdate(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cases := []struct {
		name  string
		fence func(true uint64) uint64
		age   time.Duration // of the remembered fence
		runs  int           // runs of the transaction
	}{
		{"exact", func(s uint64) uint64 { return s }, 0, 1},
		{"below the truth", func(s uint64) uint64 { return s - 1 }, 0, 2},
		{"below the truth, remembered long ago", func(s uint64) uint64 { return s - 1 }, 2 * ownFenceFor, 1}, // the replica's own answer is taken over it
		{"above the truth", func(s uint64) uint64 { return s + 1000 }, 0, 2},
		{"above the truth, remembered long ago", func(s uint64) uint64 { return s + 1000 }, 2 * ownFenceFor, 2},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user := "1555000400" + string(rune('0'+i))
			scope := store.UserScope(user)
			key := store.Key("s" + user)
			appendTo := func(letter string) int {
				runs := 0
				if err := s.Write(ctx, scope, func(w store.Writer) error {
					runs++
					v, err := w.Get(key)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						return err
					}
					return w.Set(key, append(v, letter...), 0)
				}); err != nil {
					t.Fatal(err)
				}
				return runs
			}
			appendTo("A")
			base, err := s.base(scope)
			if err != nil {
				t.Fatal(err)
			}
			last, err := s.lastSeq(ctx, base+".>")
			if err != nil {
				t.Fatal(err)
			}
			s.fences.put(base, fenceAt{seq: c.fence(last)}, time.Now().Add(-c.age))
			if runs := appendTo("B"); runs != c.runs {
				t.Errorf("the transaction ran %d times, want %d", runs, c.runs)
			}
			var v []byte
			if err := s.ReadIn(ctx, scope, func(r store.Reader) error {
				v, err = r.Get(key)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if string(v) != "AB" {
				t.Errorf("value %q, want %q", v, "AB")
			}
		})
	}
}

func TestWrongLastSequenceIsRead(t *testing.T) {
	cases := []struct {
		desc string
		seq  uint64
		ok   bool
	}{
		{"wrong last sequence: 42", 42, true},
		{"wrong last sequence: 0", 0, true},
		{"wrong last sequence", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		seq, ok := wrongLastOf(c.desc)
		if seq != c.seq || ok != c.ok {
			t.Errorf("wrongLastOf(%q) = %d, %v; want %d, %v", c.desc, seq, ok, c.seq, c.ok)
		}
	}
}

// ReadNear reads the scope's records from the nearest replica (on one
// node, the node itself): what was committed there, gets and scans, and
// a record of another scope from the leader.
func TestReadNearReadsWhatWasCommitted(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user, other := "15550005000", "15550005001"
	for _, u := range []string{user, other} {
		if err := s.Write(ctx, store.UserScope(u), func(w store.Writer) error {
			return w.Set(store.Key("s"+u), []byte("session of "+u), 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	var own, theirs []byte
	var missing error
	scanned := 0
	if err := s.ReadNear(ctx, store.UserScope(user), func(r store.Reader) error {
		var err error
		if own, err = r.Get(store.Key("s" + user)); err != nil {
			return err
		}
		if theirs, err = r.Get(store.Key("s" + other)); err != nil {
			return err
		}
		_, missing = r.Get(store.Key("c" + user))
		return r.Scan(store.Key("s"), func(store.Key, []byte) error { scanned++; return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if string(own) != "session of "+user || string(theirs) != "session of "+other {
		t.Errorf("read %q and %q", own, theirs)
	}
	if !errors.Is(missing, store.ErrNotFound) {
		t.Errorf("a record never written: %v, want ErrNotFound", missing)
	}
	if scanned != 1 {
		t.Errorf("the scan of the scope met %d records, want 1", scanned)
	}
}
