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
// ownFenceFor is checked against the nearest replica, after the first
// try's reads (see settleFence).
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
		// The first try reads before it asks for its fence; the fence
		// remembered is above what the replica served those reads at,
		// so the try runs again on it, is refused, and runs on the truth.
		{"above the truth, remembered long ago", func(s uint64) uint64 { return s + 1000 }, 2 * ownFenceFor, 3},
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
			if v := valueOf(t, s, scope, key); v != "AB" {
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

// A write's first try without a fresh fence of its own reads before it
// asks for its fence (settleFence): one that finds nothing to change asks
// for none; one that writes asks once, after its reads; one whose reads
// came from before a commit that its fence includes runs again on that
// fence, and nothing is lost.
func TestAWriteAsksForItsFenceAfterItsReads(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cases := []struct {
		name        string
		write       bool // the transaction sets the record
		interleaved bool // another commit lands between its read and its write
		fences      int64
		rereads     int64
		runs        int
		want        string
	}{
		{"nothing to write", false, false, 0, 0, 1, "A"},
		{"a write", true, false, 1, 0, 1, "AB"},
		// The fence is the interleaved commit, this instance's own.
		{"a write after another commit than its read", true, true, 0, 1, 2, "AXB"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user := "1555000700" + string(rune('0'+i))
			scope := store.UserScope(user)
			key := store.Key("s" + user)
			appendTo := func(letter string) error {
				return s.Write(ctx, scope, func(w store.Writer) error {
					v, err := w.Get(key)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						return err
					}
					return w.Set(key, append(v, letter...), 0)
				})
			}
			if err := appendTo("A"); err != nil {
				t.Fatal(err)
			}
			base, err := s.base(scope)
			if err != nil {
				t.Fatal(err)
			}
			// This instance's commit, as if made long ago: not a fence
			// to take at once.
			own, _ := s.fences.get(base)
			s.fences.put(base, own, time.Now().Add(-2*ownFenceFor))
			before := s.Requests()
			runs := 0
			if err := s.Write(ctx, scope, func(w store.Writer) error {
				runs++
				v, err := w.Get(key)
				if err != nil {
					return err
				}
				if c.interleaved && runs == 1 {
					if err := appendTo("X"); err != nil {
						return err
					}
				}
				if !c.write {
					return nil
				}
				return w.Set(key, append(v, 'B'), 0)
			}); err != nil {
				t.Fatal(err)
			}
			after := s.Requests()
			fences := after["fence_near"] - before["fence_near"] + after["fence_leader"] - before["fence_leader"]
			if c.interleaved {
				fences-- // the interleaved commit's own (its first try reads first too)
			}
			if fences != c.fences {
				t.Errorf("%d requests for a fence, want %d", fences, c.fences)
			}
			if n := after["reread"] - before["reread"]; n != c.rereads {
				t.Errorf("%d tries run again on a fence above their reads, want %d", n, c.rereads)
			}
			if runs != c.runs {
				t.Errorf("the transaction ran %d times, want %d", runs, c.runs)
			}
			if v := valueOf(t, s, scope, key); v != c.want {
				t.Errorf("value %q, want %q", v, c.want)
			}
		})
	}
}

// valueOf is key's record in scope as the leader has it.
func valueOf(t *testing.T, s *Store, scope store.Scope, key store.Key) string {
	t.Helper()
	var v []byte
	if err := s.ReadIn(context.Background(), scope, func(r store.Reader) error {
		var err error
		v, err = r.Get(key)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return string(v)
}
