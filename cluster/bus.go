package cluster

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"lifeline/coord"
)

// DefaultBusPrefix is put before a topic to make its core NATS subject:
// topic "engine.events" travels on "lifeline.bus.engine.events".
const DefaultBusPrefix = "lifeline.bus."

// Bus is coord.Bus on core NATS subjects: every instance subscribes
// through its own connection and hears what any instance publishes, after
// the change it describes has committed. Delivery is at most once, as
// coord.Bus promises: core NATS keeps no message for a subscriber that is
// not there, which is why a subscriber re-reads what it shows from the
// store when it starts.
//
// Order: core NATS keeps the order of one connection's publications on a
// subject, so messages one instance publishes on a topic arrive in its
// order; messages of two instances interleave in no defined order (the
// memory bus orders them by Publish call, which several processes have no
// way to share).
//
// A subscriber that falls behind loses messages into the same bounded
// coord.Subscription as the memory bus, counted by Dropped: the NATS
// handler only queues without blocking, so the connection's own
// slow-consumer limit is not what drops.
type Bus struct {
	nc     *nats.Conn
	prefix string

	mu     sync.Mutex
	subs   map[*coord.Subscription]*nats.Subscription
	closed bool
}

var _ coord.Bus = (*Bus)(nil)

// NewBus makes a bus on nc's subjects under prefix (DefaultBusPrefix when
// empty; it must end with '.'). Closing the bus does not close nc.
func NewBus(nc *nats.Conn, prefix string) (*Bus, error) {
	if prefix == "" {
		prefix = DefaultBusPrefix
	}
	if !strings.HasSuffix(prefix, ".") || !validSubject(strings.TrimSuffix(prefix, ".")) {
		return nil, fmt.Errorf("bus subject prefix %q: want tokens of letters, digits, '-' or '_' ending with '.': %w", prefix, coord.ErrInvalid)
	}
	return &Bus{nc: nc, prefix: prefix, subs: map[*coord.Subscription]*nats.Subscription{}}, nil
}

// Bus is a bus on this node's connection under DefaultBusPrefix.
func (n *Node) Bus() *Bus {
	b, _ := NewBus(n.nc, "") // the default prefix is valid
	return b
}

// validSubject accepts dot-separated tokens without wildcards or white
// space: a topic names exactly one subject.
func validSubject(s string) bool {
	if s == "" {
		return false
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "" || tok == "*" || tok == ">" {
			return false
		}
		for _, r := range tok {
			if r <= ' ' || r == 0x7f || r == '*' || r == '>' {
				return false
			}
		}
	}
	return true
}

func (b *Bus) subject(topic string) (string, error) {
	if !validSubject(topic) {
		return "", fmt.Errorf("topic %q: want dot-separated tokens without spaces or wildcards: %w", topic, coord.ErrInvalid)
	}
	return b.prefix + topic, nil
}

func (b *Bus) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// Publish sends data on topic's subject. It returns once the message is
// in the connection's buffer (core NATS acknowledges nothing); an error
// means the connection is closed or ctx ended.
func (b *Bus) Publish(ctx context.Context, topic string, data []byte) error {
	subj, err := b.subject(topic)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if b.isClosed() {
		return fmt.Errorf("publish to %s: %w", topic, coord.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	if err := b.nc.Publish(subj, data); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	return nil
}

// subscribeFlush bounds the round trip that makes the server know of a
// new subscription before Subscribe returns.
const subscribeFlush = 5 * time.Second

// Subscribe delivers topic's messages into a buffer of buffer messages.
// When it returns, this node's server has the subscription, so messages
// published through this node from then on are delivered; other nodes
// learn of it over their routes within milliseconds.
func (b *Bus) Subscribe(topic string, buffer int) (*coord.Subscription, error) {
	subj, err := b.subject(topic)
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	if b.isClosed() {
		return nil, fmt.Errorf("subscribe to %s: %w", topic, coord.ErrClosed)
	}
	var ns *nats.Subscription
	var s *coord.Subscription
	s = coord.NewSubscription(topic, buffer, func() {
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
		_ = ns.Unsubscribe() // fails only when the connection is closed, which ends it too
	})
	ns, err = b.nc.Subscribe(subj, func(m *nats.Msg) {
		s.Deliver(coord.Message{Topic: topic, Data: m.Data})
	})
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	// Not under b.mu: publishers must not wait for this round trip.
	if err := b.nc.FlushTimeout(subscribeFlush); err != nil {
		_ = ns.Unsubscribe()
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	b.mu.Lock()
	if b.closed { // closed during the round trip
		b.mu.Unlock()
		s.Close()
		return nil, fmt.Errorf("subscribe to %s: %w", topic, coord.ErrClosed)
	}
	b.subs[s] = ns
	b.mu.Unlock()
	return s, nil
}

// Close ends every subscription (their channels close) and refuses new
// publications and subscriptions; the connection stays open.
func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	subs := make([]*coord.Subscription, 0, len(b.subs))
	for s := range b.subs {
		subs = append(subs, s)
	}
	b.mu.Unlock()
	for _, s := range subs {
		s.Close()
	}
}
