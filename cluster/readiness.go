package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// partitionStats is what Partitions counts for readiness and metrics:
// when this member last wrote its heartbeat, when the members it sees
// last changed, and the partitions that changed hands here.
type partitionStats struct {
	beatAt    atomic.Int64 // unix nanoseconds of the last live heartbeat written, 0 none
	changedAt atomic.Int64 // unix nanoseconds of the last change of the live members
	took      atomic.Uint64
	gave      atomic.Uint64
	lost      atomic.Uint64

	mu    sync.Mutex
	takes []time.Duration // durations of Take after a partition was taken, not yet read
}

func (s *partitionStats) beat(live bool) {
	if live {
		s.beatAt.Store(time.Now().UnixNano())
	} else {
		s.beatAt.Store(0)
	}
}

func (s *partitionStats) membersChanged() { s.changedAt.Store(time.Now().UnixNano()) }

// timeTake runs take (the recovery of a partition just taken) and keeps
// how long it took, for the takeover histogram.
func (s *partitionStats) timeTake(take func()) {
	start := time.Now()
	take()
	d := time.Since(start)
	s.mu.Lock()
	if len(s.takes) < 4096 { // nobody reads them: keep memory bounded
		s.takes = append(s.takes, d)
	}
	s.mu.Unlock()
}

// Handovers counts the partitions this instance took, gave up (to the
// member they map to now, or when it stopped) and lost (a lease not
// renewed in time) since it started.
type Handovers struct {
	Took, GaveUp, Lost uint64
}

// Handovers is what changed hands here since the start.
func (ps *Partitions) Handovers() Handovers {
	return Handovers{Took: ps.stats.took.Load(), GaveUp: ps.stats.gave.Load(), Lost: ps.stats.lost.Load()}
}

// TakeDurations returns, and forgets, how long each partition taken
// since the last call took to recover (its pending inbound events and
// outbox items read and queued): the metrics' takeover histogram.
func (ps *Partitions) TakeDurations() []time.Duration {
	ps.stats.mu.Lock()
	defer ps.stats.mu.Unlock()
	d := ps.stats.takes
	ps.stats.takes = nil
	return d
}

// Share is the partitions that map to this instance among the live
// members as last read: those it owns once the members have settled.
func (ps *Partitions) Share() []int {
	members := ps.Members()
	var share []int
	for p := range ps.o.Count {
		if rendezvous(p, members) == ps.o.Instance {
			share = append(share, p)
		}
	}
	return share
}

// Count is the number of partitions.
func (ps *Partitions) Count() int { return ps.o.Count }

// MissingPartition is a partition of this instance's share that it does
// not own, and who holds its lease ("" for nobody, or unread).
type MissingPartition struct {
	Partition int    `json:"partition"`
	Holder    string `json:"holder,omitempty"`
}

// Readiness is whether this instance can take its part of the cluster's
// traffic, and why not: what /readyz reports on a cluster.
type Readiness struct {
	Instance string `json:"instance"`
	Ready    bool   `json:"ready"`
	// Reasons says what keeps the instance from being ready, one line
	// each, for the operator; empty when ready.
	Reasons []string `json:"reasons,omitempty"`
	// Member: this instance's heartbeat was written within one TTL.
	Member  bool     `json:"member"`
	Members []string `json:"members"`
	// Settled: the live members have not changed for one TTL, long
	// enough for every partition to reach the member it maps to (a dead
	// member's leases expire one TTL after its last renewal). Before
	// that an instance with less than its share is still ready: webhooks
	// are stored whoever owns the partition.
	Settled bool  `json:"settled"`
	Share   []int `json:"share"`
	Owned   []int `json:"owned"`
	// Missing is the partitions of the share not owned (their holders
	// read when the members have settled, up to maxHolderReads).
	Missing []MissingPartition `json:"missing,omitempty"`
}

// maxHolderReads bounds the lease reads of one readiness check.
const maxHolderReads = 8

// Readiness checks this instance's place in the cluster: started, a
// member (its heartbeat written within a TTL), and once the members have
// settled the owner of every partition that maps to it. It reads the
// lease bucket only for the holders of missing partitions.
func (ps *Partitions) Readiness(ctx context.Context) Readiness {
	r := Readiness{Instance: ps.o.Instance, Members: ps.Members(), Share: []int{}, Owned: ps.Owned()}
	if r.Owned == nil {
		r.Owned = []int{}
	}
	now := time.Now()
	if ps.work == nil {
		r.Reasons = append(r.Reasons, "not serving yet: the partitions have not been started")
		return r
	}
	if ps.cancel == nil {
		r.Reasons = append(r.Reasons, "stopping: the partitions were given up")
		return r
	}
	switch at := ps.stats.beatAt.Load(); {
	case at == 0:
		r.Reasons = append(r.Reasons, "not a member: no heartbeat written")
	case now.Sub(time.Unix(0, at)) > ps.o.TTL:
		r.Reasons = append(r.Reasons, fmt.Sprintf("not a member: the last heartbeat was written %s ago, more than the lease TTL %s (the lease bucket does not take writes)",
			now.Sub(time.Unix(0, at)).Round(time.Millisecond), ps.o.TTL))
	default:
		r.Member = true
	}
	if changed := ps.stats.changedAt.Load(); changed != 0 && now.Sub(time.Unix(0, changed)) >= ps.o.TTL {
		r.Settled = true
	}
	if s := ps.Share(); s != nil {
		r.Share = s
	}
	for _, p := range r.Share {
		if !slices.Contains(r.Owned, p) {
			r.Missing = append(r.Missing, MissingPartition{Partition: p})
		}
	}
	if r.Settled && len(r.Missing) > 0 {
		for i := range min(len(r.Missing), maxHolderReads) {
			r.Missing[i].Holder = ps.holder(ctx, r.Missing[i].Partition)
		}
		r.Reasons = append(r.Reasons, fmt.Sprintf("owns %d of its %d partitions though the members (%d) have not changed for %s: %s",
			len(r.Share)-len(r.Missing), len(r.Share), len(r.Members), ps.o.TTL, describeMissing(r.Missing)))
	}
	r.Ready = len(r.Reasons) == 0
	return r
}

// holder is who holds partition p's lease now, "" when nobody or unread.
func (ps *Partitions) holder(ctx context.Context, p int) string {
	e, err := ps.ls.kv.Get(ctx, partitionPrefix+strconv.Itoa(p))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) || err != nil {
		return ""
	}
	var rec leaseRecord
	if json.Unmarshal(e.Value(), &rec) != nil || !rec.Held {
		return ""
	}
	return rec.Holder
}

func describeMissing(ms []MissingPartition) string {
	s := ""
	for i, m := range ms {
		if i == maxHolderReads {
			s += fmt.Sprintf(", and %d more", len(ms)-i)
			break
		}
		if i > 0 {
			s += ", "
		}
		s += "partition " + strconv.Itoa(m.Partition)
		if m.Holder != "" {
			s += " (held by " + m.Holder + ")"
		} else {
			s += " (not held)"
		}
	}
	return s
}
