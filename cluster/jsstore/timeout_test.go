package jsstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"lifeline/store"
)

// A request that reaches a responder which never answers (a stream
// leader that lost its leadership with the request in hand) fails after
// RequestTimeout instead of holding its caller, and every writer queued
// behind it, for ever.
func TestUnansweredRequestFailsInsteadOfHanging(t *testing.T) {
	s := open(t)
	sub, err := s.nc.SubscribeSync("test.blackhole") // takes requests, answers none
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	old := RequestTimeout
	RequestTimeout = 200 * time.Millisecond
	defer func() { RequestTimeout = old }()
	deaf := &Store{nc: s.nc, partitions: s.partitions, msgGet: "test.blackhole"}
	done := make(chan error, 1)
	go func() {
		_, err := deaf.get(context.Background(), msgGet{LastFor: "rec.u.0.1.>"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
			t.Errorf("unanswered get: %v, want a timeout", err)
		}
		// Unavailable for the moment, not broken: readiness does not
		// stay down after the cluster answers again.
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("unanswered get: %v, want store.ErrUnavailable", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("an unanswered get still waits after a minute")
	}
}
