package coordtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"lifeline/coord"
)

// ClosableBus is a bus that can be shut down, as both implementations can.
type ClosableBus interface {
	coord.Bus
	Close()
}

// waitFor bounds every wait of the bus cases: deliveries may be
// asynchronous (the NATS bus), so the cases wait on conditions.
const waitFor = 30 * time.Second

// Bus runs the bus conformance cases; newBus makes a fresh bus for each
// case, on which nothing else publishes.
func Bus(t *testing.T, newBus func(t *testing.T) ClosableBus) {
	t.Helper()
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, b ClosableBus)
	}{
		{"messages of a topic arrive in publication order", func(t *testing.T, b ClosableBus) {
			s := subscribe(t, b, "engine.events", 100)
			for i := range 100 {
				publish(t, b, "engine.events", fmt.Sprint(i))
			}
			expect(t, s, numbered(0, 100)...)
		}},
		{"every subscriber of a topic hears every message", func(t *testing.T, b ClosableBus) {
			s1 := subscribe(t, b, "faq.live", 10)
			s2 := subscribe(t, b, "faq.live", 10)
			for i := range 5 {
				publish(t, b, "faq.live", fmt.Sprint(i))
			}
			expect(t, s1, numbered(0, 5)...)
			expect(t, s2, numbered(0, 5)...)
		}},
		{"order holds per topic with concurrent publishers on other topics", func(t *testing.T, b ClosableBus) {
			topics := []string{"a", "b", "c"}
			subs := map[string]*coord.Subscription{}
			for _, tp := range topics {
				subs[tp] = subscribe(t, b, tp, 300)
			}
			var wg sync.WaitGroup
			for _, tp := range topics {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 300 {
						if err := b.Publish(ctx, tp, []byte(fmt.Sprint(i))); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			for _, tp := range topics {
				expect(t, subs[tp], numbered(0, 300)...)
			}
		}},
		{"a subscriber hears only its topic", func(t *testing.T, b ClosableBus) {
			s := subscribe(t, b, "faq.live", 4)
			publish(t, b, "engine.events", "x")
			publish(t, b, "faq.live", "7")
			expect(t, s, "7")
			// A message of the other topic would have arrived before "7".
			if len(s.C) != 0 {
				t.Fatalf("%d more messages, want only the faq message", len(s.C))
			}
		}},
		{"a slow subscriber loses messages, counted, without blocking the publisher or others", func(t *testing.T, b ClosableBus) {
			slow := subscribe(t, b, "engine.events", 2)
			fast := subscribe(t, b, "engine.events", 10)
			// Nobody reads slow: a bus without bounded buffers would
			// block the third Publish and the test would hang.
			for i := range 10 {
				publish(t, b, "engine.events", fmt.Sprint(i))
			}
			waitUntil(t, "fast has all 10 and slow dropped 8", func() bool {
				return len(fast.C) == 10 && slow.Dropped() == 8
			})
			if got := fast.Dropped(); got != 0 {
				t.Fatalf("fast dropped %d, want 0", got)
			}
			// The slow one keeps the oldest messages it had room for.
			expect(t, slow, "0", "1")
			if slow.Dropped() != 8 {
				t.Fatalf("slow dropped %d, want 8", slow.Dropped())
			}
		}},
		{"unsubscribe stops delivery and closes the channel", func(t *testing.T, b ClosableBus) {
			s := subscribe(t, b, "engine.events", 4)
			publish(t, b, "engine.events", "before")
			waitUntil(t, "the first message queued", func() bool { return len(s.C) == 1 })
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
		{"publishing with no subscriber is no error", func(t *testing.T, b ClosableBus) {
			publish(t, b, "nobody", "x")
		}},
		{"closing the bus ends every subscription and refuses more", func(t *testing.T, b ClosableBus) {
			s := subscribe(t, b, "engine.events", 4)
			b.Close()
			select {
			case _, ok := <-s.C:
				if ok {
					t.Fatal("a message after the bus closed")
				}
			case <-time.After(waitFor):
				t.Fatal("channel still open after the bus closed")
			}
			if err := b.Publish(ctx, "engine.events", nil); !errors.Is(err, coord.ErrClosed) {
				t.Fatalf("publish after close: %v, want ErrClosed", err)
			}
			if _, err := b.Subscribe("engine.events", 1); !errors.Is(err, coord.ErrClosed) {
				t.Fatalf("subscribe after close: %v, want ErrClosed", err)
			}
		}},
		{"an empty topic is refused", func(t *testing.T, b ClosableBus) {
			if err := b.Publish(ctx, "", nil); !errors.Is(err, coord.ErrInvalid) {
				t.Fatalf("publish: %v", err)
			}
			if _, err := b.Subscribe("", 1); !errors.Is(err, coord.ErrInvalid) {
				t.Fatalf("subscribe: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBus(t)
			t.Cleanup(b.Close)
			c.run(t, b)
		})
	}
}

func numbered(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func subscribe(t *testing.T, b coord.Bus, topic string, buffer int) *coord.Subscription {
	t.Helper()
	s, err := b.Subscribe(topic, buffer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func publish(t *testing.T, b coord.Bus, topic, data string) {
	t.Helper()
	if err := b.Publish(context.Background(), topic, []byte(data)); err != nil {
		t.Fatal(err)
	}
}

// Expect reads len(want) messages from s, each within a bounded wait,
// and fails unless they are want in order and on s's topic.
func Expect(t *testing.T, s *coord.Subscription, want ...string) {
	t.Helper()
	timeout := time.NewTimer(waitFor)
	defer timeout.Stop()
	for i, w := range want {
		select {
		case m, ok := <-s.C:
			if !ok {
				t.Fatalf("message %d: subscription closed, want %q", i, w)
			}
			if m.Topic != s.Topic() || string(m.Data) != w {
				t.Fatalf("message %d: got %s %q, want %s %q", i, m.Topic, m.Data, s.Topic(), w)
			}
		case <-timeout.C:
			t.Fatalf("message %d of %d (%q) did not arrive within %s", i, len(want), w, waitFor)
		}
	}
}

var expect = Expect

// waitUntil polls cond until it holds, failing after waitFor.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, waitFor)
		}
		<-tick.C
	}
}
