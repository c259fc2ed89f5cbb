package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Ensure runs Ensure with replicas min(3, cluster size) unless s names them.
func (n *Node) Ensure(ctx context.Context, s Settings) (Report, error) {
	if s.Replicas == 0 {
		s.Replicas = n.Replicas()
	}
	return Ensure(ctx, n.js, s)
}

// streamNames are every stream Ensure creates, buckets and object store
// by the names of their backing streams.
func streamNames() []string {
	var names []string
	for _, c := range Streams(Settings{}) {
		names = append(names, c.Name)
	}
	for _, c := range Buckets(Settings{}) {
		names = append(names, "KV_"+c.Bucket)
	}
	for _, c := range ObjectStores(Settings{}) {
		names = append(names, "OBJ_"+c.Bucket)
	}
	return names
}

// Ready reports whether this node can take traffic: JetStream answers
// and every stream of the design exists and has a leader.
func (n *Node) Ready(ctx context.Context) error { return Ready(ctx, n.js) }

// Ready is Node.Ready for any JetStream handle.
func Ready(ctx context.Context, js jetstream.JetStream) error {
	if _, err := js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("jetstream does not answer: %w", err)
	}
	for _, name := range streamNames() {
		st, err := js.Stream(ctx, name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("stream %s does not exist: run lifeline cluster ensure", name)
		}
		if err != nil {
			return fmt.Errorf("stream %s: %w", name, err)
		}
		if ci := st.CachedInfo().Cluster; ci != nil && ci.Leader == "" {
			return fmt.Errorf("stream %s has no leader", name)
		}
	}
	return nil
}

// Status is what `lifeline cluster status` shows.
type Status struct {
	Cluster    string         // NATS cluster name ("" for a single node)
	Server     string         // the server this connection is on
	Members    []Member       // every node some stream is placed on, by name
	Streams    []StreamStatus // the design's streams, buckets and object store
	Partitions int            // P of the ingest stream, 0 before Ensure
	Leases     []LeaseHolder  // current keys of the lease bucket
}

// Member is one node as the streams' replica groups see it.
type Member struct {
	Name    string
	Leads   int  // streams it leads
	Offline bool // some stream group sees it offline
}

// StreamStatus is one stream's leader and replicas.
type StreamStatus struct {
	Name     string
	Leader   string
	Replicas []Replica // the followers
	Messages uint64
	Bytes    uint64
	Missing  bool   // Ensure has not created it
	Err      string // why the stream did not answer (no leader yet, ...)
}

// streamWait bounds one stream's answer in Status.
const streamWait = 3 * time.Second

// Replica is one follower of a stream.
type Replica struct {
	Name    string
	Current bool
	Offline bool
	Lag     uint64 // operations behind the leader
	Active  time.Duration
}

// LeaseHolder is one lease key and who holds it. The lease value is
// read as JSON with a holder field when it is one, raw text otherwise.
type LeaseHolder struct {
	Name     string
	Holder   string
	Revision uint64
	Updated  time.Time
}

// Status gathers members, stream leaders, replicas and lag, and lease holders.
func (n *Node) Status(ctx context.Context) (Status, error) {
	st := Status{Server: n.nc.ConnectedServerName(), Cluster: n.nc.ConnectedClusterName()}
	if _, err := n.js.AccountInfo(ctx); err != nil {
		return st, fmt.Errorf("jetstream does not answer on %s: %w", st.Server, err)
	}
	members := map[string]*Member{}
	member := func(name string) *Member {
		m := members[name]
		if m == nil {
			m = &Member{Name: name}
			members[name] = m
		}
		return m
	}
	for _, name := range streamNames() {
		// A stream whose group is electing a leader does not answer for
		// seconds; the others are still worth showing.
		c, cancel := context.WithTimeout(ctx, streamWait)
		s, err := n.js.Stream(c, name)
		cancel()
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			st.Streams = append(st.Streams, StreamStatus{Name: name, Missing: true})
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return st, fmt.Errorf("stream %s: %w", name, err)
			}
			st.Streams = append(st.Streams, StreamStatus{Name: name, Err: err.Error()})
			continue
		}
		info := s.CachedInfo()
		ss := StreamStatus{Name: name, Messages: info.State.Msgs, Bytes: info.State.Bytes}
		if name == StreamIngest {
			st.Partitions, _ = strconv.Atoi(info.Config.Metadata[metaPartitions])
		}
		if ci := info.Cluster; ci != nil {
			ss.Leader = ci.Leader
			if ci.Leader != "" {
				member(ci.Leader).Leads++
			}
			for _, p := range ci.Replicas {
				ss.Replicas = append(ss.Replicas, Replica{Name: p.Name, Current: p.Current, Offline: p.Offline, Lag: p.Lag, Active: p.Active})
				m := member(p.Name)
				m.Offline = m.Offline || p.Offline
			}
		}
		st.Streams = append(st.Streams, ss)
	}
	for _, m := range members {
		st.Members = append(st.Members, *m)
	}
	slices.SortFunc(st.Members, func(a, b Member) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	leases, err := n.leaseHolders(ctx)
	if err != nil {
		return st, err
	}
	st.Leases = leases
	return st, nil
}

func (n *Node) leaseHolders(ctx context.Context) ([]LeaseHolder, error) {
	kv, err := n.js.KeyValue(ctx, BucketLeases)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lease bucket: %w", err)
	}
	w, err := kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("read lease bucket: %w", err)
	}
	defer w.Stop()
	var out []LeaseHolder
	for {
		select {
		case <-ctx.Done():
			return out, fmt.Errorf("read lease bucket: %w", ctx.Err())
		case e := <-w.Updates():
			if e == nil { // the current values have all been delivered
				return out, nil
			}
			out = append(out, LeaseHolder{Name: e.Key(), Holder: holderOf(e.Value()), Revision: e.Revision(), Updated: e.Created()})
		}
	}
}

func holderOf(v []byte) string {
	var rec struct {
		Holder string `json:"holder"`
		Held   *bool  `json:"held"`
	}
	if json.Unmarshal(v, &rec) == nil {
		if rec.Held != nil && !*rec.Held {
			return "released" // the key stays to keep the token (Leases)
		}
		if rec.Holder != "" {
			return rec.Holder
		}
	}
	if len(v) > 64 {
		v = v[:64]
	}
	return string(v)
}
