// Package cluster brings up an embedded NATS JetStream node or connects to
// an existing NATS cluster, and owns the streams and buckets that several
// Lifeline instances share (their names, subjects and settings): see
// Ensure. It knows nothing of the engine; the store seam and the ingest
// path are built on it.
package cluster

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// DefaultClusterName is the NATS cluster name every embedded node uses:
// routes between nodes of different names are refused by NATS.
const DefaultClusterName = "lifeline"

// Options say how to reach JetStream: URL (an existing cluster) or Name
// (an embedded node), never both.
type Options struct {
	// URL lists the client URLs of an existing cluster, comma-separated.
	URL string
	// Creds is a NATS credentials file for URL.
	Creds string

	// Name is the embedded node's server name, unique in the cluster.
	Name string
	// Listen is the client address (host:port; port 0 picks a free one).
	Listen string
	// ClusterListen is the route address; empty runs one node alone.
	ClusterListen string
	// Routes are the nats-route:// URLs of the other nodes.
	Routes []string
	// TLSCert, TLSKey and TLSCA secure the cluster port (both directions
	// of every route are verified against TLSCA).
	TLSCert, TLSKey, TLSCA string
	// StoreDir holds the node's JetStream data.
	StoreDir string
	// EncryptionKey encrypts the JetStream store (AES), as the badger
	// store is encrypted with the same key; nil for none.
	EncryptionKey []byte
	// ClusterName defaults to DefaultClusterName.
	ClusterName string

	// Logger receives the embedded server's log; nil: none.
	Logger *zerolog.Logger
	// ConnectTimeout bounds the first connection (default 5s).
	ConnectTimeout time.Duration
}

// Node is a connection to JetStream, through an embedded server (Start)
// or to an existing cluster (Connect).
type Node struct {
	srv  *server.Server // nil when connected to an existing cluster
	nc   *nats.Conn
	js   jetstream.JetStream
	size int // nodes the configuration names; 0 when unknown
}

// Start runs an embedded NATS server with JetStream and connects to it
// in-process. It returns once the server accepts connections; JetStream
// of a clustered node answers only when a quorum of the cluster is up
// (see Node.WaitJetStream).
func Start(ctx context.Context, o Options) (*Node, error) {
	if o.Name == "" {
		return nil, errors.New("start nats node: no node name")
	}
	if o.StoreDir == "" {
		return nil, fmt.Errorf("start nats node %s: no store directory", o.Name)
	}
	sopts := &server.Options{
		ServerName: o.Name,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		NoSigs:     true,
		NoLog:      o.Logger == nil,
	}
	var err error
	if sopts.Host, sopts.Port, err = hostPort(o.Listen, "127.0.0.1:4222"); err != nil {
		return nil, fmt.Errorf("start nats node %s: client address: %w", o.Name, err)
	}
	if len(o.EncryptionKey) > 0 {
		// NATS derives its stream keys from this string; hex keeps every
		// byte of the key.
		sopts.JetStreamKey = hex.EncodeToString(o.EncryptionKey)
		sopts.JetStreamCipher = server.AES
	}
	if err := addSystemUser(sopts, o.StoreDir); err != nil {
		return nil, fmt.Errorf("start nats node %s: %w", o.Name, err)
	}
	size := 1
	if o.ClusterListen != "" {
		sopts.Cluster.Name = o.ClusterName
		if sopts.Cluster.Name == "" {
			sopts.Cluster.Name = DefaultClusterName
		}
		if sopts.Cluster.Host, sopts.Cluster.Port, err = hostPort(o.ClusterListen, ""); err != nil {
			return nil, fmt.Errorf("start nats node %s: cluster address: %w", o.Name, err)
		}
		if len(o.Routes) == 0 {
			return nil, fmt.Errorf("start nats node %s: a cluster address without routes: JetStream needs the routes of the other nodes", o.Name)
		}
		seen := map[string]bool{}
		for _, r := range o.Routes {
			u, err := url.Parse(r)
			if err != nil || u.Host == "" {
				return nil, fmt.Errorf("start nats node %s: route %q: want nats-route://host:port", o.Name, r)
			}
			sopts.Routes = append(sopts.Routes, u)
			seen[u.Host] = true
		}
		size += len(seen)
		if o.TLSCert != "" {
			tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: o.TLSCert, KeyFile: o.TLSKey, CaFile: o.TLSCA, Verify: o.TLSCA != ""})
			if err != nil {
				return nil, fmt.Errorf("start nats node %s: cluster TLS: %w", o.Name, err)
			}
			if o.TLSCA != "" {
				// A node both accepts and dials routes: the CA verifies
				// either side, as NATS's own cluster configuration does.
				tc.ClientAuth = tls.RequireAndVerifyClientCert
				tc.RootCAs = tc.ClientCAs
			}
			sopts.Cluster.TLSConfig = tc
			sopts.Cluster.TLSTimeout = 5
		}
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("start nats node %s: %w", o.Name, err)
	}
	if o.Logger != nil {
		srv.SetLoggerV2(serverLog{o.Logger.With().Str("comp", "nats").Logger()}, false, false, false)
	}
	srv.Start()
	wait := o.ConnectTimeout
	if wait == 0 {
		wait = 10 * time.Second
	}
	if !srv.ReadyForConnections(wait) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("start nats node %s: not accepting connections within %s (address %s or %s in use?)", o.Name, wait, o.Listen, o.ClusterListen)
	}
	nc, err := nats.Connect(srv.ClientURL(), nats.InProcessServer(srv), nats.Name("lifeline "+o.Name), nats.MaxReconnects(-1))
	if err != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("start nats node %s: connect in process: %w", o.Name, err)
	}
	return newNode(srv, nc, size)
}

// Connect connects to an existing cluster at o.URL.
func Connect(ctx context.Context, o Options) (*Node, error) {
	if o.URL == "" {
		return nil, errors.New("connect to nats: no URL")
	}
	wait := o.ConnectTimeout
	if wait == 0 {
		wait = 5 * time.Second
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
		wait = max(time.Until(d), 10*time.Millisecond) // NATS refuses a timeout of 0
	}
	opts := []nats.Option{nats.Name("lifeline"), nats.Timeout(wait), nats.MaxReconnects(-1)}
	if o.Creds != "" {
		opts = append(opts, nats.UserCredentials(o.Creds))
	}
	nc, err := nats.Connect(o.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to nats at %s: %w", redactURL(o.URL), err)
	}
	// A client cannot count the members of a cluster reliably (the
	// servers it learns of arrive with gossip and may be hidden): a
	// clustered server counts as three nodes, enough for three replicas;
	// a smaller cluster needs Settings.Replicas.
	size := 1
	if nc.ConnectedClusterName() != "" {
		size = 3
	}
	return newNode(nil, nc, size)
}

func newNode(srv *server.Server, nc *nats.Conn, size int) (*Node, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		if srv != nil {
			srv.Shutdown()
			srv.WaitForShutdown()
		}
		return nil, fmt.Errorf("jetstream context: %w", err)
	}
	return &Node{srv: srv, nc: nc, js: js, size: size}, nil
}

// JetStream is the node's JetStream handle.
func (n *Node) JetStream() jetstream.JetStream { return n.js }

// Conn is the node's NATS connection (core pub/sub).
func (n *Node) Conn() *nats.Conn { return n.nc }

// Server is the embedded server, nil when connected to a cluster.
func (n *Node) Server() *server.Server { return n.srv }

// Size is how many nodes the configuration names (this one and its
// routes); connected to an existing cluster, 3 when it is clustered and 1
// when not. Replicas is derived from it.
func (n *Node) Size() int { return n.size }

// Replicas is min(3, Size): three copies survive any one node's loss
// and keep a quorum; more would only slow every write.
func (n *Node) Replicas() int { return min(3, max(1, n.size)) }

// ClientURL is where clients reach the embedded node ("" when connected).
func (n *Node) ClientURL() string {
	if n.srv == nil {
		return ""
	}
	return n.srv.ClientURL()
}

// ClusterAddr is the embedded node's route address (nil without a cluster).
func (n *Node) ClusterAddr() *net.TCPAddr {
	if n.srv == nil {
		return nil
	}
	return n.srv.ClusterAddr()
}

// WaitJetStream waits until JetStream answers (an embedded node of a
// cluster answers once a quorum of nodes is up) or ctx ends.
func (n *Node) WaitJetStream(ctx context.Context) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		// Short tries: a request sent before the meta leader exists is
		// not answered, and waiting it out would hide the moment it is.
		c, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, err := n.js.AccountInfo(c)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("jetstream does not answer: %w", err)
		case <-t.C:
		}
	}
}

// Close closes the connection and shuts the embedded server down.
func (n *Node) Close() {
	n.nc.Close()
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
}

// hostPort splits host:port; port 0 asks NATS for a free port.
func hostPort(addr, def string) (string, int, error) {
	if addr == "" {
		addr = def
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("%q: want host:port (%v)", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: port %q is not 0 to 65535", addr, p)
	}
	if port == 0 {
		port = server.RANDOM_PORT // NATS reads 0 as its default port
	}
	return h, port, nil
}

// redactURL drops user information from NATS URLs before they appear
// in errors.
func redactURL(s string) string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil && u.User != nil {
			u.User = url.User("redacted")
			p = u.String()
		}
		out = append(out, p)
	}
	return strings.Join(out, ",")
}

// serverLog passes the embedded server's log to zerolog.
type serverLog struct{ l zerolog.Logger }

func (s serverLog) Noticef(f string, v ...any) { s.l.Info().Msgf(f, v...) }
func (s serverLog) Warnf(f string, v ...any)   { s.l.Warn().Msgf(f, v...) }
func (s serverLog) Fatalf(f string, v ...any)  { s.l.Error().Msgf(f, v...) }
func (s serverLog) Errorf(f string, v ...any)  { s.l.Error().Msgf(f, v...) }
func (s serverLog) Debugf(f string, v ...any)  { s.l.Debug().Msgf(f, v...) }
func (s serverLog) Tracef(f string, v ...any)  { s.l.Trace().Msgf(f, v...) }
