package jsstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"lifeline/store"
)

// A read at a write's mark, on another instance, sees that write and
// everything the scope held before it, without asking the leader for the
// scope's last sequence (a ReadIn does); a mark this build cannot read
// is a ReadIn. The mark is the fence of the reader's next write in the
// scope: exact, it costs no request for the fence; older than the scope
// (another write came since), one refused commit, and nothing is lost.
func TestAReadAtAMarkSeesTheMarkedWrite(t *testing.T) {
	stores := open3All(t)
	writer, reader := stores[1], stores[2]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cases := []struct {
		name      string
		mark      func(first, second store.Mark) store.Mark
		leader    int64 // requests for the fence to the leader
		fenceNear int64 // requests for the fence to the nearest replica
		runs      int   // runs of the reader's write
	}{
		{"the newest write's mark", func(_, second store.Mark) store.Mark { return second }, 0, 0, 1},
		{"an older write's mark", func(first, _ store.Mark) store.Mark { return first }, 0, 0, 2},
		{"no mark", func(store.Mark, store.Mark) store.Mark { return "" }, 1, 1, 1},
		{"a mark of another kind", func(store.Mark, store.Mark) store.Mark { return "v2:7" }, 1, 1, 1},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user := "1555000600" + string(rune('0'+i))
			scope := store.UserScope(user)
			key := store.Key("s" + user)
			appendIn := func(s *Store, letter string) (store.Mark, int) {
				runs := 0
				at, err := s.WriteMarked(ctx, scope, func(w store.Writer) error {
					runs++
					v, err := w.Get(key)
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						return err
					}
					if err := w.Set(key, append(v, letter...), 0); err != nil {
						return err
					}
					return w.Set(inboxKey(len(v)+1), []byte(letter), 0)
				})
				if err != nil {
					t.Fatal(err)
				}
				return at, runs
			}
			first, _ := appendIn(writer, "A")
			second, _ := appendIn(writer, "B")
			if first == "" || second == "" || first == second {
				t.Fatalf("marks %q and %q: want two different ones", first, second)
			}
			before := reader.Requests()
			var v []byte
			var inbox int
			if err := reader.ReadMarked(ctx, scope, c.mark(first, second), func(r store.Reader) error {
				var err error
				if v, err = r.Get(key); err != nil {
					return err
				}
				return r.Scan(store.Key("i"), func(store.Key, []byte) error { inbox++; return nil })
			}); err != nil {
				t.Fatal(err)
			}
			if string(v) != "AB" || inbox != 2 {
				t.Errorf("read %q and %d inbox records, want %q and 2", v, inbox, "AB")
			}
			_, runs := appendIn(reader, "C")
			after := reader.Requests()
			if n := after["fence_leader"] - before["fence_leader"]; n != c.leader {
				t.Errorf("%d requests to the leader for a fence, want %d", n, c.leader)
			}
			if n := after["fence_near"] - before["fence_near"]; n != c.fenceNear {
				t.Errorf("%d requests to the nearest replica for a fence, want %d", n, c.fenceNear)
			}
			if runs != c.runs {
				t.Errorf("the reader's write ran %d times, want %d", runs, c.runs)
			}
			if v := valueOf(t, writer, scope, key); v != "ABC" {
				t.Errorf("value %q after the reader's write, want %q", v, "ABC")
			}
		})
	}
}

func TestMarksRoundTrip(t *testing.T) {
	cases := []struct {
		mark store.Mark
		f    fenceAt
		ok   bool
	}{
		{markOf(fenceAt{seq: 42, batch: 3}), fenceAt{seq: 42, batch: 3}, true},
		{markOf(fenceAt{seq: 42}), fenceAt{seq: 42}, true},
		{markOf(fenceAt{}), fenceAt{}, false},
		{"42", fenceAt{}, false},
		{"0.0", fenceAt{}, false},
		{"3.4", fenceAt{}, false}, // a batch larger than its last sequence
		{"x.1", fenceAt{}, false},
	}
	for _, c := range cases {
		f, ok := parseMark(c.mark)
		if f != c.f || ok != c.ok {
			t.Errorf("parseMark(%q) = %+v, %v; want %+v, %v", c.mark, f, ok, c.f, c.ok)
		}
	}
}
