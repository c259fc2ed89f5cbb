package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	Name  string
	Leads int // streams it leads
	// Offline: JetStream marks it offline (it announced its shutdown, or
	// sent no server event for several minutes). A node killed with
	// kill -9 announces nothing: Unreachable says it within seconds.
	Offline bool
	// Unreachable: no leader of a stream it replicates has heard from it
	// for SilentAfter (or it is Offline). A live follower answers its
	// leader's heartbeat every second.
	Unreachable bool
	// Unknown: nothing said anything about it (every stream it is in has
	// no leader that answered, or one elected less than SilentAfter ago).
	Unknown bool
	// LastSeen is when a stream leader last heard from it, as of the
	// status; zero when no leader has heard from it since its election.
	LastSeen time.Time
}

// SilentAfter is how long a node's stream leaders may not hear from it
// before Status calls it unreachable. Raft leaders send a heartbeat every
// second and live followers answer it at once, so three missed answers
// on a loaded machine are not a slow node but a dead or cut-off one.
const SilentAfter = 3 * time.Second

// StreamStatus is one stream's leader and replicas.
type StreamStatus struct {
	Name        string
	Leader      string
	LeaderSince time.Time // zero without a leader
	At          time.Time // when its answer arrived: Replica.Active counts back from it
	Replicas    []Replica // the followers
	Messages    uint64
	Bytes       uint64
	Missing     bool   // Ensure has not created it
	Err         string // why the stream did not answer (no leader yet, ...)
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
	// The streams are asked at once: a stream whose group is electing a
	// leader does not answer for seconds (a dead node's streams, just
	// when the status matters), and one after the other those waits add up.
	names := streamNames()
	st.Streams = make([]StreamStatus, len(names))
	partitions := make([]int, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.Streams[i], partitions[i] = n.streamStatus(ctx, name)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("stream status: %w", err)
	}
	for _, p := range partitions {
		st.Partitions = max(st.Partitions, p)
	}
	st.Members = judgeMembers(st.Streams)
	leases, err := n.leaseHolders(ctx)
	if err != nil {
		return st, err
	}
	st.Leases = leases
	return st, nil
}

// streamStatus asks for one stream, and its partition count if it is
// the ingest stream.
func (n *Node) streamStatus(ctx context.Context, name string) (StreamStatus, int) {
	c, cancel := context.WithTimeout(ctx, streamWait)
	defer cancel()
	s, err := n.js.Stream(c, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return StreamStatus{Name: name, Missing: true}, 0
	}
	if err != nil {
		return StreamStatus{Name: name, Err: err.Error()}, 0
	}
	info := s.CachedInfo()
	ss := StreamStatus{Name: name, Messages: info.State.Msgs, Bytes: info.State.Bytes, At: time.Now()}
	partitions := 0
	if name == StreamIngest {
		partitions, _ = strconv.Atoi(info.Config.Metadata[metaPartitions])
	}
	if ci := info.Cluster; ci != nil {
		ss.Leader = ci.Leader
		if ci.LeaderSince != nil {
			ss.LeaderSince = *ci.LeaderSince
		}
		for _, p := range ci.Replicas {
			ss.Replicas = append(ss.Replicas, Replica{Name: p.Name, Current: p.Current, Offline: p.Offline, Lag: p.Lag, Active: p.Active})
		}
	}
	return ss, partitions
}

// judgeMembers says, from the streams' answers, which nodes are alive. A leader that answered is alive now. A follower is alive while
// some leader heard from it within SilentAfter; silent for longer under
// every leader that had the time to hear it, it is unreachable. JetStream's
// own offline flag comes from server events, which a killed node never
// sends (a peer is then marked offline only after minutes), and its
// "current" stays true for 10 s: neither says soon enough that a node is gone.
//
// Each answer is judged at its own arrival (At): the streams answer at
// different times, a leaderless one only when its wait runs out.
func judgeMembers(streams []StreamStatus) []Member {
	type evidence struct {
		m        Member
		lastSeen time.Time // latest contact any leader reports
		alive    bool      // a leader answered, or heard from it within SilentAfter
		silent   bool      // some settled leader has not heard from it within SilentAfter
	}
	byName := map[string]*evidence{}
	of := func(name string) *evidence {
		e := byName[name]
		if e == nil {
			e = &evidence{m: Member{Name: name}}
			byName[name] = e
		}
		return e
	}
	for _, s := range streams {
		if s.Leader == "" {
			for _, r := range s.Replicas {
				of(r.Name) // known, but this stream says nothing of it
			}
			continue
		}
		leader := of(s.Leader)
		leader.m.Leads++
		leader.alive = true
		if s.At.After(leader.lastSeen) {
			leader.lastSeen = s.At // it answered this request
		}
		// A leader elected a moment ago has not yet had an answer to its
		// first heartbeat from every live follower.
		settled := !s.LeaderSince.IsZero() && s.At.Sub(s.LeaderSince) >= SilentAfter
		for _, r := range s.Replicas {
			e := of(r.Name)
			e.m.Offline = e.m.Offline || r.Offline
			// Active is the time since the leader last heard from it; 0
			// and not current is a follower it has not heard from since
			// its election (the new leader forgets earlier contacts).
			heard := r.Active > 0 || r.Current
			if heard {
				if at := s.At.Add(-r.Active); at.After(e.lastSeen) {
					e.lastSeen = at
				}
				e.alive = e.alive || r.Active <= SilentAfter
			}
			if settled && (!heard || r.Active > SilentAfter) {
				e.silent = true
			}
		}
	}
	var out []Member
	for _, e := range byName {
		m := e.m
		m.LastSeen = e.lastSeen
		switch {
		case m.Offline:
			m.Unreachable = true
		case e.alive:
		case e.silent:
			m.Unreachable = true
		default:
			m.Unknown = true
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	return out
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
