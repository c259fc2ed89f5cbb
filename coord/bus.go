package coord

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Message is one publication on a topic. Data is opaque bytes (JSON by
// convention) so that it can cross a process boundary unchanged.
type Message struct {
	Topic string
	Data  []byte
}

// Bus carries events every instance must hear, published after the change
// they describe has committed: the engine's live events for the agent
// console, a new live FAQ version. Delivery is at most once and in
// publication order per topic; a subscriber that falls behind loses
// messages (counted by Dropped) rather than slowing the publisher, so a
// subscriber re-reads what it shows from the store when it (re)starts.
//
// A second implementation is real: issue 13's NATS one maps a topic to a
// core NATS subject (which keeps the order of one publisher per subject)
// and feeds each subscription through the same bounded Subscription.
type Bus interface {
	Publish(ctx context.Context, topic string, data []byte) error
	// Subscribe delivers topic's messages published from now on into a
	// buffer of buffer messages (at least 1).
	Subscribe(topic string, buffer int) (*Subscription, error)
}

// Subscription is one subscriber's bounded queue of messages. Both bus
// implementations use it, so a slow subscriber is treated the same way
// whatever carries the messages.
type Subscription struct {
	// C receives the messages; it is closed by Close or when the bus closes.
	C <-chan Message

	topic   string
	mu      sync.Mutex
	ch      chan Message
	closed  bool
	dropped atomic.Uint64
	stop    func() // detaches from the bus; called once, without mu
}

// NewSubscription makes a subscription with room for buffer messages;
// stop detaches it from its bus (called once, by Close). For Bus
// implementations.
func NewSubscription(topic string, buffer int, stop func()) *Subscription {
	ch := make(chan Message, max(buffer, 1))
	return &Subscription{C: ch, topic: topic, ch: ch, stop: stop}
}

// Deliver queues m without blocking; when the buffer is full m is dropped
// and counted. It reports whether m was queued. For Bus implementations.
func (s *Subscription) Deliver(m Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.ch <- m:
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

// Dropped is how many messages this subscriber lost to a full buffer.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Topic is the topic subscribed to.
func (s *Subscription) Topic() string { return s.topic }

// Close unsubscribes and closes C; messages already queued stay readable.
// Closing twice is harmless.
func (s *Subscription) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.ch)
	s.mu.Unlock()
	if s.stop != nil {
		s.stop()
	}
}

// MemoryBus is the single-process Bus: publishers hand each message to
// every subscription of its topic in turn, under the topic's lock, so the
// order is the order of Publish calls.
type MemoryBus struct {
	mu     sync.Mutex
	topics map[string]*memTopic
	closed bool
}

type memTopic struct {
	mu   sync.Mutex // orders publications of the topic
	subs map[*Subscription]struct{}
}

var _ Bus = (*MemoryBus)(nil)

// NewMemoryBus makes an empty single-process bus.
func NewMemoryBus() *MemoryBus { return &MemoryBus{topics: map[string]*memTopic{}} }

func (b *MemoryBus) topic(name string, create bool) *memTopic {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topics[name]
	if t == nil && create {
		t = &memTopic{subs: map[*Subscription]struct{}{}}
		b.topics[name] = t
	}
	return t
}

func (b *MemoryBus) Publish(_ context.Context, topic string, data []byte) error {
	if topic == "" {
		return fmt.Errorf("publish: empty topic: %w", ErrInvalid)
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return fmt.Errorf("publish to %s: %w", topic, ErrClosed)
	}
	t := b.topic(topic, false)
	if t == nil {
		return nil // nobody listens
	}
	m := Message{Topic: topic, Data: data}
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.subs {
		s.Deliver(m)
	}
	return nil
}

func (b *MemoryBus) Subscribe(topic string, buffer int) (*Subscription, error) {
	if topic == "" {
		return nil, fmt.Errorf("subscribe: empty topic: %w", ErrInvalid)
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, fmt.Errorf("subscribe to %s: %w", topic, ErrClosed)
	}
	b.mu.Unlock()
	t := b.topic(topic, true)
	var s *Subscription
	s = NewSubscription(topic, buffer, func() {
		t.mu.Lock()
		delete(t.subs, s)
		t.mu.Unlock()
	})
	t.mu.Lock()
	t.subs[s] = struct{}{}
	t.mu.Unlock()
	return s, nil
}

// Close ends every subscription (their channels close) and refuses new
// publications and subscriptions; for shutdown.
func (b *MemoryBus) Close() {
	b.mu.Lock()
	b.closed = true
	topics := make([]*memTopic, 0, len(b.topics))
	for _, t := range b.topics {
		topics = append(topics, t)
	}
	b.mu.Unlock()
	for _, t := range topics {
		t.mu.Lock()
		subs := make([]*Subscription, 0, len(t.subs))
		for s := range t.subs {
			subs = append(subs, s)
		}
		t.mu.Unlock()
		for _, s := range subs {
			s.Close()
		}
	}
}
