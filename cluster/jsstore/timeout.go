package jsstore

import (
	"context"
	"time"
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
