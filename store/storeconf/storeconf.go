// Package storeconf is the conformance suite of the store's seam: what
// every backend's scoped transactions must do (store.Reader and
// store.Writer, store.DB.Write, store.DB.ReadIn, store.DB.Read and the
// audit-event commit hook), in the scopes of users, broadcasts and
// documents, run against badger in this package's test and against each
// other backend in its own.
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
	// Read is a read of no scope: gets and scans across every scope.
	Read(ctx context.Context, fn func(r store.Reader) error) error
	// SetAuditFolder registers what runs after a commit that wrote an
	// audit event (store.DB.SetAuditFolder).
	SetAuditFolder(fold func(ctx context.Context))
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

// docKey is document id of kind: g <kind> 0 <id>.
func docKey(kind store.DocKind, id string) store.Key {
	return store.Key("g" + string(kind) + "\x00" + id)
}

// broadcastDocKey is a broadcast's own document, owned by its scope.
func broadcastDocKey(id string) store.Key { return docKey(store.DocBroadcast, id) }

// faqLiveKey is the FAQ's live pointer, owned by the FAQ scope.
func faqLiveKey() store.Key { return docKey(store.DocFAQCurrent, "live") }

// incidentKey is one incident, a document scope of its own.
func incidentKey(id string) store.Key { return docKey(store.DocIncident, id) }

// seenKey is a dedupe marker, kept in the scope of the user whose turn
// writes it (no one scope owns it).
func seenKey(id string) store.Key { return store.Key("d" + id) }

// auditEventKey is a pending audit event of a user: g auev 0 u/<wa_id>/<seq, 20 digits>.
func auditEventKey(user string, seq uint64) store.Key {
	return docKey(store.DocAuditEvent, fmt.Sprintf("u/%s/%020d", user, seq))
}

func checkLayout(t *testing.T) {
	t.Helper()
	owned := []struct {
		key   store.Key
		scope store.Scope
	}{
		{sessionKey("1555"), store.UserScope("1555")},
		{contactKey("1555"), store.UserScope("1555")},
		{transcriptKey("1555", 7), store.UserScope("1555")},
		{broadcastDocKey("b1"), store.BroadcastScope("b1")},
		{faqLiveKey(), store.FAQScope()},
		{incidentKey("i1"), store.DocScope(store.DocIncident, "i1")},
		{auditEventKey("1555", 3), store.UserScope("1555")},
	}
	for _, o := range owned {
		if owner, ok := store.KeyOwner(o.key); !ok || owner != o.scope {
			t.Fatalf("key %q is not owned by %s: store/keys.go changed its layout; update the suite", o.key, o.scope)
		}
	}
	if _, ok := store.KeyOwner(seenKey("wamid.1")); ok {
		t.Fatal("the dedupe marker has one owner: store/keys.go changed its layout; update the suite")
	}
	if store.UserScope("1555").CheckWrite("set", seenKey("wamid.1")) != nil || !store.IsAuditEventKey(auditEventKey("1555", 3)) {
		t.Fatal("dedupe markers or audit events moved: store/keys.go changed its layout; update the suite")
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
		{"broadcast and document scopes commit, conflict and refuse what they do not own", otherScopes},
		{"a read of no scope finds records of every scope and scans across users", crossScope},
		{"an audit event commits with its change and the commit runs the folder", auditEvents},
		{"a write outside the scope is refused and nothing commits", outOfScope},
		{"delete removes a record and deleting a missing one is no error", deletes},
		{"scans walk a prefix in key order within the scope", scans},
		{"a record with a TTL expires and one without stays", ttlExpiry},
		{"a document with a TTL expires", docTTL},
		{"NextSeq is never 0, never repeats and increases in call order", nextSeq},
		{"counts of people in different scopes add up in one broadcast", broadcastCounts},
		{"a fold moves counts into the base and a crash between any two of its writes changes no sum", foldCrash},
		{"two folds at once and counts during them change no sum", foldConcurrent},
		{"an epoch is folded a grace after it closed", foldGrace},
		{"the daily messaging limit is shared by every holder and never granted twice", dailyLimit},
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
	conflictRetriesIn(t, b, store.UserScope(user), sessionKey(user))
}

func conflictRetriesIn(t *testing.T, b Backend, scope store.Scope, key store.Key) {
	ctx := ctxFor(t)
	appendTo := func(w store.Writer, who string) error {
		v, err := w.Get(key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return w.Set(key, append(v, who...), 0)
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
	if v, err := readValue(t, b, scope, key); err != nil || v != "BA" {
		t.Errorf("%q in %s after both writes: %q, %v; want BA (the second's append, then the first's re-run)", key, scope, v, err)
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
	names := []string{"conformance-" + user}
	for _, n := range store.SequenceNames() {
		if store.ScopeNumbered(n) {
			names = append(names, n)
			break
		}
	}
	if len(names) != 2 {
		t.Fatal("no sequence is numbered by scope")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) { nextSeqOf(t, b, user, name) })
	}
}

// nextSeqOf draws numbers of name in writes of user's scope, one after
// the other (some writing nothing, some several records numbered in one
// write) and side by side; then side by side in several scopes. Each is
// never 0 and never handed out before, and each write's numbers are
// above every number drawn in the scope's writes before it.
func nextSeqOf(t *testing.T, b Backend, user, name string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	var last uint64
	draw := func(w store.Writer, k int, set bool) ([]uint64, error) {
		var ns []uint64
		for range k {
			n, err := w.NextSeq(name)
			if err != nil {
				return nil, err
			}
			if set {
				if err := w.Set(transcriptKey(user, n), []byte("x"), 0); err != nil {
					return nil, err
				}
			}
			ns = append(ns, n)
		}
		return ns, nil
	}
	for i := range 20 {
		var ns []uint64
		k, set := 1+i%3, i%2 == 0
		if err := b.Write(ctx, scope, func(w store.Writer) (err error) {
			ns, err = draw(w, k, set)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n == 0 || n <= last {
				t.Fatalf("write %d drew %v after %d; want each above the one before and never 0", i, ns, last)
			}
			last = n
		}
	}
	const workers, each = 4, 25
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := range workers {
		wg.Go(func() {
			for range each {
				var n uint64
				err := b.Write(ctx, scope, func(w store.Writer) error {
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
		// Side by side in scopes of their own: no number twice anywhere.
		other := store.UserScope(fmt.Sprintf("%s%d", user, w))
		wg.Go(func() {
			for range each {
				var ns []uint64
				err := b.Write(ctx, other, func(w store.Writer) (err error) {
					ns, err = draw(w, 2, false)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, n := range ns {
					if n == 0 || seen[n] {
						errs <- fmt.Errorf("draw %d in %s is 0 or was handed out before", n, other)
					}
					seen[n] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(seen) != 3*workers*each {
		t.Errorf("%d distinct numbers from %d draws", len(seen), 3*workers*each)
	}
}

// otherScopes runs what the user scope does in a broadcast's, the FAQ's
// (a family of documents) and one incident's.
func otherScopes(t *testing.T, b Backend, user string) {
	bc, inc := "bc"+user, "inc"+user
	scopes := []struct {
		scope store.Scope
		key   store.Key
	}{
		{store.BroadcastScope(bc), broadcastDocKey(bc)},
		{store.FAQScope(), faqLiveKey()},
		{store.DocScope(store.DocIncident, inc), incidentKey(inc)},
	}
	for _, sc := range scopes {
		t.Run(sc.scope.String(), func(t *testing.T) {
			conflictRetriesIn(t, b, sc.scope, sc.key)
			ctx := ctxFor(t)
			err := b.Write(ctx, sc.scope, func(w store.Writer) error {
				if err := w.Set(sc.key, []byte("changed"), 0); err != nil {
					return err
				}
				return w.Set(sessionKey(user), []byte("theirs"), 0)
			})
			if !errors.Is(err, store.ErrOutOfScope) {
				t.Fatalf("set of a user's session in %s: %v, want ErrOutOfScope", sc.scope, err)
			}
			if v, err := readValue(t, b, sc.scope, sc.key); err != nil || v != "BA" {
				t.Errorf("%q after the refused write: %q, %v; want BA", sc.key, v, err)
			}
			// A scope reads another scope's records, unfenced.
			if v, err := readValue(t, b, store.UserScope(user), sc.key); err != nil || v != "BA" {
				t.Errorf("%q read in a user's scope: %q, %v; want BA", sc.key, v, err)
			}
		})
	}
}

// crossScope writes contacts and dedupe markers (kept in the writing
// user's scope) of two users and reads them with no scope.
func crossScope(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	users := []string{user + "1", user + "2"}
	for _, u := range users {
		if err := b.Write(ctx, store.UserScope(u), func(w store.Writer) error {
			if err := w.Set(contactKey(u), []byte("c"+u), 0); err != nil {
				return err
			}
			return w.Set(seenKey("wamid."+u), []byte("seen"), 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	contacts := []kv{{string(contactKey(users[0])), "c" + users[0]}, {string(contactKey(users[1])), "c" + users[1]}}
	tests := []struct {
		name string
		scan func(r store.Reader) ([]kv, error)
		want []kv
	}{
		{"contacts of every user", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error { return r.Scan(contactKey(user), fn) })
		}, contacts},
		{"newest first", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error { return r.ScanReverse(contactKey(user), fn) })
		}, []kv{contacts[1], contacts[0]}},
		{"from the second", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error {
				return r.ScanFrom(contactKey(user), contactKey(users[1]), fn)
			})
		}, contacts[1:]},
		{"markers kept in each writer's scope", func(r store.Reader) ([]kv, error) {
			return collect(func(fn func(store.Key, []byte) error) error { return r.Scan(seenKey("wamid."+user), fn) })
		}, []kv{{string(seenKey("wamid." + users[0])), "seen"}, {string(seenKey("wamid." + users[1])), "seen"}}},
		{"one marker by get", func(r store.Reader) ([]kv, error) {
			v, err := r.Get(seenKey("wamid." + users[1]))
			if err != nil {
				return nil, err
			}
			if ok, err := r.Has(seenKey("wamid." + user + "3")); err != nil || ok {
				return nil, fmt.Errorf("has of a marker never written: %v, %v", ok, err)
			}
			return []kv{{string(seenKey("wamid." + users[1])), string(v)}}, nil
		}, []kv{{string(seenKey("wamid." + users[1])), "seen"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []kv
			err := b.Read(ctx, func(r store.Reader) error {
				var err error
				got, err = tc.scan(r)
				return err
			})
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if err := b.Write(ctx, store.UserScope(users[0]), func(w store.Writer) error { return w.Delete(contactKey(users[0])) }); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(b, ctx, contactKey(user))
	if err != nil || !slices.Equal(got, contacts[1:]) {
		t.Errorf("contacts after one is deleted: %q, %v; want %q", got, err, contacts[1:])
	}
}

func readAll(b Backend, ctx context.Context, prefix store.Key) (got []kv, err error) {
	err = b.Read(ctx, func(r store.Reader) error {
		got, err = collect(func(fn func(store.Key, []byte) error) error { return r.Scan(prefix, fn) })
		return err
	})
	return got, err
}

// auditEvents: an event exists exactly when its change does, the folder
// runs after a commit that wrote one (and sees it), and the event is
// listed across scopes until deleted in its own.
func auditEvents(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	scope := store.UserScope(user)
	var mu sync.Mutex
	var folds int
	var seen []string
	b.SetAuditFolder(func(ctx context.Context) {
		var evs []store.AuditEvent
		err := b.Read(ctx, func(r store.Reader) (err error) {
			evs, err = store.PendingAuditEvents(ctx, r)
			return err
		})
		mu.Lock()
		defer mu.Unlock()
		folds++
		if err != nil {
			seen = append(seen, "error: "+err.Error())
		}
		for _, ev := range evs {
			if ev.Scope == scope {
				seen = append(seen, ev.Entry.Action)
			}
		}
	})
	t.Cleanup(func() { b.SetAuditFolder(nil) })
	folded := func() (int, []string) {
		mu.Lock()
		defer mu.Unlock()
		return folds, slices.Clone(seen)
	}
	entry := func(action string) store.AuditEntry {
		return store.AuditEntry{At: time.Unix(1_700_000_000, 0).UTC(), Actor: "agent:conformance", Action: action}
	}
	var appended store.AuditEntry
	if err := b.Write(ctx, scope, func(w store.Writer) error {
		if err := w.Set(sessionKey(user), []byte("claimed"), 0); err != nil {
			return err
		}
		var err error
		appended, err = store.AppendAuditEvent(ctx, w, scope, entry("handoff.claim"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, got := folded(); n != 1 || !slices.Equal(got, []string{"handoff.claim"}) {
		t.Fatalf("after a commit with an event: %d folds that saw %q; want 1 that saw handoff.claim", n, got)
	}
	failed := errors.New("flow failed")
	err := b.Write(ctx, scope, func(w store.Writer) error {
		if _, err := store.AppendAuditEvent(ctx, w, scope, entry("handoff.release")); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("write whose fn fails: %v", err)
	}
	if err := b.Write(ctx, scope, func(w store.Writer) error { return w.Set(sessionKey(user), []byte("open"), 0) }); err != nil {
		t.Fatal(err)
	}
	if n, _ := folded(); n != 1 {
		t.Errorf("%d folds after a failed write with an event and a write without one; want still 1", n)
	}
	var pending []string
	if err := b.Read(ctx, func(r store.Reader) error {
		evs, err := store.PendingAuditEvents(ctx, r)
		for _, ev := range evs {
			if ev.Scope == scope {
				pending = append(pending, ev.Entry.Action)
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pending, []string{"handoff.claim"}) {
		t.Errorf("pending events of the user: %q; want only the committed handoff.claim", pending)
	}
	// The fold deletes an event in its own scope once it is in the log.
	if err := b.Write(ctx, scope, func(w store.Writer) error { return w.Delete(auditEventKey(user, appended.Seq)) }); err != nil {
		t.Fatalf("delete the folded event in its scope: %v", err)
	}
	if got, err := readAll(b, ctx, auditEventKey(user, appended.Seq)); err != nil || len(got) != 0 {
		t.Errorf("the event after its delete: %q, %v; want nothing", got, err)
	}
}

// docTTL: a document written with a TTL expires, like a user's record.
func docTTL(t *testing.T, b Backend, user string) {
	ctx := ctxFor(t)
	gone, kept := "ttl"+user, "kept"+user
	for _, d := range []struct {
		id  string
		ttl time.Duration
	}{{gone, time.Second}, {kept, 0}} {
		if err := b.Write(ctx, store.DocScope(store.DocIncident, d.id), func(w store.Writer) error {
			return w.Set(incidentKey(d.id), []byte("i"), d.ttl)
		}); err != nil {
			t.Fatal(err)
		}
	}
	waitGone(t, b, store.DocScope(store.DocIncident, gone), incidentKey(gone))
	if v, err := readValue(t, b, store.DocScope(store.DocIncident, kept), incidentKey(kept)); err != nil || v != "i" {
		t.Errorf("the document without a TTL: %q, %v", v, err)
	}
}

// waitGone waits for key to expire; see ttlExpiry for why it waits.
func waitGone(t *testing.T, b Backend, scope store.Scope, key store.Key) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := readValue(t, b, scope, key)
		if errors.Is(err, store.ErrNotFound) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q with a TTL of 1s is still there after 20s", key)
		}
		<-tick.C
	}
}

// counts is an engagement counter as bot/broadcast keeps it.
type counts struct {
	Delivered int64 `json:"dl,omitempty"`
	Read      int64 `json:"rd,omitempty"`
}

func (c *counts) AddTimes(o *counts, n int64) {
	c.Delivered += n * o.Delivered
	c.Read += n * o.Read
}

// recipient is a broadcast's recipient record as far as the fold reads
// it: whose scope the recipient's delta is kept in.
type recipient struct {
	WaID string `json:"wa"`
}

func whose(r *recipient) string { return r.WaID }

// countAs writes one delivered (and read) for recipient seq, person
// user, in the person's scope, as a status turn does.
func countAs(ctx context.Context, b store.Scopes, id string, seq uint64, user string, read bool) error {
	return b.Write(ctx, store.UserScope(user), func(w store.Writer) error {
		return store.AddBroadcastCounts(ctx, w, id, seq, func(c *counts) {
			c.Delivered++
			if read {
				c.Read++
			}
		})
	})
}

func sumOf(ctx context.Context, b store.Scopes, id string) (c counts, err error) {
	err = b.Read(ctx, func(r store.Reader) error {
		c, err = store.SumBroadcastCounts[counts](ctx, r, id)
		return err
	})
	return c, err
}

// people writes the recipient records of broadcast id: recipient i+1 is
// users[i].
func people(t *testing.T, ctx context.Context, b Backend, id string, users []string) {
	t.Helper()
	err := b.Write(ctx, store.BroadcastScope(id), func(w store.Writer) error {
		for i, u := range users {
			if err := store.PutBroadcastRecipient(ctx, w, id, uint64(i+1), recipient{WaID: u}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// broadcastCounts: two people, each counting in their own turn (their
// own scope), into one broadcast. These two wa_ids fell in one counter
// shard of the older layout, whose single key both scopes wrote: a
// backend that keeps records by scope then read the newest write, 1.
func broadcastCounts(t *testing.T, b Backend, _ string) {
	ctx := ctxFor(t)
	const id = "bcount1"
	users := []string{"447700990025", "447700990050"}
	people(t, ctx, b, id, users)
	for i, user := range users {
		if err := countAs(ctx, b, id, uint64(i+1), user, false); err != nil {
			t.Fatal(err)
		}
	}
	if c, err := sumOf(ctx, b, id); err != nil || c.Delivered != 2 {
		t.Fatalf("delivered %d (%v), want 2", c.Delivered, err)
	}
	if err := countAs(ctx, b, id, 1, users[0], true); err != nil {
		t.Fatal(err)
	}
	if c, err := sumOf(ctx, b, id); err != nil || c != (counts{Delivered: 3, Read: 1}) {
		t.Fatalf("counts %+v (%v), want 3 delivered and 1 read", c, err)
	}
}

// crashAt is a backend whose write number n (from 1) fails before it
// runs, as a folder that died there; before it, a person counts.
type crashAt struct {
	Backend
	n, writes int
	before    func() error
}

var errCrash = errors.New("folder died")

func (c *crashAt) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	c.writes++
	if c.writes == c.n {
		if err := c.before(); err != nil {
			return err
		}
		return errCrash
	}
	return c.Backend.Write(ctx, scope, fn)
}

// foldAll runs fold steps until one changes nothing.
func foldAll(ctx context.Context, b store.Scopes, id string, now time.Time, grace time.Duration) error {
	for range 100 {
		did, err := store.FoldBroadcastCounts[counts](ctx, b, id, whose, now, grace, 2)
		if err != nil || !did {
			return err
		}
	}
	return errors.New("the fold does not end")
}

var foldNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func foldCrash(t *testing.T, b Backend, _ string) {
	ctx := ctxFor(t)
	users := []string{"447700991001", "447700991002", "447700991003"}
	// Folding three deltas writes: open the next epoch (1), fold the
	// closed one (2), delete its deltas two at a time (3, 4; 5) and mark
	// it deleted (6); n = 7 is past the end: no crash.
	for n := 1; n <= 7; n++ {
		t.Run(fmt.Sprintf("crash at write %d", n), func(t *testing.T) {
			id := fmt.Sprintf("bfold%d", n)
			people(t, ctx, b, id, users)
			for i, u := range users {
				if err := countAs(ctx, b, id, uint64(i+1), u, i == 0); err != nil {
					t.Fatal(err)
				}
			}
			want := counts{Delivered: 3, Read: 1}
			crash := &crashAt{Backend: b, n: n, before: func() error {
				// A status of the second person lands mid-fold.
				return countAs(ctx, b, id, 2, users[1], true)
			}}
			err := foldAll(ctx, crash, id, foldNow, 0)
			if n < 7 {
				want = counts{Delivered: 4, Read: 2}
				if !errors.Is(err, errCrash) {
					t.Fatalf("fold: %v, want the crash", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if c, err := sumOf(ctx, b, id); err != nil || c != want {
				t.Fatalf("after the crash: %+v (%v), want %+v", c, err, want)
			}
			// The next folder finishes the work.
			if err := foldAll(ctx, b, id, foldNow, 0); err != nil {
				t.Fatal(err)
			}
			if c, err := sumOf(ctx, b, id); err != nil || c != want {
				t.Fatalf("after folding again: %+v (%v), want %+v", c, err, want)
			}
			if left := deltasOf(t, ctx, b, id); left != 0 {
				t.Fatalf("a read still walks %d deltas after folding everything", left)
			}
		})
	}
}

// deltasOf is how many records a read of the broadcast's counts walks
// besides the base: the deltas not folded.
func deltasOf(t *testing.T, ctx context.Context, b Backend, id string) (n int) {
	t.Helper()
	err := b.Read(ctx, func(r store.Reader) (err error) {
		n, err = store.UnfoldedBroadcastCounts[counts](ctx, r, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// foldConcurrent: folders open epochs while people count (a count that
// read the old epoch lands in it, which is folded only a grace later),
// then two folders fold at once; no count is lost or counted twice.
func foldConcurrent(t *testing.T, b Backend, _ string) {
	ctx := ctxFor(t)
	const id, nPeople = "bfoldc", 12
	users := make([]string, nPeople)
	for i := range users {
		users[i] = fmt.Sprintf("4477009920%02d", i)
	}
	people(t, ctx, b, id, users)
	var wg sync.WaitGroup
	errs := make(chan error, 4*nPeople)
	fold := func(now time.Time, steps int) {
		defer wg.Done()
		for range steps {
			if _, err := store.FoldBroadcastCounts[counts](ctx, b, id, whose, now, time.Minute, 5); err != nil {
				errs <- err
			}
		}
	}
	wg.Add(3)
	go fold(foldNow, 8)
	go fold(foldNow, 8)
	go func() {
		defer wg.Done()
		for round := range 2 {
			for i, u := range users {
				if err := countAs(ctx, b, id, uint64(i+1), u, round == 1); err != nil {
					errs <- err
				}
			}
		}
	}()
	wg.Wait()
	want := counts{Delivered: 2 * nPeople, Read: nPeople}
	if c, err := sumOf(ctx, b, id); err != nil || c != want {
		t.Fatalf("counts %+v (%v), want %+v", c, err, want)
	}
	later := foldNow.Add(time.Hour)
	wg.Add(2)
	go fold(later, 20)
	go fold(later, 20)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := foldAll(ctx, b, id, later.Add(time.Hour), time.Minute); err != nil {
		t.Fatal(err)
	}
	if c, err := sumOf(ctx, b, id); err != nil || c != want {
		t.Fatalf("after folding everything: %+v (%v), want %+v", c, err, want)
	}
	if left := deltasOf(t, ctx, b, id); left != 0 {
		t.Fatalf("a read still walks %d deltas after folding everything", left)
	}
}

// foldGrace: an epoch is folded only a grace after the next one opened,
// so that a count that read it may still land; until then a read adds
// its deltas up.
func foldGrace(t *testing.T, b Backend, _ string) {
	ctx := ctxFor(t)
	const id = "bfoldg"
	users := []string{"447700993001", "447700993002"}
	people(t, ctx, b, id, users)
	if err := countAs(ctx, b, id, 1, users[0], false); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		now    time.Time
		count  string // a person who counts before the step
		did    bool
		walked int   // deltas a read adds up after the step
		sum    int64 // delivered after the step
	}{
		{"the first step opens the next epoch", foldNow, "", true, 1, 1},
		{"a count after it lands in the new epoch", foldNow.Add(time.Second), users[1], false, 2, 2},
		{"within the grace the closed epoch waits", foldNow.Add(59 * time.Second), "", false, 2, 2},
		{"a grace after it closed, it is folded", foldNow.Add(time.Minute), "", true, 1, 2},
	}
	for _, s := range steps {
		if s.count != "" {
			if err := countAs(ctx, b, id, 2, s.count, false); err != nil {
				t.Fatal(err)
			}
		}
		did, err := store.FoldBroadcastCounts[counts](ctx, b, id, whose, s.now, time.Minute, 10)
		if err != nil || did != s.did {
			t.Fatalf("%s: changed %v (%v), want %v", s.name, did, err, s.did)
		}
		if n := deltasOf(t, ctx, b, id); n != s.walked {
			t.Fatalf("%s: a read walks %d deltas, want %d", s.name, n, s.walked)
		}
		if c, err := sumOf(ctx, b, id); err != nil || c.Delivered != s.sum {
			t.Fatalf("%s: delivered %d (%v), want %d", s.name, c.Delivered, err, s.sum)
		}
	}
}
