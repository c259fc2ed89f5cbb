package store

import "errors"

// ErrUnavailable is a backend that cannot answer for a while (a cluster
// without a majority, a leader being elected) rather than one that cannot
// write (a full disk). A write failing with it is not remembered by
// Health: readiness probes such a store again each time, and a store
// that answers again is ready again without waiting for a write that the
// load balancer, seeing it not ready, would never send.
var ErrUnavailable = errors.New("store unavailable for the moment")
