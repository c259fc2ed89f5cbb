package jsstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"lifeline/store"
)

// RequestTimeout bounds one request to JetStream (a read, a commit, a
// number) when the caller's context has no deadline. A request the
// stream leader received and never answered (it lost its leadership
// meanwhile, as happens while an instance restarts) would otherwise wait
// for ever, and with it every writer behind it: seen in a rolling restart
// of three instances, where one instance's webhook ingest stopped for
// good. It outlasts a leader election (up to cluster.MaxElection).
var RequestTimeout = 12 * time.Second

// request is ctx bounded by RequestTimeout unless it has a deadline.
func request(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, RequestTimeout)
}

// unanswered marks a request that got no answer (timed out, nobody
// listening: no leader for the moment) as store.ErrUnavailable, unless
// the caller's own ctx ended.
func unanswered(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrNoResponders) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

// apiFailure is a JetStream API error; a 503 (the JetStream system or
// the stream temporarily unavailable) is store.ErrUnavailable.
func apiFailure(e *apiError) error {
	if e.Code == 503 {
		return fmt.Errorf("%w: %s (code %d)", store.ErrUnavailable, e.Description, e.ErrCode)
	}
	return fmt.Errorf("%s (code %d)", e.Description, e.ErrCode)
}
