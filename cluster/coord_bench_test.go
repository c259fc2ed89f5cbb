package cluster

import (
	"context"
	"testing"
	"time"
)

func benchNode(b *testing.B) *Node {
	b.Helper()
	node, err := Start(context.Background(), Options{Name: "bench", Listen: "127.0.0.1:0", StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(node.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := node.WaitJetStream(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		b.Fatal(err)
	}
	return node
}

// BenchmarkLeaseRenew is one renewal (a compare-and-set on the lease key)
// on a single file-backed node: a holder renews every third of its TTL.
func BenchmarkLeaseRenew(b *testing.B) {
	node := benchNode(b)
	ctx := context.Background()
	ls, err := node.Leases(ctx)
	if err != nil {
		b.Fatal(err)
	}
	l, err := ls.Acquire(ctx, "pacer.106540352242922", "bench", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if l, err = ls.Renew(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBusPublish is the cost of one live event with one subscriber
// on the same node, drained so that nothing is dropped.
func BenchmarkBusPublish(b *testing.B) {
	node := benchNode(b)
	bus := node.Bus()
	s, err := bus.Subscribe("engine.events", 1024)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		for range s.C {
		}
		close(done)
	}()
	data := []byte(`{"kind":"message","user":"15550001234","at":"2026-01-01T00:00:00Z"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := bus.Publish(ctx, "engine.events", data); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := node.Conn().Flush(); err != nil {
		b.Fatal(err)
	}
	s.Close()
	<-done
}
