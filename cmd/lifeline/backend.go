package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"lifeline/cluster"
	"lifeline/cluster/jsstore"
	"lifeline/coord"
	"lifeline/store"
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

// natsStore is the JetStream store with the node under it, as the
// server's store.DB runs over it: closing the DB gives up the serving
// lease, closes the connection and stops the embedded node.
type natsStore struct {
	*jsstore.Store
	node    *cluster.Node
	release func() // the serving lease's
}

// Close gives up the serving lease and stops the node (or closes the
// connection to the cluster).
func (s natsStore) Close() {
	if s.release != nil {
		s.release()
	}
	s.node.Close()
}

// servingLease is the lease an instance holds while it serves from a
// JetStream cluster. Partition ownership, the pacer and the bus are still
// per process (issue 13), so two instances on one cluster would process
// the same people and each pace the numbers alone: the second is refused
// at start instead.
const servingLease = "serve"

// errSecondInstance: another instance serves from this cluster.
var errSecondInstance = errors.New("several instances on one JetStream cluster are not supported yet (partitions have no owner, the pacer and the bus are per process): run one instance")

// holdServingLease takes the serving lease for cfg.InstanceID and keeps
// it renewed. A lease left by an instance that died is taken once it has
// stayed unrenewed for its TTL on this instance's clock (up to two TTLs
// from the first look, see cluster.Leases), so a restart after a crash
// waits for that; one held by a live instance is refused, naming it.
func holdServingLease(node *cluster.Node, cfg Config, log zerolog.Logger) (release func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*cfg.LeaseTTL+time.Second)
	defer cancel()
	ls, err := node.Leases(ctx)
	if err != nil {
		return nil, err
	}
	tick := time.NewTicker(max(cfg.LeaseTTL/10, 50*time.Millisecond))
	defer tick.Stop()
	for waited := false; ; waited = true {
		held, _, release, err := coord.Hold(context.Background(), ls, servingLease, cfg.InstanceID, cfg.LeaseTTL)
		if err == nil {
			go func() {
				<-held.Done()
				if cause := context.Cause(held); !errors.Is(cause, context.Canceled) {
					log.Error().Err(cause).Msg("LIFELINE_BACKEND=nats: the serving lease is lost; another instance may take it and serve beside this one")
				}
			}()
			return release, nil
		}
		if !errors.Is(err, coord.ErrHeld) {
			return nil, fmt.Errorf("take the serving lease: %w", err)
		}
		if !waited {
			log.Warn().Str("lease", servingLease).Dur("up_to", 2*cfg.LeaseTTL).Msg("LIFELINE_BACKEND=nats: the serving lease is held; waiting in case its holder is gone")
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", errSecondInstance, err)
		case <-tick.C:
		}
	}
}

// openNATSStore is the server's store with LIFELINE_BACKEND=nats: a
// store.DB over JetStream, held by this instance alone (the serving
// lease). The files people send stay on this instance's disk under the
// data directory, and the disk reserve is kept there, where the embedded
// node keeps its streams. What only badger does (backup, a transaction
// across scopes) fails naming the feature (store.ErrUnsupported).
func openNATSStore(cfg Config, log zerolog.Logger) (*store.DB, *cluster.Node, error) {
	b, err := openNATSBackend(context.Background(), cfg, log)
	if err != nil {
		return nil, nil, err
	}
	release, err := holdServingLease(b.node, cfg, log)
	if err != nil {
		b.Close()
		return nil, nil, fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	db, err := store.OpenBackend(natsStore{Store: b.store, node: b.node, release: release}, "JetStream", store.Options{
		Dir: cfg.DataDir, MediaDir: filepath.Join(cfg.DataDir, "media"), EncryptionKey: cfg.EncryptionKey,
		DiskReserve: cfg.DiskReserve, FreeSpace: cfg.freeSpace, Logger: log})
	if err != nil {
		release()
		b.Close()
		return nil, nil, fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	log.Info().Str("backend", backendNATS).Bool("streams_changed", b.ensure.Changed()).Msg("store on JetStream")
	return db, b.node, nil
}
