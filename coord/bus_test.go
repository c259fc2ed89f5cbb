package coord

import (
	"context"
	"sync"
	"testing"
)

// The memory bus's behaviour is coordtest.Bus's (conformance_test.go),
// the same cases the NATS bus passes; what follows is particular to it.

// Subscribing, unsubscribing and publishing at once is safe (run with -race).
func TestMemoryBusConcurrentUnsubscribe(t *testing.T) {
	b := NewMemoryBus()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				_ = b.Publish(context.Background(), "t", []byte("x"))
			}
		}
	}()
	for range 200 {
		s := mustSubscribe(t, b, "t", 1)
		s.Close()
	}
	close(stop)
	wg.Wait()
}

func mustSubscribe(t *testing.T, b Bus, topic string, buffer int) *Subscription {
	t.Helper()
	s, err := b.Subscribe(topic, buffer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// BenchmarkMemoryBusPublish is the cost of one live event with one
// console stream open (drained, so nothing is dropped).
func BenchmarkMemoryBusPublish(b *testing.B) {
	bus := NewMemoryBus()
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
	s.Close()
	<-done
}
