package bot

import (
	"context"
	"encoding/json"
	"strings"
	"sync"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Partitions tells an engine that shares its store with other instances
// which users it works: the owner of a user's partition processes the
// user's inbound events and sends the user's messages, so that each
// user's order holds across instances (cluster.Partitions is the
// implementation). nil (one process) works every user.
type Partitions interface {
	// Owns reports whether this instance works user's lanes now.
	Owns(user string) bool
	// Notify tells the owner of user's partition, after a commit, that
	// user has work; at is the commit's mark (store.DB.WriteMark), empty
	// when not known, so that the owner reads at least that far from
	// its nearest copy. Best effort: the owner also rescans its
	// partitions.
	Notify(user string, at store.Mark)
}

// SandboxTopic carries the replies to a sandbox message processed on
// another instance than the one whose chat waits for them.
const SandboxTopic = "engine.sandbox"

// SandboxIDPrefix begins the ids of the sandbox chat's messages (the
// admin server makes them): only their replies are published to the
// other instances, never a real conversation's.
const SandboxIDPrefix = "wamid.sandbox."

// sandboxReplies is a message on SandboxTopic.
type sandboxReplies struct {
	ID      string              `json:"id"`
	Replies []whatsapp.Outbound `json:"replies"`
}

// partitioned is what an engine with Partitions keeps: which items its
// lanes hold (a rescan or a notification finds them again), which users
// have work in progress (a partition given up waits for it), and the
// users waiting to have their pending items read.
type partitioned struct {
	mu      sync.Mutex
	in, out map[uint64]bool // sequence numbers queued in the local lanes
	working map[string]int  // user -> items in progress

	syncs chan string
	// pending holds the users in syncs, each with the mark to read at
	// (empty: ReadIn's newest state).
	pending map[string]store.Mark
	stopped bool // syncs is closed
	wg      sync.WaitGroup
}

// syncWorkers read users' pending items for the notifications.
const syncWorkers = 4

func newPartitioned() *partitioned {
	return &partitioned{in: map[uint64]bool{}, out: map[uint64]bool{}, working: map[string]int{},
		syncs: make(chan string, 4096), pending: map[string]store.Mark{}}
}

// laneUser is the user of a lane key (a read receipt's lane is keyed apart).
func laneUser(key string) string { return strings.TrimPrefix(key, readKeyPrefix) }

// startPartitioned sets the lanes up for an engine that works only the
// users of its partitions.
func (e *Engine) startPartitioned() {
	e.parted = newPartitioned()
	e.outbox.route = e.routeOut
	syncs := e.parted.syncs
	for range syncWorkers {
		e.parted.wg.Add(1)
		go func() {
			defer e.parted.wg.Done()
			for user := range syncs {
				e.parted.mu.Lock()
				at := e.parted.pending[user]
				delete(e.parted.pending, user)
				stopped := e.parted.stopped
				e.parted.mu.Unlock()
				if !stopped {
					// Once stopped the users still queued are left to
					// the partitions' next owners, which read them:
					// reading each here would hold the stop up, for a
					// JetStream request's timeout each during a leader
					// election.
					e.syncUser(user, at)
				}
			}
		}()
	}
	sub, err := e.bus.Subscribe(SandboxTopic, 256)
	if err != nil {
		e.log.Warn().Err(err).Msg("sandbox replies from other instances not heard")
		return
	}
	e.sandboxSub = sub
	go func() {
		for m := range sub.C {
			var r sandboxReplies
			if json.Unmarshal(m.Data, &r) == nil {
				e.deliverWaiter(r.ID, r.Replies)
			}
		}
	}()
}

// stopPartitioned stops the workers that read users' pending items.
func (e *Engine) stopPartitioned() {
	if e.parted == nil {
		return
	}
	e.parted.mu.Lock()
	e.parted.stopped = true
	close(e.parted.syncs)
	e.parted.mu.Unlock()
	e.parted.wg.Wait()
	if e.sandboxSub != nil {
		e.sandboxSub.Close()
	}
}

// inWork is the inbound lanes' work with partitions: an event of a user
// this instance no longer owns leaves the local lane unprocessed (it
// stays in the store for the new owner).
func (e *Engine) inWork(key string, ref inRef) bool {
	return e.ownedWork(key, false, e.parted.in, ref.seq, func() bool { return e.processInbound(key, ref) })
}

// outWork is inWork for the outbound lanes. A send made here whose
// outcome is held (its write failed, or a read receipt waits for a
// reply's write) is written whoever owns the user now: a hand-over waits
// for that write (Busy), and without it the next owner would find the
// message pending and send it again.
func (e *Engine) outWork(key string, seq uint64) bool {
	if _, held := e.heldOutcomes.Load(seq); held {
		return e.ownedWork(laneUser(key), true, e.parted.out, seq, func() bool {
			// Only the write: gone from the held outcomes meanwhile, the
			// item was removed with a reply's write (receiptWritten).
			done, held := e.recordHeld(seq)
			return done || !held
		})
	}
	return e.ownedWork(laneUser(key), false, e.parted.out, seq, func() bool { return e.processOutbound(key, seq) })
}

// ownedWork runs work, the item seq of set, if this instance owns user
// or anyway. The work is counted (Busy) before ownership is asked, not
// after: a partition is given up by first making Owns false and then
// waiting while Busy, so one of the two sees the other. Counted after, a
// worker could find the user owned, the partition be given up (Busy
// false) and taken, and the worker then send beside the new owner, which
// reads the item still pending and sends it again.
func (e *Engine) ownedWork(user string, anyway bool, set map[uint64]bool, seq uint64, work func() bool) bool {
	e.working(user, 1)
	defer e.working(user, -1)
	if !anyway && !e.part.Owns(user) {
		e.unqueue(set, seq)
		return true
	}
	done := work()
	if done {
		e.unqueue(set, seq)
	}
	return done
}

func (e *Engine) working(user string, d int) {
	e.parted.mu.Lock()
	defer e.parted.mu.Unlock()
	e.parted.working[user] += d
	if e.parted.working[user] <= 0 {
		delete(e.parted.working, user)
	}
}

// mark records seq as queued in set; false when it was already.
func (e *Engine) mark(set map[uint64]bool, seq uint64) bool {
	e.parted.mu.Lock()
	defer e.parted.mu.Unlock()
	if set[seq] {
		return false
	}
	set[seq] = true
	return true
}

func (e *Engine) unqueue(set map[uint64]bool, seq uint64) {
	e.parted.mu.Lock()
	delete(set, seq)
	e.parted.mu.Unlock()
}

// enqueueIn puts inbound event seq of lane in the lane, in sequence
// order, unless it is there already; item is the event as the store
// gave it (see inRef.item).
func (e *Engine) enqueueIn(lane string, seq uint64, item *InboxItem) {
	if !e.mark(e.parted.in, seq) {
		return
	}
	e.inbox.Insert(lane, inRef{seq: seq, attempts: new(int), item: item}, func(a, b inRef) bool { return a.seq < b.seq })
}

// enqueueOut puts outbox item it in its lane, in sequence order, unless
// it is there already.
func (e *Engine) enqueueOut(it *store.OutboxItem) {
	if !e.mark(e.parted.out, it.Seq) {
		return
	}
	e.outbox.insert(it)
}

// routeOut takes an outbox item just committed: the owner of the user's
// partition queues it, another instance tells the owner.
func (e *Engine) routeOut(it *store.OutboxItem) {
	if !e.part.Owns(it.User) {
		e.part.Notify(it.User, "")
		return
	}
	e.enqueueOut(it)
}

// queueIn takes the lanes of inbound events just committed, each lane's
// with the mark of its commit: the owner reads each user's pending
// events (so that an event committed earlier by another instance, whose
// notification is still on its way, is not overtaken: a later event
// applied first would make the user's cursor skip it; it is in the
// scope before the mark), another instance tells the owner.
func (e *Engine) queueIn(lanes []string, at store.Mark) {
	for _, l := range lanes {
		if e.part.Owns(l) {
			e.WakeAt(l, at)
		} else {
			e.part.Notify(l, at)
		}
	}
}

// Wake is a notification that user has work: when this instance owns the
// user, the user's pending inbound events and outbox items are read and
// queued in order (soon, by a worker; Wake does not block). For
// cluster.PartitionWork.
func (e *Engine) Wake(user string) { e.WakeAt(user, "") }

// WakeAt is Wake for the work of a commit whose mark is at (empty: not
// known): the read sees at least that commit, from the nearest copy
// that has it. Two notifications of one user that wait together with
// different marks read the newest state (ReadIn), which has both.
func (e *Engine) WakeAt(user string, at store.Mark) {
	if e.parted == nil || !e.part.Owns(user) {
		return
	}
	e.parted.mu.Lock()
	defer e.parted.mu.Unlock()
	if e.parted.stopped {
		return
	}
	if was, ok := e.parted.pending[user]; ok {
		if was != at {
			e.parted.pending[user] = ""
		}
		return
	}
	select {
	case e.parted.syncs <- user:
		e.parted.pending[user] = at
	default:
		// Full: the partition's rescan finds the work.
		e.log.Warn().Msg("too many notifications waiting; the partition's rescan will find this one's work")
	}
}

// syncUser reads user's pending inbound events and outbox items and
// queues those the lanes do not hold, in sequence order: at least as
// far as the commit whose mark is at, from the nearest copy that has
// it (ReadIn's newest state when at is empty).
func (e *Engine) syncUser(user string, at store.Mark) {
	if !e.part.Owns(user) {
		return
	}
	ctx := e.ctx // ends at Close: what is left is read by the next owner
	var ins []inEv
	var outs []store.OutboxItem
	err := e.db.ReadAt(ctx, store.UserScope(user), at, func(r store.Reader) error {
		ins, outs = ins[:0], outs[:0]
		// Both scans in one request on a cluster (store.Ahead).
		var reads store.Ahead
		reads.PendingInbox()
		reads.PendingOutbox()
		store.Prefetch(r, &reads)
		if err := store.EachPendingInbox(ctx, r, func(seq uint64, it InboxItem, bad error) error {
			if bad == nil && it.lane() == user {
				ins = append(ins, inEv{user, seq, &it})
			}
			return nil
		}); err != nil {
			return err
		}
		return store.EachPendingOutbox(ctx, r, func(seq uint64, it store.OutboxItem, bad error) error {
			if bad == nil && it.User == user {
				outs = append(outs, it)
			}
			return nil
		})
	})
	if err != nil && e.ctx.Err() != nil {
		return // stopping
	}
	if err != nil {
		e.log.Error().Err(err).Msg("read a user's pending work after a notification; the partition's rescan will find it")
		return
	}
	for _, ev := range ins {
		e.enqueueIn(ev.lane, ev.seq, ev.item)
	}
	for i := range outs {
		e.enqueueOut(&outs[i])
	}
}

// inEv is a pending inbound event as a read of the store found it.
type inEv struct {
	lane string
	seq  uint64
	item *InboxItem
}

// Adopt queues the pending inbound events and outbox items that read
// finds (the records of one partition) for the users this instance
// owns, skipping those the lanes hold already: what a new owner of a
// partition runs, and its periodic rescan. For cluster.PartitionWork.
func (e *Engine) Adopt(read func(fn func(r store.Reader) error) error) (in, out int, err error) {
	if e.parted == nil {
		return 0, 0, nil
	}
	ctx := storeCtx()
	var ins []inEv
	var outs []store.OutboxItem
	err = read(func(r store.Reader) error {
		ins, outs = ins[:0], outs[:0]
		if err := store.EachPendingInbox(ctx, r, func(seq uint64, it InboxItem, bad error) error {
			if bad != nil {
				e.log.Error().Err(bad).Uint64("seq", seq).Msg("unreadable inbox entry skipped")
				return nil
			}
			ins = append(ins, inEv{it.lane(), seq, &it})
			return nil
		}); err != nil {
			return err
		}
		return store.EachPendingOutbox(ctx, r, func(seq uint64, it store.OutboxItem, bad error) error {
			if bad != nil {
				e.log.Error().Err(bad).Uint64("seq", seq).Msg("unreadable outbox entry skipped")
				return nil
			}
			outs = append(outs, it)
			return nil
		})
	})
	if err != nil {
		return 0, 0, err
	}
	for _, ev := range ins {
		if e.part.Owns(ev.lane) {
			e.enqueueIn(ev.lane, ev.seq, ev.item)
			in++
		}
	}
	for i := range outs {
		if e.part.Owns(outs[i].User) {
			e.enqueueOut(&outs[i])
			out++
		}
	}
	return in, out, nil
}

// Busy reports whether an inbound event or a send of a user for whom
// match holds is in progress here, or a send of theirs WhatsApp accepted
// whose outcome is still to be written (held in memory): a partition
// given up before that write lands would have its next owner send the
// message again. For cluster.PartitionWork.
func (e *Engine) Busy(match func(user string) bool) bool {
	held := false
	e.heldOutcomes.Range(func(_, v any) bool {
		held = match(v.(*heldOutcome).it.User)
		return !held
	})
	if held || e.parted == nil {
		return held
	}
	e.parted.mu.Lock()
	defer e.parted.mu.Unlock()
	for u := range e.parted.working {
		if match(u) {
			return true
		}
	}
	return false
}

// publishSandbox sends a sandbox message's replies to the instance whose
// chat waits for them.
func (e *Engine) publishSandbox(id string, replies []whatsapp.Outbound) {
	b, err := json.Marshal(sandboxReplies{ID: id, Replies: replies})
	if err == nil {
		err = e.bus.Publish(context.Background(), SandboxTopic, b)
	}
	if err != nil {
		e.log.Warn().Err(err).Msg("sandbox replies not published to the other instances")
	}
}
