package jsstore

import (
	"context"
	"fmt"
	"testing"
	"time"

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

func TestJetStreamConforms(t *testing.T) {
	storeconf.Run(t, func(t *testing.T) storeconf.Backend { return open(t) })
}

func TestKeysRoundTripThroughSubjects(t *testing.T) {
	base := "rec.u.3.15550001"
	for _, key := range []store.Key{
		store.Key("s15550001"),
		store.Key("t15550001\x00\x00\x00\x00\x00\x00\x00\x00\x07"),
		store.Key{'g', '.', '*', '>', ' ', 0xff},
	} {
		subj := subjectOf(base, key)
		got, err := keyOf(base, subj)
		if err != nil || string(got) != string(key) {
			t.Errorf("key %q: subject %s reads back as %q, %v", key, subj, got, err)
		}
	}
}

func TestOtherScopesAreRefusedForNow(t *testing.T) {
	s := open(t)
	err := s.Write(context.Background(), store.BroadcastScope("b1"), func(w store.Writer) error { return nil })
	if err == nil {
		t.Fatal("a broadcast-scoped write was accepted by a backend that keeps only users")
	}
}

// BenchmarkTurnCommit commits what a turn writes in the user's scope:
// the session read and written, a contact and two transcript entries
// (session + 3 records in one batch), each turn for one of 64 users.
func BenchmarkTurnCommit(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	users := make([]string, 64)
	for i := range users {
		users[i] = fmt.Sprintf("1555000%04d", i)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			u := users[i%len(users)]
			err := s.Write(ctx, store.UserScope(u), func(w store.Writer) error {
				v, err := w.Get(store.Key("s" + u))
				if err != nil && err != store.ErrNotFound {
					return err
				}
				n := len(v) % 1000
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
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
}
