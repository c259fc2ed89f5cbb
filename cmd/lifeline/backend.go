package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/pace"
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
	b.ensure, err = ensureStreams(ctx, node, s, log)
	if errors.Is(err, cluster.ErrPartitionsFixed) {
		err = fmt.Errorf("LIFELINE_NATS_PARTITIONS=%d: %w", cfg.NATS.Partitions, err)
	}
	if err != nil {
		node.Close()
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: create the streams: %w", err)
	}
	if b.store, err = openRecords(ctx, node, log); err != nil {
		node.Close()
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	if err := waitRecords(ctx, b.store, log); err != nil {
		node.Close()
		return nil, fmt.Errorf("LIFELINE_BACKEND=nats: the records' stream does not answer: %w", err)
	}
	return b, nil
}

// Close closes the connection and stops the embedded node.
func (b *natsBackend) Close() { b.node.Close() }

// natsStore is the JetStream store with the node under it, as the
// server's store.DB runs over it: closing the DB gives up this
// instance's partitions, closes the connection and stops the embedded
// node.
type natsStore struct {
	*jsstore.Store
	node    *cluster.Node
	release func()    // gives up the partitions, once the engine stopped
	txns    *txnStats // conflicts per transaction, for the metrics (clusterready.go)
	log     zerolog.Logger
}

// Close gives up the partitions and stops the node (or closes the
// connection to the cluster).
func (s natsStore) Close() {
	if s.release != nil {
		s.release()
	}
	t := time.Now()
	s.node.Close()
	s.log.Info().Dur("took", time.Since(t)).Msg("NATS connection closed and node stopped")
}

// natsCluster is what an instance serving from a JetStream cluster
// shares with the others: the node (or connection), the store, the
// leases (broadcast dispatch, partitions), the bus (console live
// updates, sandbox replies, FAQ and places reloads) and the partitions
// that divide the users between the instances.
type natsCluster struct {
	node   *cluster.Node
	store  *jsstore.Store
	leases *cluster.Leases
	bus    *cluster.Bus
	parts  *cluster.Partitions
	log    zerolog.Logger
	pacer  *pace.Numbers  // each number's budget, drawn from its owner's (serve)
	owner  *cluster.Pacer // the numbers' owners and their permits
	id     string
	inc    *cluster.Incarnation // this run's, holding the data directory
	txns   *txnStats            // the store's conflicts per transaction
}

// openNATSStore is the server's store with LIFELINE_BACKEND=nats: a
// store.DB over JetStream, shared with every other instance serving from
// the cluster. The files people send stay on this instance's disk under
// the data directory, and the disk reserve is kept there, where the
// embedded node keeps its streams. What only badger does (backup, a
// transaction across scopes) fails naming the feature
// (store.ErrUnsupported). Start the partitions (natsCluster.serve) once
// the engine has started.
func openNATSStore(cfg Config, log zerolog.Logger) (*store.DB, *natsCluster, error) {
	// This run's incarnation: a restart after a crash takes the leases
	// its previous run held at once (cluster.Incarnation).
	inc, err := cluster.ClaimIncarnation(cfg.DataDir, cfg.InstanceID)
	if err != nil {
		return nil, nil, fmt.Errorf("LIFELINE_DATA_DIR=%s: %w", cfg.DataDir, err)
	}
	b, err := openNATSBackend(context.Background(), cfg, log)
	if err != nil {
		inc.Close()
		return nil, nil, err
	}
	fail := func(err error) (*store.DB, *natsCluster, error) {
		b.Close()
		inc.Close()
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), natsStartTimeout)
	defer cancel()
	ls, err := cluster.NewLeases(ctx, b.node.JetStream(), cluster.LeaseOptions{Incarnation: inc.ID, Previous: inc.Previous})
	if err != nil {
		return fail(fmt.Errorf("LIFELINE_BACKEND=nats: %w", err))
	}
	countNATS(b.node.Conn(), b.store, log)
	c := &natsCluster{node: b.node, store: b.store, leases: ls, bus: b.node.Bus(), log: log, id: cfg.InstanceID, inc: inc,
		txns: newTxnStats(cfg.InstanceID)}
	c.parts, err = cluster.NewPartitions(ls, b.node.Conn(), cluster.PartitionOptions{
		Instance: cfg.InstanceID, Count: b.store.Partitions(), TTL: cfg.LeaseTTL, WorkWait: sendWorkWait,
		Logger: log, Members: c.membersChanged})
	if err != nil {
		return fail(fmt.Errorf("LIFELINE_BACKEND=nats: LIFELINE_INSTANCE_ID=%q: %w", cfg.InstanceID, err))
	}
	db, err := store.OpenBackend(natsStore{Store: b.store, node: b.node, release: c.close, txns: c.txns, log: log}, "JetStream", store.Options{
		Dir: cfg.DataDir, MediaDir: filepath.Join(cfg.DataDir, "media"), EncryptionKey: cfg.EncryptionKey,
		DiskReserve: cfg.DiskReserve, FreeSpace: cfg.freeSpace, Logger: log})
	if err != nil {
		return fail(fmt.Errorf("LIFELINE_BACKEND=nats: %w", err))
	}
	log.Info().Str("backend", backendNATS).Bool("streams_changed", b.ensure.Changed()).Str("instance", cfg.InstanceID).
		Int("partitions", b.store.Partitions()).Bool("restart_of_a_known_run", inc.Previous != "").Msg("store on JetStream")
	return db, c, nil
}

// serve begins taking partitions for engine: from now on this instance
// works the users of the partitions it owns, alongside the others, and
// sends from each number on permits from the number's owner (pacer,
// cluster.Pacer): one budget per number for the whole cluster.
func (c *natsCluster) serve(engine *bot.Engine, pacer *pace.Numbers) error {
	c.pacer = pacer
	owner, err := cluster.NewPacer(c.leases, c.node.Conn(), pacer, cluster.PacerOptions{Instance: c.id, Logger: c.log})
	if err != nil {
		return fmt.Errorf("LIFELINE_BACKEND=nats: LIFELINE_INSTANCE_ID=%q: %w", c.id, err)
	}
	c.owner = owner
	if err := c.parts.Start(partitionWork{c: c, engine: engine}); err != nil {
		return fmt.Errorf("LIFELINE_BACKEND=nats: %w", err)
	}
	c.log.Info().Str("instance", c.parts.Instance()).Int("partitions", c.store.Partitions()).
		Msg("serving from the cluster: partitions are taken as members come and go (see \"partitions changed hands\")")
	return nil
}

// membersChanged logs the live members. Each number's rate is not split
// among them: every instance sends on permits from the number's owner
// (cluster.Pacer), so a busy instance uses what idle ones leave.
func (c *natsCluster) membersChanged(live []string) {
	c.log.Info().Str("instance", c.parts.Instance()).Strs("members", live).Msg("cluster members changed")
}

// close releases the numbers this instance owns and gives up its
// partitions, so that the others take them at once; the engine has
// stopped before (the store closes after it), and the bus was closed by
// the instance.
//
// The two hand-offs run side by side: each is bounded (cluster.HandoffWait
// for the partitions, the pacer's lease TTL for the numbers) while
// JetStream has no leader for the lease bucket, as happens when another
// member has just died, and one after the other they once added up to
// most of the stop's bound.
func (c *natsCluster) close() {
	start := time.Now()
	var numbers time.Duration
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c.owner != nil {
			c.owner.Close()
		}
		numbers = time.Since(start)
	}()
	c.parts.Close()
	parts := time.Since(start)
	<-done
	c.inc.Close()
	ev := c.log.Info()
	if parts > cluster.HandoffWait/2 {
		ev = c.log.Warn() // JetStream was slow to answer: said where a warn-level log shows it
	}
	ev.Dur("numbers", numbers).Dur("partitions", parts).Msg("gave up this instance's numbers and partitions")
}

// stopTaking is the start of a stop: no partition is taken from now on.
func (c *natsCluster) stopTaking() { c.parts.StopTaking() }

// partitionWork is cluster.PartitionWork over the engine: a taken
// partition's pending work is read from its records and queued.
type partitionWork struct {
	c      *natsCluster
	engine *bot.Engine
}

func (w partitionWork) Take(ctx context.Context, p int) {
	ctx, cancel := context.WithTimeout(ctx, natsStartTimeout)
	defer cancel()
	in, out, err := w.engine.Adopt(func(fn func(r store.Reader) error) error { return w.c.store.ReadPartition(ctx, p, fn) })
	ev := w.c.log.Debug()
	if err != nil && ctx.Err() != nil {
		// The partitions are closing: the next owner reads it.
		ev = ev.Err(err)
	} else if err != nil {
		ev = w.c.log.Error().Err(err)
	} else if in+out > 0 {
		ev = w.c.log.Info()
	}
	ev.Int("partition", p).Int("inbox", in).Int("outbox", out).Msg("partition's pending work queued")
}

func (w partitionWork) Busy(p int) bool {
	return w.engine.Busy(func(user string) bool { return w.c.parts.Of(user) == p })
}

func (w partitionWork) Wake(user, at string) { w.engine.WakeAt(user, store.Mark(at)) }

// enginePartitions is bot.Partitions over the cluster's partitions: a
// notification carries the commit's store mark.
type enginePartitions struct{ *cluster.Partitions }

func (p enginePartitions) Notify(user string, at store.Mark) { p.NotifyAt(user, string(at)) }

// closingBus is the bus an instance publishes on and closes at the end.
type closingBus interface {
	coord.Bus
	Close()
}

// coordSeams are the coordination seams of the server: in one process
// (badger) a memory bus and memory leases and no partitions (nil: the
// engine works every user); on a cluster (nc not nil) its bus, its
// leases and its partitions.
func coordSeams(nc *natsCluster) (closingBus, coord.Leases, bot.Partitions) {
	if nc == nil {
		return coord.NewMemoryBus(), coord.NewMemoryLeases(nil), nil
	}
	return nc.bus, nc.leases, enginePartitions{nc.parts}
}
