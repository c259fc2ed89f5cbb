package jsstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"lifeline/store"
)

// A scan is answered by the nearest replica in one request, but only
// from a replica that has applied every write the leader acknowledged
// before the scan began: a record written through one instance is in
// the scans that the other instances run right after, every time, and
// one deleted is gone from them.
func TestScansThroughAnyInstanceSeeEveryAcknowledgedWrite(t *testing.T) {
	stores := open3All(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	user := "15550004444"
	scope := store.UserScope(user)
	for i := range 60 {
		writer := stores[i%3]
		key := inboxKey(i)
		if err := writer.Write(ctx, scope, func(w store.Writer) error {
			if i > 0 {
				// The previous record goes, with the session as the
				// batch's anchor: a short tombstone.
				if err := w.Delete(inboxKey(i - 1)); err != nil {
					return err
				}
			}
			if err := w.Set(store.Key("s"+user), fmt.Appendf(nil, "%d", i), 0); err != nil {
				return err
			}
			return w.Set(key, []byte("v"), 0)
		}); err != nil {
			t.Fatal(err)
		}
		for j, s := range stores {
			var keys []string
			if err := s.ReadIn(ctx, scope, func(r store.Reader) error {
				return r.Scan(store.Key("i"), func(k store.Key, _ []byte) error {
					keys = append(keys, string(k))
					return nil
				})
			}); err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || keys[0] != string(key) {
				t.Fatalf("write %d through instance %d: instance %d scans %q, want only %q", i, i%3, j, keys, key)
			}
		}
	}
}

// A batch ends with a message that stays (its anchor, or for a delete
// alone the scope's marker), which gives the tombstones of keys living in
// one scope a short life; a key that may live in several scopes keeps
// the long one.
func TestTombstonesAreShortOnlyForKeysOfOneScope(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	user := "15550005555"
	scope := store.UserScope(user)
	seen := store.Key("dm:wamid.1")
	if err := s.Write(ctx, scope, func(w store.Writer) error {
		for _, k := range []store.Key{inboxKey(1), inboxKey(2), seen} {
			if err := w.Set(k, []byte("x"), 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		fn   func(w store.Writer) error
	}{
		{"a delete with the session written", func(w store.Writer) error {
			if err := w.Delete(inboxKey(1)); err != nil {
				return err
			}
			if err := w.Delete(seen); err != nil {
				return err
			}
			return w.Set(store.Key("s"+user), []byte("{}"), 0)
		}},
		{"a delete alone", func(w store.Writer) error { return w.Delete(inboxKey(2)) }},
	}
	for _, st := range steps {
		if err := s.Write(ctx, scope, st.fn); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	base, err := s.base(scope)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  store.Key
		want string
	}{{inboxKey(1), shortTombstoneTTL}, {seen, tombstoneTTL}, {inboxKey(2), shortTombstoneTTL}} {
		m, err := s.get(ctx, msgGet{LastFor: subjectOf(base, c.key)})
		if err != nil || m == nil {
			t.Fatalf("%q: %v %v", c.key, m, err)
		}
		h, err := natsHeader(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Get("Nats-TTL"); h.Get(hdrOp) != opDel || got != c.want {
			t.Errorf("%q: tombstone %q with TTL %q, want TTL %q", c.key, h.Get(hdrOp), got, c.want)
		}
	}
}

// inboxKey is the store's key of inbox event n.
func inboxKey(n int) store.Key {
	return binary.BigEndian.AppendUint64(store.Key{'i'}, uint64(n))
}
