package jsstore

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"lifeline/store"
)

// Records named ahead (store.Prefetch) are fetched in one request and
// read as they are stored, with the transaction's own changes over them:
// a get of a record fetched, one missing, one written in the
// transaction; a scan of a prefix fetched. A write and a ReadNear know
// their fence; a ReadIn asks the leader for it first. A read of no
// scope fetches nothing and reads the same.
func TestRecordsNamedAheadReadAsStored(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := "15550008000"
	scope := store.UserScope(user)
	session, contact := store.Key("s"+user), store.Key("c"+user)
	if err := s.Write(ctx, scope, func(w store.Writer) error {
		for _, k := range []store.Key{inboxKey(1), inboxKey(2)} {
			if err := w.Set(k, []byte("event"), 0); err != nil {
				return err
			}
		}
		return w.Set(session, []byte("S"), 0)
	}); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		session, contact error
		value            string
		inbox            []store.Key
	}
	read := func(r store.Reader, got *seen) error {
		v, err := r.Get(session)
		got.session, got.value = err, string(v)
		_, got.contact = r.Get(contact)
		got.inbox = nil
		return r.Scan(store.Key("i"), func(k store.Key, _ []byte) error {
			got.inbox = append(got.inbox, k)
			return nil
		})
	}
	ahead := func(r store.Reader) {
		r.(store.Prefetcher).Prefetch([]store.Key{session, contact}, []store.Key{store.Key("i")})
	}
	cases := []struct {
		name      string
		run       func(got *seen) error
		fetches   int64 // requests that fetch what was named
		value     string
		inbox     []store.Key
		readsLeft int64 // gets and scans still asked one by one
	}{
		{"write", func(got *seen) error {
			return s.Write(ctx, scope, func(w store.Writer) error {
				ahead(w)
				if err := w.Delete(inboxKey(1)); err != nil {
					return err
				}
				if err := w.Set(inboxKey(3), []byte("event"), 0); err != nil {
					return err
				}
				return read(w, got)
			})
		}, 1, "S", []store.Key{inboxKey(2), inboxKey(3)}, 0},
		{"read near", func(got *seen) error {
			return s.ReadNear(ctx, scope, func(r store.Reader) error { ahead(r); return read(r, got) })
		}, 1, "S", []store.Key{inboxKey(2), inboxKey(3)}, 0},
		{"read in the scope", func(got *seen) error {
			return s.ReadIn(ctx, scope, func(r store.Reader) error { ahead(r); return read(r, got) })
		}, 1, "S", []store.Key{inboxKey(2), inboxKey(3)}, 0},
		{"read of no scope", func(got *seen) error {
			return s.Read(ctx, func(r store.Reader) error { ahead(r); return read(r, got) })
		}, 0, "S", []store.Key{inboxKey(2), inboxKey(3)}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.Requests()
			var got seen
			if err := c.run(&got); err != nil {
				t.Fatal(err)
			}
			after := s.Requests()
			if got.session != nil || got.value != c.value {
				t.Errorf("session: %q, %v; want %q", got.value, got.session, c.value)
			}
			if !errors.Is(got.contact, store.ErrNotFound) {
				t.Errorf("a record never written: %v, want ErrNotFound", got.contact)
			}
			if !slices.EqualFunc(got.inbox, c.inbox, func(a, b store.Key) bool { return string(a) == string(b) }) {
				t.Errorf("scan: %q, want %q", got.inbox, c.inbox)
			}
			if n := after["prefetch"] - before["prefetch"]; n != c.fetches {
				t.Errorf("%d fetches of what was named, want %d", n, c.fetches)
			}
			left := after["get_near"] - before["get_near"] + after["get_leader"] - before["get_leader"] +
				after["scan_near"] - before["scan_near"]
			if left != c.readsLeft {
				t.Errorf("%d reads asked one by one, want %d", left, c.readsLeft)
			}
		})
	}
}
