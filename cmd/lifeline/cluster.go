package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"lifeline/cluster"
)

const clusterUsage = `Usage:
  lifeline cluster run [--timeout D]      run this machine's embedded NATS node until SIGINT or SIGTERM
  lifeline cluster ensure [--timeout D]   create the streams and buckets (idempotent; any node, once all are up)
  lifeline cluster status [--timeout D]   members, stream leaders, replicas, lag and lease holders
  lifeline cluster remove-peer [--timeout D] NAME
                                          forget a stopped node for good: the streams place their
                                          copies on the nodes left (run on another node's machine)

Settings come from the environment (LIFELINE_NATS_*, LIFELINE_DATA_DIR,
LIFELINE_ENCRYPTION_KEY); see the README, "Several machines".
`

// runCluster runs `lifeline cluster ...`. ctx ends `run` (SIGINT and
// SIGTERM end it too).
func runCluster(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, clusterUsage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("cluster "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", 20*time.Second, "how long to wait for the cluster to answer")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var peer string
	if sub == "remove-peer" && fs.NArg() > 0 {
		// NAME, then possibly flags after it.
		peer = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return 2
		}
	}
	if sub == "remove-peer" && peer == "" {
		return exitCode(usageError{"remove-peer needs the node's name (its LIFELINE_NATS_NAME)"}, "cluster", sub, clusterUsage, stderr)
	}
	if fs.NArg() > 0 {
		return exitCode(usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}, "cluster", sub, clusterUsage, stderr)
	}
	cfg, err := loadConfig(nil, lookup)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline cluster %s: invalid configuration: %v\n", sub, err)
		return 1
	}
	if !cfg.NATS.Configured() {
		fmt.Fprintf(stderr, "lifeline cluster %s: no cluster configured: set LIFELINE_NATS_URL to connect to an existing NATS cluster, or LIFELINE_NATS_NAME (with LIFELINE_NATS_CLUSTER and LIFELINE_NATS_ROUTES) to run an embedded node\n", sub)
		return 1
	}
	switch sub {
	case "run":
		err = clusterRun(ctx, cfg, stderr)
	case "ensure", "status", "remove-peer":
		c, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		switch sub {
		case "ensure":
			err = clusterEnsure(c, cfg, stdout)
		case "status":
			err = clusterStatus(c, cfg, stdout)
		default:
			err = clusterRemovePeer(c, cfg, peer, stdout)
		}
	default:
		err = usageError{fmt.Sprintf("unknown command %q", sub)}
	}
	return exitCode(err, "cluster", sub, clusterUsage, stderr)
}

// nodeOptions are the embedded node's options from cfg.
func nodeOptions(cfg Config) cluster.Options {
	n := cfg.NATS
	return cluster.Options{
		URL: n.URL, Creds: n.Creds, Name: n.Name, Listen: n.Listen, ClusterListen: n.ClusterListen, Routes: n.Routes,
		TLSCert: n.TLSCert, TLSKey: n.TLSKey, TLSCA: n.TLSCA,
		StoreDir: filepath.Join(cfg.DataDir, "nats"), EncryptionKey: cfg.EncryptionKey,
	}
}

// clusterRun runs the embedded node in the foreground.
func clusterRun(ctx context.Context, cfg Config, stderr io.Writer) error {
	if cfg.NATS.Name == "" {
		return errors.New("LIFELINE_NATS_NAME is not set: `cluster run` runs an embedded node (with LIFELINE_NATS_URL this machine connects to an existing cluster and runs none)")
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := newLogger(stderr, cfg.LogLevel).With().Str("comp", "cluster").Logger()
	o := nodeOptions(cfg)
	o.Logger = &log
	node, err := cluster.Start(ctx, o)
	if err != nil {
		return err
	}
	defer node.Close()
	log.Info().Str("node", cfg.NATS.Name).Str("client", node.ClientURL()).Int("nodes", node.Size()).Msg("nats node running")
	<-ctx.Done()
	log.Info().Msg("nats node stopping")
	return nil
}

// localNodeURL is the client URL of this machine's embedded node.
func localNodeURL(cfg Config) string {
	host, port, _ := net.SplitHostPort(cfg.NATS.Listen) // validated
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "nats://" + net.JoinHostPort(host, port)
}

// connectCluster connects as a client: to LIFELINE_NATS_URL, or to this
// machine's embedded node at LIFELINE_NATS_LISTEN.
func connectCluster(ctx context.Context, cfg Config) (*cluster.Node, error) {
	o, setting := nodeOptions(cfg), "LIFELINE_NATS_URL"
	if o.URL == "" {
		o.URL, setting = localNodeURL(cfg), "LIFELINE_NATS_LISTEN"
	}
	// A node that is starting does not listen yet: try again until ctx
	// (--timeout) ends, so that `run` followed by `ensure` just works.
	node, err := cluster.Connect(ctx, o)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for errors.Is(err, nats.ErrNoServers) && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
			node, err = cluster.Connect(ctx, o)
		}
	}
	if errors.Is(err, nats.ErrNoServers) {
		hint := "is the cluster reachable from here?"
		if setting == "LIFELINE_NATS_LISTEN" {
			hint = "start this machine's node with `lifeline cluster run`"
		}
		return nil, fmt.Errorf("no NATS server answers at %s (%s): %s", redactUserinfo(o.URL), setting, hint)
	}
	return node, err
}

// waitJetStream explains a JetStream that does not answer.
func waitJetStream(ctx context.Context, node *cluster.Node) error {
	if err := node.WaitJetStream(ctx); err != nil {
		return fmt.Errorf("%w (a node of a cluster answers once a majority of its nodes run)", err)
	}
	return nil
}

func clusterEnsure(ctx context.Context, cfg Config, stdout io.Writer) error {
	node, err := connectCluster(ctx, cfg)
	if err != nil {
		return err
	}
	defer node.Close()
	if err := waitJetStream(ctx, node); err != nil {
		return err
	}
	s := cluster.Settings{Partitions: cfg.NATS.Partitions, Replicas: cfg.NATS.Replicas}
	if s.Replicas == 0 && cfg.NATS.Name != "" {
		// The embedded configuration names every node: this one and its routes.
		s.Replicas = min(3, 1+len(cfg.NATS.Routes))
	}
	rep, err := ensureStreams(ctx, node, s, zerolog.Nop())
	for _, c := range rep {
		fmt.Fprintf(stdout, "%-12s %-12s %s\n", c.Kind, c.Name, c.Action)
	}
	if errors.Is(err, cluster.ErrPartitionsFixed) {
		return fmt.Errorf("LIFELINE_NATS_PARTITIONS=%d: %w", cfg.NATS.Partitions, err)
	}
	return err
}

func clusterStatus(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, err := readStatus(ctx, cfg)
	if err != nil {
		return err
	}
	printStatus(stdout, st)
	return nil
}

// readStatus connects as a client and reads the cluster's status.
func readStatus(ctx context.Context, cfg Config) (cluster.Status, error) {
	node, err := connectCluster(ctx, cfg)
	if err != nil {
		return cluster.Status{}, err
	}
	defer node.Close()
	if err := waitJetStream(ctx, node); err != nil {
		return cluster.Status{}, err
	}
	return node.Status(ctx)
}

// clusterRemovePeer removes a stopped node from JetStream's peers through
// this machine's embedded node, as its system user.
func clusterRemovePeer(ctx context.Context, cfg Config, name string, stdout io.Writer) error {
	if cfg.NATS.Name == "" {
		return errors.New("remove-peer runs on a machine of the cluster, through its embedded node (LIFELINE_NATS_NAME and LIFELINE_DATA_DIR as for serve); with LIFELINE_NATS_URL use the NATS tools with the system account: nats server raft peer-remove NAME")
	}
	if name == cfg.NATS.Name {
		return fmt.Errorf("%s is this machine's own node: stop it, then run remove-peer on another machine of the cluster", name)
	}
	// Removing a running node takes it out of the cluster's JetStream
	// while it serves: refuse while its streams hear from it.
	st, err := readStatus(ctx, cfg)
	if err != nil {
		return err
	}
	for _, m := range st.Members {
		if m.Name == name && !m.Offline && !m.Unreachable && !m.Unknown {
			return fmt.Errorf("%s is online (lifeline cluster status): stop it first", name)
		}
	}
	if err := cluster.RemovePeer(ctx, localNodeURL(cfg), nodeOptions(cfg).StoreDir, name); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %s: the streams that had a copy on it place it on another node (lifeline cluster status shows them catching up)\n", name)
	return nil
}

func printStatus(w io.Writer, st cluster.Status) {
	fmt.Fprintf(w, "cluster %q, answered by %s, %d partitions\n\nmembers\n", st.Cluster, st.Server, st.Partitions)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	now := time.Now()
	for _, m := range st.Members {
		fmt.Fprintf(tw, "  %s\t%s\tleads %d streams\n", m.Name, memberState(m, now), m.Leads)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nstreams")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tLEADER\tFOLLOWERS (lag)\tMESSAGES")
	for _, s := range st.Streams {
		if s.Missing {
			fmt.Fprintf(tw, "  %s\tmissing: run lifeline cluster ensure\t\t\n", s.Name)
			continue
		}
		if s.Err != "" {
			fmt.Fprintf(tw, "  %s\tNO ANSWER: %s\t\t\n", s.Name, s.Err)
			continue
		}
		var fs []string
		for _, r := range s.Replicas {
			f := fmt.Sprintf("%s (%d)", r.Name, r.Lag)
			switch {
			case r.Offline:
				f += " OFFLINE"
			case r.Active > 3*time.Second:
				// A node killed a moment ago is not yet marked offline.
				f += fmt.Sprintf(" silent %s", r.Active.Round(time.Second))
			case !r.Current:
				f += " catching up"
			}
			fs = append(fs, f)
		}
		leader := s.Leader
		if leader == "" {
			leader = "NONE"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", s.Name, leader, strings.Join(fs, ", "), s.Messages)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nleases")
	if len(st.Leases) == 0 {
		fmt.Fprintln(w, "  none")
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, l := range st.Leases {
		fmt.Fprintf(tw, "  %s\t%s\tupdated %s\n", l.Name, l.Holder, l.Updated.UTC().Format(time.RFC3339))
	}
	tw.Flush()
}

// memberState is a member's line: online, or since when it is gone.
func memberState(m cluster.Member, now time.Time) string {
	seen := "never heard by the current stream leaders"
	if !m.LastSeen.IsZero() {
		seen = fmt.Sprintf("last seen %s ago (%s)", now.Sub(m.LastSeen).Round(time.Second), m.LastSeen.UTC().Format(time.RFC3339))
	}
	switch {
	case m.Offline:
		return "OFFLINE (shut down), " + seen
	case m.Unreachable:
		return "UNREACHABLE, " + seen
	case m.Unknown:
		return "unknown (no stream leader could tell yet), " + seen
	}
	return "online"
}
