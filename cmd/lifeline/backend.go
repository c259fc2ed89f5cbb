package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"lifeline/cluster"
	"lifeline/cluster/jsstore"
)

// Backends: where the store keeps its records (LIFELINE_BACKEND).
const (
	backendBadger = "badger" // one machine, the default
	backendNATS   = "nats"   // JetStream: an embedded node, or LIFELINE_NATS_URL
)

// defaultNATSName names the one node LIFELINE_BACKEND=nats embeds when
// neither LIFELINE_NATS_URL nor LIFELINE_NATS_NAME is set.
const defaultNATSName = "lifeline"

// natsStartTimeout bounds starting (or reaching) JetStream and creating
// the streams at start.
const natsStartTimeout = 60 * time.Second

// validateBackend names LIFELINE_BACKEND when it is neither backend, and
// LIFELINE_LEASE_TTL when it is too short for JetStream: a lease shorter
// than cluster.MinLeaseTTL is dropped by every leader election of the
// lease bucket, and the work under it (a broadcast's dispatch) stops
// and is taken over at each one.
func (c Config) validateBackend() error {
	switch c.Backend {
	case backendBadger:
		return nil
	case backendNATS:
		if c.LeaseTTL < cluster.MinLeaseTTL {
			return fmt.Errorf("LIFELINE_LEASE_TTL=%s: with LIFELINE_BACKEND=nats want at least %s, so that a lease outlasts a JetStream leader election (up to %s)",
				c.LeaseTTL, cluster.MinLeaseTTL, cluster.MaxElection)
		}
		return nil
	}
	return fmt.Errorf("LIFELINE_BACKEND=%q: want badger (one machine, the default) or nats (JetStream: an embedded node under the data directory, or the cluster at LIFELINE_NATS_URL)", c.Backend)
}

// natsOptions are the node options of LIFELINE_BACKEND=nats: those of
// `lifeline cluster`, with one embedded node named defaultNATSName when
// no cluster is configured, its store under the data directory.
func natsOptions(cfg Config) cluster.Options {
	o := nodeOptions(cfg)
	if o.URL == "" && o.Name == "" {
		o.Name = defaultNATSName
	}
	return o
}

// natsBackend is the JetStream store of LIFELINE_BACKEND=nats: the node
// this instance embeds or its connection to LIFELINE_NATS_URL, what
// creating the streams did, and the store over them.
type natsBackend struct {
	node   *cluster.Node
	ensure cluster.Report
	store  *jsstore.Store
}

// openNATSBackend starts the embedded node (or connects to the cluster),
// waits for JetStream, creates what is missing of the streams and
// buckets (idempotent: a restart changes nothing) and opens the store.
func openNATSBackend(ctx context.Context, cfg Config, log zerolog.Logger) (*natsBackend, error) {
	ctx, cancel := context.WithTimeout(ctx, natsStartTimeout)
	defer cancel()
	o := natsOptions(cfg)
	var node *cluster.Node
	var err error
	if o.URL == "" {
		l := log.With().Str("comp", "nats").Logger()
		o.Logger = &l
		node, err = cluster.Start(ctx, o)
	} else {
		node, err = connectCluster(ctx, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	b := &natsBackend{node: node}
	if err := waitJetStream(ctx, node); err != nil {
		node.Close()
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	s := cluster.Settings{Partitions: cfg.NATS.Partitions, Replicas: cfg.NATS.Replicas}
	if s.Replicas == 0 && o.URL == "" {
		s.Replicas = min(3, 1+len(cfg.NATS.Routes))
	}
	b.ensure, err = node.Ensure(ctx, s)
	if errors.Is(err, cluster.ErrPartitionsFixed) {
		err = fmt.Errorf("LIFELINE_NATS_PARTITIONS=%d: %w", cfg.NATS.Partitions, err)
	}
	if err != nil {
		node.Close()
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: create the streams: %w", err)
	}
	if b.store, err = jsstore.Open(ctx, node); err != nil {
		node.Close()
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	return b, nil
}

// Close closes the connection and stops the embedded node.
func (b *natsBackend) Close() { b.node.Close() }

// errNATSServe says what keeps `serve` from running on JetStream.
var errNATSServe = errors.New("LIFELINE_BACKEND=nats: JetStream is ready (node started, streams created), " +
	"but the server cannot run on it yet: its store (store.DB) opens badger only, with no seam to run its " +
	"transactions on the JetStream store, and ingest commits many people's events in one transaction across " +
	"scopes (bot/ingest.go), which JetStream cannot commit atomically; set LIFELINE_BACKEND=badger (the default)")

// startOnNATS prepares JetStream for LIFELINE_BACKEND=nats and stops:
// the streams are there for `lifeline cluster` and for when the server
// can run on them, and nothing is served from a badger store the
// operator did not ask for.
func startOnNATS(cfg Config, log zerolog.Logger) error {
	b, err := openNATSBackend(context.Background(), cfg, log)
	if err != nil {
		return err
	}
	b.Close()
	return errNATSServe
}
