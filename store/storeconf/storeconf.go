// Package storeconf is the conformance suite of the store's seam: what
// every backend's scoped transactions must do (store.Reader and
// store.Writer, store.DB.Write, store.DB.ReadIn), run against badger in
// this package's test and against each other backend in its own.
package storeconf

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"lifeline/store"
)

// Backend is what the suite exercises: *store.DB and every other
// backend's store.
type Backend interface {
	Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error
	ReadIn(ctx context.Context, scope store.Scope, fn func(r store.Reader) error) error
}

var _ Backend = (*store.DB)(nil)

// The suite writes records of the user scope. Keys are built here from
// the layout in store/keys.go (nothing outside the store builds keys in
// the product); checkLayout fails the suite when that layout moves.
func sessionKey(user string) store.Key { return store.Key("s" + user) }
func contactKey(user string) store.Key { return store.Key("c" + user) }
func transcriptPrefix(user string) store.Key {
	return store.Key("t" + user + "\x00")
}
func transcriptKey(user string, seq uint64) store.Key {
	return binary.BigEndian.AppendUint64(transcriptPrefix(user), seq)
}

func checkLayout(t *testing.T) {
	t.Helper()
	for _, k := range []store.Key{sessionKey("1555"), contactKey("1555"), transcriptKey("1555", 7)} {
		if owner, ok := store.KeyOwner(k); !ok || owner != store.UserScope("1555") {
			t.Fatalf("key %q is not owned by the user scope: store/keys.go changed its layout; update the suite", k)
		}
	}
}

// Run runs the suite against the backend open returns; open is called
// once, and each case works on users of its own.
func Run(t *testing.T, open func(t *testing.T) Backend) {
	checkLayout(t)
	b := open(t)
	cases := []struct {
		name string
		run  func(t *testing.T, b Backend, user string)
	}{
		{"a transaction reads its own writes", readYourWrites},
		{"a committed write is visible and a failed one leaves nothing", commitVisibility},
		{"a conflicting write to the scope re-runs the transaction and both effects survive in order", conflictRetries},
		{"a write outside the scope is refused and nothing commits", outOfScope},
		{"delete removes a record and deleting a missing one is no error", deletes},
		{"scans walk a prefix in key order within the scope", scans},
		{"a record with a TTL expires and one without stays", ttlExpiry},
		{"NextSeq is never 0, never repeats and increases in call order", nextSeq},
	}
	for i, c := range cases {
		user := fmt.Sprintf("4477009%05d", i)
		t.Run(c.name, func(t *testing.T) { c.run(t, b, user) })
	}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// collect returns the keys (and values) a scan passes, in order.
type kv struct{ k, v string }

func collect(scan func(fn func(k store.Key, v []byte) error) error) ([]kv, error) {
	var out []kv
	err := scan(func(k store.Key, v []byte) error {
		out = append(out, kv{string(k), string(v)})
		return nil
	})
	return out, err
}

func transcriptEntries(user string, seqs ...uint64) []kv {
	var out []kv
	for _, s := range seqs {
		out = append(out, kv{string(transcriptKey(user, s)), fmt.Sprintf("m%d", s)})
	}
	return out
}

func readYourWrites(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	err := b.Write(ctx, store.UserScope(user), func(w store.Writer) error {
		if _, err := w.Get(sessionKey(user)); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("get of a record never written: %v, want ErrNotFound", err)
		}
		if err := w.Set(sessionKey(user), []byte("s1"), 0); err != nil {
			return err
		}
		if v, err := w.Get(sessionKey(user)); err != nil || string(v) != "s1" {
			return fmt.Errorf("get after set: %q, %v; want s1", v, err)
		}
		if ok, err := w.Has(sessionKey(user)); err != nil || !ok {
			return fmt.Errorf("has after set: %v, %v", ok, err)
		}
		for s := uint64(1); s <= 3; s++ {
			if err := w.Set(transcriptKey(user, s), fmt.Appendf(nil, "m%d", s), 0); err != nil {
				return err
			}
		}
		got, err := collect(func(fn func(store.Key, []byte) error) error { return w.Scan(transcriptPrefix(user), fn) })
		if err != nil || !slices.Equal(got, transcriptEntries(user, 1, 2, 3)) {
			return fmt.Errorf("scan of pending writes: %q, %v", got, err)
		}
		if err := w.Delete(sessionKey(user)); err != nil {
			return err
		}
		if _, err := w.Get(sessionKey(user)); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("get after delete: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readValue(t *testing.T, b Backend, scope store.Scope, key store.Key) (string, error) {
	t.Helper()
	var v []byte
	err := b.ReadIn(ctxFor(t), scope, func(r store.Reader) error {
		var err error
		v, err = r.Get(key)
		return err
	})
	return string(v), err
}

func commitVisibility(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	if err := b.Write(ctx, scope, func(w store.Writer) error {
		return w.Set(sessionKey(user), []byte("committed"), 0)
	}); err != nil {
		t.Fatal(err)
	}
	if v, err := readValue(t, b, scope, sessionKey(user)); err != nil || v != "committed" {
		t.Fatalf("after commit: %q, %v", v, err)
	}
	failed := errors.New("flow failed")
	err := b.Write(ctx, scope, func(w store.Writer) error {
		if err := w.Set(sessionKey(user), []byte("lost"), 0); err != nil {
			return err
		}
		if err := w.Set(contactKey(user), []byte("lost"), 0); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("write whose fn fails: %v, want fn's error", err)
	}
	if v, err := readValue(t, b, scope, sessionKey(user)); err != nil || v != "committed" {
		t.Errorf("session after a failed write: %q, %v; want committed", v, err)
	}
	if _, err := readValue(t, b, scope, contactKey(user)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("contact after a failed write: %v, want ErrNotFound", err)
	}
}

// conflictRetries holds a first transaction between its read and its
// commit while a second one commits to the same scope: the first must
// run again from what it reads then, so that both appends survive.
func conflictRetries(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	appendTo := func(w store.Writer, who string) error {
		v, err := w.Get(sessionKey(user))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return w.Set(sessionKey(user), append(v, who...), 0)
	}
	read, second := make(chan struct{}), make(chan error, 1)
	var runs int
	var once sync.Once
	go func() {
		<-read
		second <- b.Write(ctx, scope, func(w store.Writer) error { return appendTo(w, "B") })
	}()
	err := b.Write(ctx, scope, func(w store.Writer) error {
		runs++
		if err := appendTo(w, "A"); err != nil {
			return err
		}
		first := false
		once.Do(func() { first = true })
		if first {
			close(read)
			if err := <-second; err != nil {
				return fmt.Errorf("the second write: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs < 2 {
		t.Errorf("the first transaction ran %d times; a conflicting commit must make it run again", runs)
	}
	if v, err := readValue(t, b, scope, sessionKey(user)); err != nil || v != "BA" {
		t.Errorf("session after both writes: %q, %v; want BA (the second's append, then the first's re-run)", v, err)
	}
}

func outOfScope(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	other := user + "9"
	err := b.Write(ctx, store.UserScope(user), func(w store.Writer) error {
		if err := w.Set(sessionKey(user), []byte("mine"), 0); err != nil {
			return err
		}
		return w.Set(sessionKey(other), []byte("theirs"), 0)
	})
	if !errors.Is(err, store.ErrOutOfScope) {
		t.Fatalf("set of another user's session: %v, want ErrOutOfScope", err)
	}
	err = b.Write(ctx, store.UserScope(user), func(w store.Writer) error { return w.Delete(contactKey(other)) })
	if !errors.Is(err, store.ErrOutOfScope) {
		t.Errorf("delete of another user's contact: %v, want ErrOutOfScope", err)
	}
	for _, k := range []store.Key{sessionKey(user), sessionKey(other)} {
		if _, err := readValue(t, b, store.UserScope(user), k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%q after the refused write: %v, want ErrNotFound", k, err)
		}
	}
}

func deletes(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	if err := b.Write(ctx, scope, func(w store.Writer) error {
		if err := w.Set(sessionKey(user), []byte("s"), 0); err != nil {
			return err
		}
		return w.Set(transcriptKey(user, 1), []byte("m1"), 0)
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.Write(ctx, scope, func(w store.Writer) error {
		if err := w.Delete(transcriptKey(user, 1)); err != nil {
			return err
		}
		return w.Delete(contactKey(user)) // never written
	}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	err := b.ReadIn(ctx, scope, func(r store.Reader) error {
		if _, err := r.Get(transcriptKey(user, 1)); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("get of a deleted record: %v, want ErrNotFound", err)
		}
		if ok, err := r.Has(transcriptKey(user, 1)); err != nil || ok {
			return fmt.Errorf("has of a deleted record: %v, %v", ok, err)
		}
		got, err := collect(func(fn func(store.Key, []byte) error) error { return r.Scan(transcriptPrefix(user), fn) })
		if err != nil || len(got) != 0 {
			return fmt.Errorf("scan after delete: %q, %v; want nothing", got, err)
		}
		if v, err := r.Get(sessionKey(user)); err != nil || string(v) != "s" {
			return fmt.Errorf("the record not deleted: %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func scans(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	// A user whose id extends this one's: the zero byte after the id
	// keeps its transcript out of this user's prefix.
	longer := user + "1"
	for _, u := range []string{user, longer} {
		if err := b.Write(ctx, store.UserScope(u), func(w store.Writer) error {
			for s := uint64(1); s <= 5; s++ {
				if err := w.Set(transcriptKey(u, s), fmt.Appendf(nil, "m%d", s), 0); err != nil {
					return err
				}
			}
			if err := w.Set(sessionKey(u), []byte("s"), 0); err != nil {
				return err
			}
			return w.Set(contactKey(u), []byte("c"), 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	stopAfter := func(n int, out *[]kv) func(k store.Key, v []byte) error {
		return func(k store.Key, v []byte) error {
			*out = append(*out, kv{string(k), string(v)})
			if len(*out) == n {
				return store.ErrStop
			}
			return nil
		}
	}
	prefix := transcriptPrefix(user)
	tests := []struct {
		name string
		scan func(r store.Reader) ([]kv, error)
		want []kv
	}{
		{"scan", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error { return r.Scan(prefix, fn) })
		}, transcriptEntries(user, 1, 2, 3, 4, 5)},
		{"reverse", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error { return r.ScanReverse(prefix, fn) })
		}, transcriptEntries(user, 5, 4, 3, 2, 1)},
		{"from the third", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error {
				return r.ScanFrom(prefix, transcriptKey(user, 3), fn)
			})
		}, transcriptEntries(user, 3, 4, 5)},
		{"ErrStop ends the scan without error", func(r store.Reader) ([]kv, error) {
			var out []kv
			err := r.Scan(prefix, stopAfter(2, &out))
			return out, err
		}, transcriptEntries(user, 1, 2)},
		{"ErrStop ends a reverse scan", func(r store.Reader) ([]kv, error) {
			var out []kv
			err := r.ScanReverse(prefix, stopAfter(1, &out))
			return out, err
		}, transcriptEntries(user, 5)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []kv
			err := b.ReadIn(ctx, scope, func(r store.Reader) error {
				var err error
				got, err = tc.scan(r)
				return err
			})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	t.Run("pending writes merge into a scan", func(t *testing.T) {
		err := b.Write(ctx, scope, func(w store.Writer) error {
			if err := w.Delete(transcriptKey(user, 2)); err != nil {
				return err
			}
			if err := w.Set(transcriptKey(user, 6), []byte("m6"), 0); err != nil {
				return err
			}
			if err := w.Set(transcriptKey(user, 4), []byte("m4"), 0); err != nil {
				return err
			}
			got, err := collect(func(fn func(store.Key, []byte) error) error { return w.Scan(prefix, fn) })
			if want := transcriptEntries(user, 1, 3, 4, 5, 6); err != nil || !slices.Equal(got, want) {
				return fmt.Errorf("scan: got %q, %v; want %q", got, err, want)
			}
			got, err = collect(func(fn func(store.Key, []byte) error) error { return w.ScanReverse(prefix, fn) })
			if want := transcriptEntries(user, 6, 5, 4, 3, 1); err != nil || !slices.Equal(got, want) {
				return fmt.Errorf("reverse: got %q, %v; want %q", got, err, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// ttlExpiry waits for the expiry: neither badger nor JetStream lets a
// test move its clock, and both count a TTL in whole seconds.
func ttlExpiry(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	if err := b.Write(ctx, scope, func(w store.Writer) error {
		if err := w.Set(transcriptKey(user, 1), []byte("m1"), time.Second); err != nil {
			return err
		}
		return w.Set(transcriptKey(user, 2), []byte("m2"), 0)
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := readValue(t, b, scope, transcriptKey(user, 1))
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("a record with a TTL of 1s is still there after 20s")
		}
		<-tick.C
	}
	var got []kv
	err := b.ReadIn(ctx, scope, func(r store.Reader) error {
		var err error
		got, err = collect(func(fn func(store.Key, []byte) error) error { return r.Scan(transcriptPrefix(user), fn) })
		return err
	})
	if want := transcriptEntries(user, 2); err != nil || !slices.Equal(got, want) {
		t.Errorf("scan after the expiry: %q, %v; want %q", got, err, want)
	}
}

func nextSeq(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	name := "conformance-" + user
	var last uint64
	for i := range 20 {
		var n uint64
		if err := b.Write(ctx, store.UserScope(user), func(w store.Writer) error {
			var err error
			n, err = w.NextSeq(name)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n == 0 || n <= last {
			t.Fatalf("draw %d: %d after %d; want above it and never 0", i, n, last)
		}
		last = n
	}
	const workers, each = 4, 25
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				var n uint64
				err := b.Write(ctx, store.UserScope(user), func(w store.Writer) error {
					var err error
					n, err = w.NextSeq(name)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if n <= last || seen[n] {
					mu.Unlock()
					errs <- fmt.Errorf("concurrent draw %d repeats or goes below %d", n, last)
					return
				}
				seen[n] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct numbers from %d draws", len(seen), workers*each)
	}
}
