package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"lifeline/coord"
)

// PartitionOf is the partition of a scope id (a user's key) among p: the
// one hash every part of the cluster uses (the JetStream store's subjects,
// the partitions' owners), so that the owner of a partition is the owner
// of every record under it.
func PartitionOf(id string, p int) int {
	if p <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(p))
}

// PartitionWork is what an instance does with the partitions it owns:
// the engine's lanes.
type PartitionWork interface {
	// Take recovers partition p's pending work (inbound events, outbound
	// messages) into this instance's lanes; Owns is already true for it.
	// ctx ends when the partitions close: a read waiting on a JetStream
	// leader election then stops rather than hold the stop up.
	Take(ctx context.Context, p int)
	// Busy reports whether work of partition p is under way here (a turn
	// being committed, a send in flight): a partition given up waits for
	// it, so that the next owner does not start beside it.
	Busy(p int) bool
	// Wake is a notification that user, of a partition owned here, has
	// work: look at the user's pending items again, at least as far as
	// the commit whose store mark is at ("": not known, the newest).
	Wake(user, at string)
}

// PartitionOptions configure Partitions; zero values take the defaults.
type PartitionOptions struct {
	// Instance is this instance's id: the holder of its partition leases.
	Instance string
	// Count is the number of partitions (the streams' P).
	Count int
	// TTL is the lease TTL of partitions and of the membership heartbeat;
	// an instance that stops renewing loses its partitions after it.
	TTL time.Duration
	// Tick is how often membership is read and partitions taken or given
	// up; default TTL/5.
	Tick time.Duration
	// Rescan is how often every owned partition's pending work is read
	// again, the safety net for a lost notification; default one minute.
	Rescan time.Duration
	// WorkWait bounds how long a partition given up on a change of the
	// members waits for its work under way (PartitionWork.Busy): at
	// least the longest a send may take, the Graph API client's timeout
	// and the write of its outcome, since the next owner finds a message
	// whose send has not finished still pending and sends it again. Its
	// lease is renewed meanwhile. Default DefaultWorkWait. A stop waits
	// for it only up to Handoff (the engine has stopped before).
	WorkWait time.Duration
	// Handoff bounds how long Close tries to give the partitions up and
	// mark this member gone while JetStream does not answer (a stream
	// electing a leader after another member died); default HandoffWait.
	// What is not handed off by then the others take when its lease
	// expires, as after a crash.
	Handoff time.Duration
	// Subject is the prefix of the notification subjects, default
	// "lifeline.wake." (a partition's notifications go to prefix+p).
	Subject string
	// Members, when set, is told the live members (this instance among
	// them) at Start and whenever they change: what shares out a
	// cluster-wide budget (each sending number's rate).
	Members func(live []string)
	Logger  zerolog.Logger
}

// Partitions divides the users' partitions among the instances serving
// from one cluster, so that exactly one instance works each user's lanes
// (per-user order, sends of one user from one place).
//
// # The scheme: rendezvous hashing over live members, fenced by leases
//
// Each instance writes a heartbeat (key member.<id> in the lease bucket,
// rewritten every third of the TTL) and reads everyone's. A member is
// live while its key keeps changing: the same rule as a lease's expiry
// (see Leases), judged on the reader's own clock. Partition p belongs to
// the live member with the highest hash of (member, p). An instance
// acquires the lease partition.<p> of every partition that maps to it and
// gives up (after its work under way there has finished) every one that
// maps elsewhere. The hashing spreads the partitions and moves only the
// partitions of a member that joins or leaves; the lease makes ownership
// exclusive whatever the members' views are while they change (two
// instances that briefly both want p: one holds the lease, the other is
// refused and tries again). Simpler than balanced acquisition (no
// counting, no negotiation) and as correct, since exclusivity comes from
// the lease alone; the balance is that of the hash (with 64 partitions
// over 3 members, 15-28 each in the runs of the tests).
//
// A member that dies stops writing its heartbeat and renewing its leases:
// one TTL later the others see it gone, its partitions map to them, and
// they take the leases, which expired at the same time. Taking a
// partition recovers its pending inbox and outbox (PartitionWork.Take).
// Losing one (a renewal refused, or the lease's TTL passed on this
// instance's clock without a renewal) makes Owns false at once; the lanes
// stop working its users after the current turn, and the scope's
// compare-and-set refuses a turn that a new owner committed first.
//
// # Notifications
//
// An instance that stores work for a user it does not own (a webhook
// posted to it, an agent's reply) publishes the user on the partition's
// subject after the commit; the owner looks at that user's pending
// items. Core NATS delivers at most once, so every owned partition is
// also read again every Rescan.
type Partitions struct {
	ls   *Leases
	nc   *nats.Conn
	o    PartitionOptions
	log  zerolog.Logger
	work PartitionWork

	mu    sync.Mutex
	parts map[int]*ownedPart
	live  []string // the members last read

	cancel   context.CancelFunc
	done     chan struct{}
	stopping atomic.Bool // StopTaking: no partition is taken any more
	// giving is the context of the partitions being given up; Close ends
	// it when its hand-off time is over.
	giving     context.Context
	givingDone context.CancelFunc
	leaving    sync.WaitGroup // partitions being given up
	sub        *nats.Subscription
	wakes      chan wake

	stats partitionStats // readiness.go: heartbeats, member changes, handovers
}

// wake is a notification heard: the user and the mark of the commit.
type wake struct{ user, at string }

type ownedPart struct {
	lease   coord.Lease // as last renewed
	leaving bool        // mapped elsewhere: being given up
	lost    bool        // a renewal failed: no longer owned
	stop    chan struct{}
	stopped chan struct{}
}

// HandoffWait is how long a stop tries to hand its partitions off
// (PartitionOptions.Handoff). A release answers in milliseconds when the
// lease bucket's stream has a leader; after a member died it may have
// none for up to MaxElection, and a stop that waited for the election
// took up to its whole bound (10 s) and beyond. Past HandoffWait the
// others take the partitions when their leases expire, one TTL after
// the last renewal, as after a crash: later, never twice.
const HandoffWait = 3 * time.Second

// DefaultWorkWait is PartitionOptions.WorkWait's default: a send's
// longest (whatsapp.DefaultTimeout, 10 s) and the write of its outcome,
// with room to spare.
const DefaultWorkWait = 30 * time.Second

// memberPrefix and partitionPrefix name the heartbeat and partition
// keys in the lease bucket.
const (
	memberPrefix    = "member."
	partitionPrefix = "partition."
)

// NewPartitions prepares the partitions of the instance o.Instance over
// the lease bucket of ls and the connection nc; Start begins.
func NewPartitions(ls *Leases, nc *nats.Conn, o PartitionOptions) (*Partitions, error) {
	if o.Instance == "" || !validLeaseName(memberPrefix+o.Instance) {
		return nil, fmt.Errorf("partitions: instance id %q: %w", o.Instance, coord.ErrInvalid)
	}
	if o.Count < 1 || o.TTL <= 0 {
		return nil, fmt.Errorf("partitions: count %d, ttl %s: %w", o.Count, o.TTL, coord.ErrInvalid)
	}
	if o.Tick <= 0 {
		o.Tick = o.TTL / 5
	}
	if o.Rescan <= 0 {
		o.Rescan = time.Minute
	}
	if o.Handoff <= 0 {
		o.Handoff = HandoffWait
	}
	if o.WorkWait <= 0 {
		o.WorkWait = DefaultWorkWait
	}
	if o.Subject == "" {
		o.Subject = "lifeline.wake."
	}
	ps := &Partitions{ls: ls, nc: nc, o: o, log: o.Logger.With().Str("comp", "partitions").Logger(), parts: map[int]*ownedPart{}}
	ps.giving, ps.givingDone = context.WithCancel(context.Background())
	return ps, nil
}

// Of is the partition of user.
func (ps *Partitions) Of(user string) int { return PartitionOf(user, ps.o.Count) }

// Instance is this instance's id.
func (ps *Partitions) Instance() string { return ps.o.Instance }

// Owns reports whether this instance works user's lanes now: it holds the
// partition's lease, unexpired on its own clock, and is not giving it up.
func (ps *Partitions) Owns(user string) bool { return ps.OwnsPartition(ps.Of(user)) }

// OwnsPartition reports whether this instance works partition p now.
func (ps *Partitions) OwnsPartition(p int) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	op := ps.parts[p]
	return op != nil && !op.leaving && !op.lost && ps.ls.now().Before(op.lease.Expires)
}

// Owned lists the partitions this instance works now, in order.
func (ps *Partitions) Owned() []int {
	ps.mu.Lock()
	var out []int
	for p := range ps.parts {
		out = append(out, p)
	}
	ps.mu.Unlock()
	out = slices.DeleteFunc(out, func(p int) bool { return !ps.OwnsPartition(p) })
	slices.Sort(out)
	return out
}

// Notify tells the owner of user's partition that user has work. It is
// best effort: a lost notification is made up for by the owner's rescan.
func (ps *Partitions) Notify(user string) { ps.NotifyAt(user, "") }

// hdrAt carries a notification's store mark. A header, not the body: the
// body is the user alone, as builds before marks read it, so that during
// a rolling upgrade either build understands the other's notifications
// (an older one reads the newest state, as it always did).
const hdrAt = "Lifeline-At"

// NotifyAt is Notify for the work of a commit whose store mark is at
// (store.Mark; "" not known): the owner reads at least that far, from
// its nearest copy.
func (ps *Partitions) NotifyAt(user, at string) {
	m := nats.NewMsg(ps.o.Subject + strconv.Itoa(ps.Of(user)))
	m.Data = []byte(user)
	if at != "" {
		m.Header.Set(hdrAt, at)
	}
	if err := ps.nc.PublishMsg(m); err != nil {
		ps.log.Warn().Err(err).Msg("notification to a partition's owner not published; its rescan will find the work")
	}
}

// Start writes the first heartbeat, subscribes to the notifications and
// begins taking partitions for work. Stop with Close.
func (ps *Partitions) Start(work PartitionWork) error {
	ps.work = work
	ctx, cancel := context.WithCancel(context.Background())
	// The first heartbeat is tried again while nobody answers, up to
	// startWait: an instance whose start brings the cluster's majority
	// back (two of three were down) finds the lease bucket's stream
	// electing its leader, and its start failed on "no response from
	// stream".
	bctx, bcancel := context.WithTimeout(ctx, startWait)
	err := untilAnswered(bctx, func(ctx context.Context) error { return ps.heartbeat(ctx, true) })
	bcancel()
	if err != nil {
		cancel()
		return err
	}
	// The members as they are now, before anything is taken or sent.
	if members, err := ps.members(ctx); err == nil {
		ps.seeMembers(members)
	}
	ps.wakes = make(chan wake, 4096)
	sub, err := ps.nc.Subscribe(ps.o.Subject+"*", func(m *nats.Msg) {
		user := string(m.Data)
		if !ps.Owns(user) {
			return
		}
		select {
		case ps.wakes <- wake{user, m.Header.Get(hdrAt)}:
		default: // the rescan finds it
		}
	})
	if err != nil {
		cancel()
		return fmt.Errorf("partitions: subscribe to notifications: %w", err)
	}
	ps.sub = sub
	ps.cancel = cancel
	ps.done = make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(5)
	go func() { defer wg.Done(); ps.beat(ctx) }()
	go func() { defer wg.Done(); ps.run(ctx) }()
	go func() { defer wg.Done(); ps.rescan(ctx) }()
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case w := <-ps.wakes:
				ps.work.Wake(w.user, w.at)
			}
		}
	}()
	go func() {
		defer wg.Done()
		if err := ps.ls.Watch(ctx); err != nil && ctx.Err() == nil {
			ps.log.Warn().Err(err).Msg("lease watch ended; a dead member is seen one TTL later than it could be")
		}
	}()
	go func() { wg.Wait(); close(ps.done) }()
	return nil
}

// beat rewrites the heartbeat every third of the TTL, on its own so that
// a slow round of assignment never makes this member look dead.
func (ps *Partitions) beat(ctx context.Context) {
	t := time.NewTicker(max(ps.o.TTL/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := ps.heartbeat(ctx, true); err != nil && ctx.Err() == nil {
			ps.log.Warn().Err(err).Msg("heartbeat not written")
		}
	}
}

// rescan reads every owned partition's pending work again every Rescan.
func (ps *Partitions) rescan(ctx context.Context) {
	t := time.NewTicker(ps.o.Rescan)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, p := range ps.Owned() {
			if ctx.Err() != nil {
				return
			}
			ps.work.Take(ctx, p)
		}
	}
}

// heartbeat writes this member's key: live for another TTL.
func (ps *Partitions) heartbeat(ctx context.Context, live bool) error {
	rec := leaseRecord{Holder: ps.o.Instance, Incarnation: ps.ls.incarnation, Held: live, TTLMillis: max(ps.o.TTL.Milliseconds(), 1), At: time.Now().UTC()}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := ps.ls.kv.Put(ctx, memberPrefix+ps.o.Instance, v); err != nil {
		return fmt.Errorf("partitions: heartbeat of %s: %w", ps.o.Instance, err)
	}
	ps.stats.beat(live)
	return nil
}

// members lists the live members, this instance always among them.
func (ps *Partitions) members(ctx context.Context) ([]string, error) {
	// The heartbeats' keys as the lease watch saw them (every Tick: a
	// listing each time would create and delete a consumer through the
	// meta group of every node); listed while the watch is not there.
	keys, ok := ps.ls.watchedKeys(memberPrefix)
	if !ok {
		lister, err := ps.ls.kv.ListKeysFiltered(ctx, memberPrefix+">")
		if err != nil {
			return nil, fmt.Errorf("list members: %w", err)
		}
		for k := range lister.Keys() {
			keys = append(keys, k)
		}
	}
	live := []string{ps.o.Instance}
	for _, k := range keys {
		if k == memberPrefix+ps.o.Instance {
			continue
		}
		e, err := ps.ls.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read member %s: %w", k, err)
		}
		var rec leaseRecord
		if json.Unmarshal(e.Value(), &rec) != nil {
			continue
		}
		if !rec.Held || ps.ls.expired(k, e.Revision(), rec) {
			// Gone: stopped, or dead for a TTL. Its key is deleted, at
			// the revision read (a member back meanwhile has written
			// since and keeps its key), so that keys of instances long
			// gone (a new id each start by default) do not pile up.
			_ = ps.ls.kv.Delete(ctx, k, jetstream.LastRevision(e.Revision()))
			continue
		}
		live = append(live, strings.TrimPrefix(k, memberPrefix))
	}
	slices.Sort(live)
	return live, nil
}

// seeMembers records the live members and tells Members when they changed.
func (ps *Partitions) seeMembers(members []string) {
	ps.mu.Lock()
	changed := !slices.Equal(ps.live, members)
	ps.live = members
	if changed {
		ps.stats.membersChanged()
	}
	ps.mu.Unlock()
	if changed && ps.o.Members != nil {
		ps.o.Members(members)
	}
}

// Members is the live members as last read, this instance among them.
func (ps *Partitions) Members() []string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return slices.Clone(ps.live)
}

// rendezvous is the member partition p maps to: the highest hash of
// (member, p).
func rendezvous(p int, members []string) string {
	best, bestH := "", uint64(0)
	for _, m := range members {
		h := fnv.New64a()
		h.Write([]byte(m))
		h.Write([]byte{0})
		h.Write([]byte(strconv.Itoa(p)))
		x := h.Sum64()
		// fnv's low bits of similar inputs are close: mix (splitmix64's
		// finalizer) so that the winner is spread evenly.
		x ^= x >> 30
		x *= 0xbf58476d1ce4e5b9
		x ^= x >> 27
		x *= 0x94d049bb133111eb
		x ^= x >> 31
		if best == "" || x > bestH {
			best, bestH = m, x
		}
	}
	return best
}

// run assigns every Tick, and at once when the lease watch sees a member
// start or stop or a lease released (Leases.Moves): a member that joins
// is given its share, and takes what the others release, without waiting
// a tick at each of the two steps (up to 2 x TTL/5, 6 s with a 15 s
// TTL). Ownership does not depend on when assign runs: the leases make
// it exclusive. A member that dies is still seen gone only when its
// heartbeat's TTL has passed, at the next tick after.
func (ps *Partitions) run(ctx context.Context) {
	tick := time.NewTicker(ps.o.Tick)
	defer tick.Stop()
	for {
		ps.assign(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-ps.ls.Moves():
			// The releases of one stop or hand-over come together:
			// one assignment for them.
			select {
			case <-ctx.Done():
				return
			case <-time.After(movesSettle):
			}
			select {
			case <-ps.ls.Moves():
			default:
			}
		}
	}
}

// movesSettle gathers the lease changes that come together before an
// assignment they wake.
const movesSettle = 50 * time.Millisecond

// assign takes the partitions that map to this instance and gives up
// the ones that map elsewhere.
func (ps *Partitions) assign(ctx context.Context) {
	members, err := ps.members(ctx)
	if err != nil {
		if ctx.Err() == nil {
			ps.log.Warn().Err(err).Msg("members not read; partitions stay as they are")
		}
		return
	}
	ps.seeMembers(members)
	var took, gave []int
	for p := 0; p < ps.o.Count; p++ {
		want := rendezvous(p, members) == ps.o.Instance
		ps.mu.Lock()
		op := ps.parts[p]
		if op != nil && (op.lost || !ps.ls.now().Before(op.lease.Expires)) && !op.leaving {
			delete(ps.parts, p)
			close(op.stop)
			op = nil
			ps.stats.lost.Add(1)
			ps.log.Warn().Int("partition", p).Msg("partition lost (its lease was not renewed in time); its users are left to the next owner")
		}
		ps.mu.Unlock()
		switch {
		case want && op == nil && ps.stopping.Load():
			// Stopping: what would be taken now would be given up at
			// once; the others take it once this member is gone.
		case want && op == nil:
			l, err := ps.ls.Acquire(ctx, partitionPrefix+strconv.Itoa(p), ps.o.Instance, ps.o.TTL)
			if err != nil {
				if !errors.Is(err, coord.ErrHeld) && ctx.Err() == nil {
					ps.log.Warn().Err(err).Int("partition", p).Msg("partition lease not acquired")
				}
				continue
			}
			op = &ownedPart{lease: l, stop: make(chan struct{}), stopped: make(chan struct{})}
			ps.mu.Lock()
			ps.parts[p] = op
			ps.mu.Unlock()
			go ps.renew(p, op)
			took = append(took, p)
		case !want && op != nil && !op.leaving:
			ps.mu.Lock()
			op.leaving = true
			ps.mu.Unlock()
			gave = append(gave, p)
			ps.leaving.Add(1)
			go func() {
				defer ps.leaving.Done()
				// The wait for the work under way, then a TTL for the
				// release.
				ctx, cancel := context.WithTimeout(ps.giving, ps.o.WorkWait+ps.o.TTL)
				defer cancel()
				ps.giveUp(ctx, p, op)
			}()
		}
	}
	if len(took) > 0 || len(gave) > 0 {
		ps.log.Info().Str("instance", ps.o.Instance).Strs("members", members).Ints("took", took).Ints("giving_up", gave).
			Ints("owned", ps.Owned()).Msg("partitions changed hands")
	}
	for _, p := range took {
		ps.stats.took.Add(1)
		go ps.stats.timeTake(func() { ps.work.Take(ctx, p) })
	}
}

// renew keeps op's lease until stop closes or a renewal fails.
func (ps *Partitions) renew(p int, op *ownedPart) {
	defer close(op.stopped)
	t := time.NewTicker(max(ps.o.TTL/3, time.Millisecond))
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-op.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-op.stop:
			return
		case <-t.C:
		}
		ps.mu.Lock()
		cur := op.lease
		ps.mu.Unlock()
		next, err := ps.ls.Renew(ctx, cur)
		ps.mu.Lock()
		if err != nil {
			if ctx.Err() == nil {
				op.lost = true
				ps.log.Warn().Err(err).Int("partition", p).Msg("partition lease lost")
			}
			ps.mu.Unlock()
			return
		}
		op.lease = next
		ps.mu.Unlock()
	}
}

// giveUp waits (at most WorkWait, or until ctx ends) for the work under
// way in p to finish, then releases its lease so that the next owner
// takes it at once. The release tries again while JetStream does not
// answer, until ctx ends.
//
// The lease is renewed all along the wait (renew stops only once op.stop
// closes), so that it cannot expire under a slow send. Before, the wait
// was a third of the TTL (5 s with the 15 s TTL), shorter than a send
// may take (the Graph API client's timeout, 20 s): the next owner took
// the partition, found the reply still pending and sent it again, a
// duplicate with no instance dead. Cancelling the send instead would
// leave its outcome unknown, and the next owner would send it again
// after the status grace all the same; the design keeps duplicates to the
// sends in flight on a dead instance.
func (ps *Partitions) giveUp(ctx context.Context, p int, op *ownedPart) {
	deadline := time.Now().Add(ps.o.WorkWait)
	for ps.work != nil && ps.work.Busy(p) && time.Now().Before(deadline) && ctx.Err() == nil && ps.stillHeld(op) {
		time.Sleep(20 * time.Millisecond)
	}
	close(op.stop)
	<-op.stopped
	ps.mu.Lock()
	l := op.lease
	if ps.parts[p] == op {
		delete(ps.parts, p)
	}
	ps.mu.Unlock()
	ps.stats.gave.Add(1)
	if err := untilAnswered(ctx, func(ctx context.Context) error { return ps.ls.Release(ctx, l) }); err != nil {
		ps.log.Warn().Err(err).Int("partition", p).Msg("partition lease not released; the next owner takes it when it expires")
	}
}

// stillHeld reports whether op's lease is still this instance's: renewed
// without a refusal and not expired on this instance's clock. Once it is
// not, waiting for the work under way keeps nobody from starting beside
// it.
func (ps *Partitions) stillHeld(op *ownedPart) bool {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return !op.lost && ps.ls.now().Before(op.lease.Expires)
}

// StopTaking ends the taking of partitions: a stop calls it as it
// begins, so that what the members' changes would bring this instance
// meanwhile (a dead member's partitions) is left to the others rather
// than taken and given up again. The partitions owned stay owned, and
// renewed, until Close.
func (ps *Partitions) StopTaking() { ps.stopping.Store(true) }

// Close gives up every partition (after the work under way in each, up
// to Handoff) and marks this member gone, so that the others
// take its partitions at once. Call it after the lanes stopped. The
// hand-off takes at most PartitionOptions.Handoff: JetStream may have no
// leader for the lease bucket just then (a member died), and what is not
// handed off by then the others take when its leases expire.
func (ps *Partitions) Close() {
	if ps.cancel == nil {
		return
	}
	ps.stopping.Store(true)
	ps.cancel()
	<-ps.done
	if ps.sub != nil {
		_ = ps.sub.Unsubscribe()
	}
	ctx, cancel := context.WithTimeout(ps.giving, ps.o.Handoff)
	defer cancel()
	// The partitions the members' changes had this member give up before
	// the stop end their releases by then too.
	defer context.AfterFunc(ctx, ps.givingDone)()
	ps.mu.Lock()
	for p, op := range ps.parts {
		if op.leaving {
			continue // being given up already
		}
		op.leaving = true
		ps.leaving.Add(1)
		go func() { defer ps.leaving.Done(); ps.giveUp(ctx, p, op) }()
	}
	ps.mu.Unlock()
	// Marked gone beside the releases: the others count this member out
	// and take each partition as its release lands.
	gone := make(chan error, 1)
	go func() {
		gone <- untilAnswered(ctx, func(ctx context.Context) error { return ps.heartbeat(ctx, false) })
	}()
	ps.leaving.Wait()
	if err := <-gone; err != nil {
		ps.log.Warn().Err(err).Msg("member not marked gone; the others take its partitions one TTL from now")
	}
	ps.cancel = nil
}

// untilAnswered runs do until it succeeds, fails with an answer from
// JetStream, or ctx ends: while a stream elects a leader a request finds
// nobody to answer it (at once, or after its own timeout), and the same
// request may be answered a moment later. do must be safe to repeat
// (a write guarded by a revision, or one that puts the same value).
func untilAnswered(ctx context.Context, do func(context.Context) error) error {
	for {
		err := do(ctx)
		if err == nil || !unanswered(err) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(answerRetry):
		}
	}
}

// startWait bounds Start's first heartbeat while JetStream does not
// answer: several leader elections (MaxElection each).
const startWait = 30 * time.Second

// answerRetry is the wait before a request nobody answered is sent again.
const answerRetry = 100 * time.Millisecond

// unanswered reports whether err is JetStream not answering (no leader,
// no responders, a timeout) rather than an answer.
func unanswered(err error) bool {
	var api *jetstream.APIError
	if errors.As(err, &api) && api.Code == 503 {
		return true
	}
	return errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)
}

// RunningMembers lists the instances serving from the cluster now: those
// whose heartbeat is rewritten while it watches. A heartbeat's time says
// nothing on its own (clocks differ between machines), so it reads every
// live-marked heartbeat, waits a little longer than the longest of their
// rewrite intervals (a third of each one's TTL) and reads them again; an
// instance that died without saying so is not listed. A tool that must not
// run beside a server (lifeline migrate) asks it before writing.
func RunningMembers(ctx context.Context, ls *Leases) ([]string, error) {
	read := func() (map[string]uint64, time.Duration, error) {
		lister, err := ls.kv.ListKeysFiltered(ctx, memberPrefix+">")
		if err != nil {
			return nil, 0, fmt.Errorf("list members: %w", err)
		}
		var keys []string
		for k := range lister.Keys() {
			keys = append(keys, k)
		}
		revs, longest := map[string]uint64{}, time.Duration(0)
		for _, k := range keys {
			e, err := ls.kv.Get(ctx, k)
			if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
				continue
			}
			if err != nil {
				return nil, 0, fmt.Errorf("read member %s: %w", k, err)
			}
			var rec leaseRecord
			if json.Unmarshal(e.Value(), &rec) != nil || !rec.Held {
				continue
			}
			revs[k] = e.Revision()
			longest = max(longest, time.Duration(rec.TTLMillis)*time.Millisecond/3)
		}
		return revs, longest, nil
	}
	before, interval, err := read()
	if err != nil || len(before) == 0 {
		return nil, err
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(interval + interval/2 + 100*time.Millisecond):
	}
	after, _, err := read()
	if err != nil {
		return nil, err
	}
	var running []string
	for k, rev := range after {
		if was, ok := before[k]; ok && rev != was {
			running = append(running, strings.TrimPrefix(k, memberPrefix))
		}
	}
	slices.Sort(running)
	return running, nil
}
