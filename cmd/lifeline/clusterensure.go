package main

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"lifeline/cluster"
	"lifeline/cluster/jsstore"
	"lifeline/store"
)

// ensureTry bounds one try of creating the streams.
const ensureTry = 10 * time.Second

// ensureStreams creates the streams and buckets, waiting while the
// cluster has fewer nodes than the replicas asked for: three nodes
// started together reach a quorum with two, and asking for three copies
// before the third has joined fails. And a request about a stream that
// another node is creating at that moment may go unanswered: each try
// has ensureTry, and Ensure, idempotent, runs again. Without the wait,
// the instances of a cluster started at once could stop at start (seen
// with three on one machine). It gives up when ctx ends, with the last
// answer.
func ensureStreams(ctx context.Context, node *cluster.Node, s cluster.Settings, log zerolog.Logger) (cluster.Report, error) {
	said := false
	for {
		try, cancel := context.WithTimeout(ctx, ensureTry)
		rep, err := node.Ensure(try, s)
		cancel()
		noPeers := cluster.NoPeers(err)
		unanswered := errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil
		if err == nil || !noPeers && !unanswered {
			return rep, err
		}
		if !said {
			log.Warn().Int("replicas", s.Replicas).Err(err).Msg("waiting for the other nodes of the cluster to join before creating the streams")
			said = true
		}
		select {
		case <-ctx.Done():
			return rep, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// openRecords opens the store over the records' stream, again while the
// stream does not answer: a node that has just joined a running cluster
// may not know yet which node takes the stream's subjects (the routes'
// interest arrives after JetStream's API answers), and its first write,
// the beacon, then finds no responders.
func openRecords(ctx context.Context, node *cluster.Node, log zerolog.Logger) (*jsstore.Store, error) {
	return whileUnavailable(ctx, log, func() (*jsstore.Store, error) { return jsstore.Open(ctx, node) })
}

// whileUnavailable calls open until it returns anything but
// store.ErrUnavailable or ctx ends.
func whileUnavailable[T any](ctx context.Context, log zerolog.Logger, open func() (T, error)) (T, error) {
	said := false
	for {
		v, err := open()
		if err == nil || !errors.Is(err, store.ErrUnavailable) || ctx.Err() != nil {
			return v, err
		}
		if !said {
			log.Warn().Err(err).Msg("waiting for the records' stream to answer (a node joining)")
			said = true
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// waitRecords waits until the records' stream answers a read: after a
// cluster lost its majority and got it back, JetStream answers its API
// (waitJetStream) a moment before the streams have leaders again, and a
// start that read the FAQ then would stop ("JetStream system temporarily
// unavailable"). It gives up when ctx ends, with the last answer.
func waitRecords(ctx context.Context, st *jsstore.Store, log zerolog.Logger) error {
	said := false
	for {
		err := st.Read(ctx, func(r store.Reader) error { return store.Probe(ctx, r) })
		if err == nil || ctx.Err() != nil {
			return err
		}
		if !said {
			log.Warn().Err(err).Msg("waiting for the records' stream to answer (a leader being elected)")
			said = true
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}
