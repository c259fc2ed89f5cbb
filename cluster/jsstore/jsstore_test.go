package jsstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"lifeline/cluster"
	"lifeline/store"
	"lifeline/store/storeconf"
)

// open starts one embedded node on loopback, creates the streams and
// binds the store to them.
func open(t testing.TB) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	node, err := cluster.Start(ctx, cluster.Options{Name: "solo", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(node.Close)
	if err := node.WaitJetStream(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := node.Ensure(ctx, cluster.Settings{Partitions: 8}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, node)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// open3 starts three embedded nodes routed on loopback (an R3 cluster,
// as three instances run it), creates the streams with three replicas
// and binds the store through the first node.
func open3(t testing.TB) *Store { return open3All(t)[0] }

// open3All is open3 with a store bound through each node: three
// instances.
func open3All(t testing.TB) []*Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var nodes []*cluster.Node
	var err error
	for try := 0; try < 3; try++ {
		if nodes, err = start3(t); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("start three nodes: %v", err)
	}
	for _, n := range nodes {
		if err := n.WaitJetStream(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The meta leader places a three-replica stream only once it has
	// heard from every node: try until it does.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err = nodes[0].Ensure(ctx, cluster.Settings{Partitions: 8, Replicas: 3}); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("ensure streams on three nodes: %v", err)
		case <-tick.C:
		}
	}
	var stores []*Store
	for _, n := range nodes {
		s, err := Open(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
	}
	return stores
}

// start3 starts three nodes on ports reserved and freed just before;
// another process may take one in between, and open3 tries again.
func start3(t testing.TB) ([]*cluster.Node, error) {
	var ports []int
	var ls []net.Listener
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	var nodes []*cluster.Node
	for i := range ports {
		var routes []string
		for j, p := range ports {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
			}
		}
		n, err := cluster.Start(context.Background(), cluster.Options{Name: fmt.Sprintf("n%d", i+1), Listen: "127.0.0.1:0",
			ClusterListen: fmt.Sprintf("127.0.0.1:%d", ports[i]), Routes: routes, StoreDir: t.TempDir()})
		if err != nil {
			for _, m := range nodes {
				m.Close()
			}
			return nil, err
		}
		nodes = append(nodes, n)
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			n.Close()
		}
	})
	return nodes, nil
}

func TestJetStreamConforms(t *testing.T) {
	t.Run("one node", func(t *testing.T) {
		storeconf.Run(t, func(t *testing.T) storeconf.Backend { return open(t) })
	})
	t.Run("three nodes", func(t *testing.T) {
		storeconf.Run(t, func(t *testing.T) storeconf.Backend { return open3(t) })
	})
}

func TestKeysRoundTripThroughSubjects(t *testing.T) {
	base := "rec.u.3.15550001"
	for _, key := range []store.Key{
		store.Key("s15550001"),
		store.Key("t15550001\x00\x00\x00\x00\x00\x00\x00\x00\x07"),
		store.Key{'g', '.', '*', '>', ' ', 0xff},
	} {
		subj := subjectOf(base, key)
		got, err := keyOf(subj)
		if err != nil || string(got) != string(key) {
			t.Errorf("key %q: subject %s reads back as %q, %v", key, subj, got, err)
		}
	}
}

func TestScopesThatNameNothingAreRefused(t *testing.T) {
	s := open(t)
	for _, scope := range []store.Scope{store.UserScope(""), store.BroadcastScope(""), store.DocScope("", "x"), {}} {
		err := s.Write(context.Background(), scope, func(w store.Writer) error { return nil })
		if !errors.Is(err, ErrUnsupportedScope) {
			t.Errorf("write in %s: %v, want ErrUnsupportedScope", scope, err)
		}
	}
}

// Every scope's base has four tokens, so a filter with wildcard scope
// tokens reaches each, and ids that are not digits become one token.
func TestScopeBasesHaveFourTokens(t *testing.T) {
	s := &Store{partitions: 64}
	for _, scope := range []store.Scope{store.UserScope("15550001"), store.UserScope("a.b c"), store.BroadcastScope("b-1.2"),
		store.FAQScope(), store.DocScope(store.DocIncident, "inc/7"), store.AuditScope()} {
		base, err := s.base(scope)
		if err != nil {
			t.Fatalf("%s: %v", scope, err)
		}
		if n := strings.Count(base, ".") + 1; n != 4 || strings.ContainsAny(base, " *>") {
			t.Errorf("%s: base %q has %d tokens, want 4 and no wildcard or space", scope, base, n)
		}
	}
	a, _ := s.base(store.FAQScope())
	b, _ := s.base(store.DocScope(store.DocFAQVersion, "x"))
	if a == b {
		t.Errorf("a document family and one of its documents share base %s", a)
	}
}

// BenchmarkTurnCommit commits what a turn writes in its user's scope:
// the session read and written, the contact and two transcript entries
// (session + 3 records in one batch), spread over 64 users, from one
// goroutine and from 16; runs/turn counts how often fn ran per commit
// (above 1: conflicts).
func BenchmarkTurnCommit(b *testing.B) {
	for _, nodes := range []struct {
		name string
		open func(testing.TB) *Store
	}{{"R1", open}, {"R3", open3}} {
		for _, par := range []int{0, 8} {
			name := "serial"
			if par > 0 {
				name = fmt.Sprintf("parallel%d", par*runtime.GOMAXPROCS(0))
			}
			b.Run(nodes.name+"/"+name, func(b *testing.B) { benchTurns(b, nodes.open(b), par) })
		}
	}
}

func benchTurns(b *testing.B, s *Store, par int) {
	ctx := context.Background()
	users := make([]string, 64)
	for i := range users {
		users[i] = fmt.Sprintf("1555000%04d", i)
	}
	var runs, next atomic.Int64
	turn := func() error {
		u := users[next.Add(1)%int64(len(users))]
		return s.Write(ctx, store.UserScope(u), func(w store.Writer) error {
			runs.Add(1)
			v, err := w.Get(store.Key("s" + u))
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			n := len(v)
			if err := w.Set(store.Key("s"+u), fmt.Appendf(nil, `{"last_in":%d,"state":"asking"}`, n+1), 0); err != nil {
				return err
			}
			if err := w.Set(store.Key("c"+u), []byte(`{"name":"A","lang":"en"}`), 0); err != nil {
				return err
			}
			for j := range 2 {
				k := fmt.Appendf([]byte("t"+u+"\x00"), "%08d", n*2+j)
				if err := w.Set(store.Key(k), []byte(`{"dir":"in","text":"where is the nearest shelter"}`), 0); err != nil {
					return err
				}
			}
			return nil
		})
	}
	b.ResetTimer()
	if par == 0 {
		for b.Loop() {
			if err := turn(); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism(par)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := turn(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
	b.ReportMetric(float64(runs.Load())/float64(b.N), "runs/turn")
}

// A scan of many records returns every record once,
// in key order; a transaction over the batch limit is refused whole.
func TestLongScansAndTheBatchLimit(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	user := "15550002222"
	scope := store.UserScope(user)
	key := func(n int) store.Key { return store.Key(fmt.Appendf([]byte("t"+user+"\x00"), "%08d", n)) }
	const n = 600
	if err := s.Write(ctx, scope, func(w store.Writer) error {
		for i := range n {
			if err := w.Set(key(i), []byte("m"), 0); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got int
	err := s.ReadIn(ctx, scope, func(r store.Reader) error {
		return r.Scan(store.Key("t"+user+"\x00"), func(k store.Key, _ []byte) error {
			if string(k) != string(key(got)) {
				return fmt.Errorf("record %d: key %q, want %q", got, k, key(got))
			}
			got++
			return nil
		})
	})
	if err != nil || got != n {
		t.Fatalf("scan: %d records, %v; want %d", got, err, n)
	}
	err = s.Write(ctx, scope, func(w store.Writer) error {
		for i := range MaxBatch + 1 {
			if err := w.Set(key(n+i), []byte("m"), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		t.Fatal("a transaction of more records than one atomic batch holds was accepted")
	}
	if ok, err := hasKey(s, scope, key(n)); err != nil || ok {
		t.Errorf("a record of the refused transaction: stored %v, %v", ok, err)
	}
}

func hasKey(s *Store, scope store.Scope, k store.Key) (ok bool, err error) {
	err = s.ReadIn(context.Background(), scope, func(r store.Reader) error {
		ok, err = r.Has(k)
		return err
	})
	return ok, err
}

// Three instances append to one user's session at once, each through
// its own node: every append survives, because a commit that lost the
// fence re-reads and runs again.
func TestInstancesAppendingToOneUserLoseNothing(t *testing.T) {
	stores := open3All(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	user := "15550003333"
	const each = 30
	var runs atomic.Int64
	errs := make(chan error, len(stores))
	var wg sync.WaitGroup
	for i, s := range stores {
		letter := string(rune('A' + i))
		wg.Go(func() {
			for range each {
				err := s.Write(ctx, store.UserScope(user), func(w store.Writer) error {
					runs.Add(1)
					v, err := w.Get(store.Key("s" + user))
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						return err
					}
					return w.Set(store.Key("s"+user), append(v, letter...), 0)
				})
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
		t.Fatal(err)
	}
	var v []byte
	if err := stores[0].ReadIn(ctx, store.UserScope(user), func(r store.Reader) error {
		var err error
		v, err = r.Get(store.Key("s" + user))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := range stores {
		letter := string(rune('A' + i))
		if n := strings.Count(string(v), letter); n != each {
			t.Errorf("instance %s: %d of its %d appends survive", letter, n, each)
		}
	}
	t.Logf("%d commits took %d runs", len(stores)*each, runs.Load())
}

// BenchmarkScanAcrossUsers lists the contacts of 1,000 users with a read
// of no scope (a wildcard filter over every scope's subjects): one
// request to the stream leader per record, so records/s is the figure.
func BenchmarkScanAcrossUsers(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	const users = 1000
	for i := range users {
		u := fmt.Sprintf("1555100%04d", i)
		if err := s.Write(ctx, store.UserScope(u), func(w store.Writer) error {
			if err := w.Set(store.Key("s"+u), []byte(`{"state":"idle"}`), 0); err != nil {
				return err
			}
			return w.Set(store.Key("c"+u), []byte(`{"name":"A","lang":"en"}`), 0)
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := s.Read(ctx, func(r store.Reader) error {
			return r.Scan(store.Key("c1555100"), func(store.Key, []byte) error { n++; return nil })
		}); err != nil {
			b.Fatal(err)
		}
		if n != users {
			b.Fatalf("%d contacts, want %d", n, users)
		}
	}
	b.ReportMetric(float64(b.N*users)/b.Elapsed().Seconds(), "records/s")
}

func natsHeader(m *storedMsg) (nats.Header, error) { return nats.DecodeHeadersMsg(m.Header) }
