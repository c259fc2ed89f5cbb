package coord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestMemoryBus(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, b *MemoryBus)
	}{
		{"messages of a topic arrive in publication order", func(t *testing.T, b *MemoryBus) {
			s := mustSubscribe(t, b, "engine.events", 100)
			for i := range 100 {
				publish(t, b, "engine.events", fmt.Sprint(i))
			}
			for i := range 100 {
				if got := string((<-s.C).Data); got != fmt.Sprint(i) {
					t.Fatalf("message %d: got %q", i, got)
				}
			}
		}},
		{"order holds per topic with concurrent publishers on other topics", func(t *testing.T, b *MemoryBus) {
			topics := []string{"a", "b", "c"}
			subs := map[string]*Subscription{}
			for _, tp := range topics {
				subs[tp] = mustSubscribe(t, b, tp, 500)
			}
			var wg sync.WaitGroup
			for _, tp := range topics {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 500 {
						if err := b.Publish(ctx, tp, []byte(fmt.Sprint(i))); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			for _, tp := range topics {
				for i := range 500 {
					m := <-subs[tp].C
					if m.Topic != tp || string(m.Data) != fmt.Sprint(i) {
						t.Fatalf("topic %s message %d: got %s %q", tp, i, m.Topic, m.Data)
					}
				}
			}
		}},
		{"a subscriber hears only its topic", func(t *testing.T, b *MemoryBus) {
			s := mustSubscribe(t, b, "faq.live", 4)
			publish(t, b, "engine.events", "x")
			publish(t, b, "faq.live", "7")
			if m := <-s.C; string(m.Data) != "7" || len(s.C) != 0 {
				t.Fatalf("got %q and %d more, want only the faq message", m.Data, len(s.C))
			}
		}},
		{"a slow subscriber loses messages and does not block the publisher or others", func(t *testing.T, b *MemoryBus) {
			slow := mustSubscribe(t, b, "engine.events", 2)
			fast := mustSubscribe(t, b, "engine.events", 10)
			// Nobody reads slow: without the bounded buffer the third
			// Publish would block and the test would hang.
			for i := range 10 {
				publish(t, b, "engine.events", fmt.Sprint(i))
			}
			if got := slow.Dropped(); got != 8 {
				t.Fatalf("slow dropped %d, want 8", got)
			}
			if got := fast.Dropped(); got != 0 {
				t.Fatalf("fast dropped %d, want 0", got)
			}
			// The slow one keeps the oldest messages it had room for.
			for _, want := range []string{"0", "1"} {
				if got := string((<-slow.C).Data); got != want {
					t.Fatalf("slow got %q, want %q", got, want)
				}
			}
			if len(fast.C) != 10 {
				t.Fatalf("fast has %d messages, want 10", len(fast.C))
			}
		}},
		{"unsubscribe stops delivery and closes the channel", func(t *testing.T, b *MemoryBus) {
			s := mustSubscribe(t, b, "engine.events", 4)
			publish(t, b, "engine.events", "before")
			s.Close()
			s.Close() // harmless
			publish(t, b, "engine.events", "after")
			var got []string
			for m := range s.C {
				got = append(got, string(m.Data))
			}
			if len(got) != 1 || got[0] != "before" {
				t.Fatalf("got %q, want only the message before Close", got)
			}
			if s.Dropped() != 0 {
				t.Fatalf("a closed subscription counts no drops, got %d", s.Dropped())
			}
		}},
		{"publishing with no subscriber is no error", func(t *testing.T, b *MemoryBus) {
			publish(t, b, "nobody", "x")
		}},
		{"closing the bus ends every subscription and refuses more", func(t *testing.T, b *MemoryBus) {
			s := mustSubscribe(t, b, "engine.events", 4)
			b.Close()
			if _, ok := <-s.C; ok {
				t.Fatal("channel still open after the bus closed")
			}
			if err := b.Publish(ctx, "engine.events", nil); !errors.Is(err, ErrClosed) {
				t.Fatalf("publish after close: %v, want ErrClosed", err)
			}
			if _, err := b.Subscribe("engine.events", 1); !errors.Is(err, ErrClosed) {
				t.Fatalf("subscribe after close: %v, want ErrClosed", err)
			}
		}},
		{"an empty topic is refused", func(t *testing.T, b *MemoryBus) {
			if err := b.Publish(ctx, "", nil); !errors.Is(err, ErrInvalid) {
				t.Fatalf("publish: %v", err)
			}
			if _, err := b.Subscribe("", 1); !errors.Is(err, ErrInvalid) {
				t.Fatalf("subscribe: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, NewMemoryBus()) })
	}
}

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

func publish(t *testing.T, b Bus, topic, data string) {
	t.Helper()
	if err := b.Publish(context.Background(), topic, []byte(data)); err != nil {
		t.Fatal(err)
	}
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
