package jsstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"lifeline/store"
)

// scopeSeq is a sequence numbered by scope (store.ScopeNumbered).
const scopeSeq = "transcript"

func transcriptKeyOf(user string, seq uint64) store.Key {
	return binary.BigEndian.AppendUint64(store.Key("t"+user+"\x00"), seq)
}

func counterKeyOf(user string) store.Key { return store.Key("s" + user) }

// numberOne draws one number of scopeSeq in a write of user's scope
// through b (a Store or a DB over one) and stores a record under it with
// ttl.
func numberOne(t *testing.T, b interface {
	Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error
}, user string, ttl time.Duration) uint64 {
	t.Helper()
	var n uint64
	if err := b.Write(context.Background(), store.UserScope(user), func(tx store.Writer) (err error) {
		if n, err = tx.NextSeq(scopeSeq); err != nil {
			return err
		}
		return tx.Set(transcriptKeyOf(user, n), []byte("x"), ttl)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// drawn is what one committed write drew: the scope's commit count it
// read (its place in the scope's commit order) and its numbers.
type drawn struct {
	user  string
	order int
	nums  []uint64
}

// Three instances write side by side into a few users' scopes, each
// write numbering records by the scope's sequence (some drawing more
// numbers than the fence's batch holds, some drawing as an older build
// does, by a publish, some writing only numbers). No number is handed
// out twice in the store, and within a scope the numbers grow in the
// order the writes committed, which a counter in the scope, read and
// raised by each write, gives.
func TestNumbersDrawnByThreeInstancesNeverRepeatAndKeepTheScopesOrder(t *testing.T) {
	stores := open3All(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	users := []string{"15550007001", "15550007002", "15550007003"}
	const writers, each = 2, 15
	var mu sync.Mutex
	var got []drawn
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*writers)
	for si, s := range stores {
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					user := users[(si+w+i)%len(users)]
					k := 1 + (si+i)%4     // up to 4 numbers: more than some batches hold
					older := (w+i)%5 == 4 // drawn by publish, as an older build does
					set := i%3 != 2       // else: numbers only, no record
					var d drawn
					err := s.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
						d = drawn{user: user}
						v, err := tx.Get(counterKeyOf(user))
						if err != nil && !errors.Is(err, store.ErrNotFound) {
							return err
						}
						if err == nil {
							if d.order, err = strconv.Atoi(string(v)); err != nil {
								return err
							}
						}
						for range k {
							var n uint64
							if older {
								n, err = s.NextSeq(ctx, scopeSeq)
							} else {
								n, err = tx.NextSeq(scopeSeq)
							}
							if err != nil {
								return err
							}
							d.nums = append(d.nums, n)
							if set {
								if err := tx.Set(transcriptKeyOf(user, n), []byte("x"), 0); err != nil {
									return err
								}
							}
						}
						return tx.Set(counterKeyOf(user), []byte(strconv.Itoa(d.order+1)), 0)
					})
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					got = append(got, d)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[uint64]string{}
	byUser := map[string][]drawn{}
	for _, d := range got {
		for _, n := range d.nums {
			if n == 0 {
				t.Errorf("%s drew 0", d.user)
			}
			if u, ok := seen[n]; ok {
				t.Errorf("number %d handed out twice (%s and %s)", n, u, d.user)
			}
			seen[n] = d.user
		}
		byUser[d.user] = append(byUser[d.user], d)
	}
	for user, ds := range byUser {
		slices.SortFunc(ds, func(a, b drawn) int { return a.order - b.order })
		var last uint64
		for i, d := range ds {
			if d.order != i {
				t.Fatalf("%s: commit %d read the count %d", user, i, d.order)
			}
			for _, n := range d.nums {
				if n <= last {
					t.Errorf("%s: commit %d drew %v after %d", user, i, d.nums, last)
				}
				last = n
			}
		}
	}
}

// A write that numbers records from its fence's batch, or in an empty
// scope from the instance's block, publishes nothing but its commit: the
// stream grows by the commit's messages alone.
func TestNumbersFromTheBatchCostNoPublish(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	write := func(user string, k int) []uint64 {
		scope := store.UserScope(user)
		var ns []uint64
		if err := s.Write(ctx, scope, func(tx store.Writer) error {
			ns = ns[:0]
			for range k {
				n, err := tx.NextSeq(scopeSeq)
				if err != nil {
					return err
				}
				ns = append(ns, n)
				if err := tx.Set(transcriptKeyOf(user, n), []byte("x"), 0); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return ns
	}
	streamLast := func() uint64 {
		last, err := s.lastSeq(ctx, "rec.>")
		if err != nil {
			t.Fatal(err)
		}
		return last
	}
	// An empty scope draws from the instance's block, reserved once.
	before := streamLast()
	write("15550007100", 1)
	if grew := streamLast() - before; grew != blockSize+1 {
		t.Errorf("the stream grew by %d messages for a block and a commit of 1", grew)
	}
	user := "15550007101"
	before = streamLast()
	first := write(user, 3)
	if grew := streamLast() - before; grew != 3 {
		t.Errorf("the stream grew by %d messages for a commit of 3 in an empty scope", grew)
	}
	before = streamLast()
	second := write(user, 3)
	if grew := streamLast() - before; grew != 3 {
		t.Errorf("the stream grew by %d messages for a commit of 3 whose numbers came from the batch before", grew)
	}
	if second[0] <= first[2] {
		t.Errorf("numbers %v after %v", second, first)
	}
	// The batch before holds 3: a fourth number is drawn by publish, above.
	before = streamLast()
	third := write(user, 4)
	if grew := streamLast() - before; grew != 5 {
		t.Errorf("the stream grew by %d messages for a commit of 4 and one publish", grew)
	}
	if !slices.IsSorted(third) || third[0] <= second[2] {
		t.Errorf("numbers %v after %v", third, second)
	}
}

// A write that draws numbers and commits only records that expire ends
// with the scope's marker, which stays: after the records expired the
// scope's last message is not the fence those numbers were drawn at, and
// the next numbers are above them.
func TestNumbersStayAboveAfterTheirRecordsExpire(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := "15550007201"
	scope := store.UserScope(user)
	draw := func(ttl time.Duration) uint64 { return numberOne(t, s, user, ttl) }
	draw(0)
	draw(0)
	n := draw(time.Second)
	base, err := s.base(scope)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.get(ctx, msgGet{LastFor: base + ".>"})
	if err != nil || m == nil || !isMark(m.Subject) {
		t.Fatalf("the scope's last message is %+v (%v), want its marker", m, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := hasKey(s, scope, transcriptKeyOf(user, n))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the record with a TTL of 1s is still there after 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	next := draw(0)
	if next <= n {
		t.Errorf("drew %d after %d expired", next, n)
	}
	// A commit that only deletes (here the record just numbered, the
	// scope's anchor) ends with the marker too: its tombstone expires,
	// the marker stays last.
	if err := s.Write(ctx, scope, func(tx store.Writer) error {
		return tx.Delete(transcriptKeyOf(user, next))
	}); err != nil {
		t.Fatal(err)
	}
	m, err = s.get(ctx, msgGet{LastFor: base + ".>"})
	if err != nil || m == nil || !isMark(m.Subject) {
		t.Fatalf("after a delete the scope's last message is %+v (%v), want its marker", m, err)
	}
	// A scan across every scope and an export skip the marker.
	if err := s.Read(ctx, func(r store.Reader) error {
		return r.Scan(nil, func(store.Key, []byte) error { return nil })
	}); err != nil {
		t.Errorf("scan of every record: %v", err)
	}
	if _, err := s.Export(ctx, func(Exported) error { return nil }); err != nil {
		t.Errorf("export: %v", err)
	}
}

// A scope last written by an older build (no batch size on its last
// message) numbers by publish, above what that build drew.
func TestNumbersAfterAnOlderBuildsCommit(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := "15550007301"
	scope := store.UserScope(user)
	base, err := s.base(scope)
	if err != nil {
		t.Fatal(err)
	}
	old, err := s.NextSeq(ctx, scopeSeq)
	if err != nil {
		t.Fatal(err)
	}
	m := nats.NewMsg(subjectOf(base, transcriptKeyOf(user, old)))
	m.Data = []byte("x")
	if _, err := s.nc.RequestMsgWithContext(ctx, m); err != nil {
		t.Fatal(err)
	}
	if n := numberOne(t, s, user, 0); n <= old {
		t.Errorf("drew %d after the older build's %d", n, old)
	}
}

// A migration copies records numbered by another store; RaiseSequences
// then raises the floor, and no number is drawn at or below what it
// copied, also in a scope whose batches are below it.
func TestNumbersAboveWhatAMigrationCopied(t *testing.T) {
	s := open(t)
	db, err := store.OpenBackend(s, "jetstream", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := "15550007401"
	scope := store.UserScope(user)
	for i := range 3 {
		if err := db.Write(ctx, scope, func(tx store.Writer) error {
			return tx.Set(transcriptKeyOf(user, uint64(500+i)), []byte("copied"), 0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	const above = 500 + 2
	if _, err := store.RaiseSequences(ctx, db, above, []string{scopeSeq}); err != nil {
		t.Fatal(err)
	}
	if n := numberOne(t, db, user, 0); n <= above {
		t.Errorf("drew %d after a migration copied numbers up to %d", n, above)
	}
	// A store opened afterwards (another instance) reads the floor.
	if floor, _, err := s.readFloor(ctx); err != nil || floor != above {
		t.Errorf("the stream's floor is %d (%v), want %d", floor, err, above)
	}
}

// Numbers drawn from a batch rely on JetStream storing an atomic batch at
// consecutive sequences: every message between a commit's first and last
// is the commit's, on one node and on three, with other scopes
// committing side by side.
func TestBatchesAreStoredAtConsecutiveSequences(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(testing.TB) *Store
	}{{"one node", open}, {"three nodes", open3}} {
		t.Run(c.name, func(t *testing.T) {
			s := c.open(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for w := range 4 {
				wg.Go(func() {
					user := fmt.Sprintf("1555000750%d", w)
					base, _ := s.base(store.UserScope(user))
					for i := range 10 {
						var seq uint64
						err := s.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
							for j := range 2 + (w+i)%4 {
								if err := tx.Set(transcriptKeyOf(user, uint64(100*i+j)), []byte("x"), 0); err != nil {
									return err
								}
							}
							return nil
						})
						if err == nil {
							f, _ := s.fences.get(base)
							seq = f.seq
							for q := seq - f.batch + 1; q <= seq; q++ {
								m, gerr := s.get(ctx, msgGet{Seq: q})
								if gerr != nil || m == nil || !strings.HasPrefix(m.Subject, base+".") {
									err = fmt.Errorf("message %d of the batch %d-%d of %s: %+v, %v", q, seq-f.batch+1, seq, user, m, gerr)
									break
								}
							}
						}
						if err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}
