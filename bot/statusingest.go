package bot

import (
	"context"
	"errors"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// A delivery status is applied in the write that ingests it when that
// gives the same result as storing it and applying it from the inbox:
// it saves a status its own commit (and the inbox event's number) on
// its partition's owner. A processed message costs two statuses (sent,
// delivered); on a cluster each commit is a replicated stream write.
//
// It is the same result when the status is the next thing its lane
// would do and the write can do all the status does:
//   - nothing of its lane waits before it: no event in the inbox (one
//     being processed stays there until its write), none stored earlier
//     in this write. One process knows from its lanes, which hold every
//     pending event once Start has queued those left in the store
//     (ingest is their only other source, and it is this goroutine);
//     with several instances the write reads its lane's inbox, in the
//     person's scope, so that a commit to the lane in between refuses
//     this one;
//   - it is not "failed": a failed status enters the send policy, which
//     may pause a number in this instance's send step; it stays with
//     the owner of the lane, as before;
//   - the engine knows the message: an outbox item named by the
//     callback data or a sent reference. A status that comes before its
//     send is recorded waits in the inbox as it did, and is applied
//     when the send may be recorded;
//   - what follows its commit can be done here: a settled item's lane
//     is woken only by its owner (applyStatusEvent says which).
//
// The same function applies the status either way (applyStatusEvent),
// and the event's dedupe marker is in the same write: a status is
// applied once, and a crash before the commit leaves the webhook
// unanswered, so that Meta delivers it again.

// errStatusLater ends a lane's ingest write whose status began to be
// applied and cannot be: the write runs again with the status stored in
// the inbox instead.
var errStatusLater = errors.New("status is applied from the inbox")

// appliedStatus is a status applied by an ingest write, with what is
// left to do after the commit.
type appliedStatus struct {
	item *InboxItem
	fx   statusEffects
}

// statusAtIngest reports whether status event it may be applied in the
// ingest write w of its lane; earlier says whether an earlier event of
// the lane was stored in the inbox by this write. A failed read says no:
// the event is stored in the inbox as before.
func (e *Engine) statusAtIngest(ctx context.Context, w store.Writer, it *InboxItem, earlier bool) bool {
	st := it.Status
	if earlier || !e.mayApplyAtIngest(st) {
		return false
	}
	// The message first: a status that overtook the answer to its send
	// is common under load, and costs one read to recognise.
	if _, _, ok := parseOutboxCallback(st.BizOpaqueCallbackData); !ok {
		if _, err := store.GetSentRef(ctx, w, st.ID); err != nil {
			return false
		}
	}
	idle, err := e.laneIdle(ctx, w, it.lane())
	return err == nil && idle
}

// mayApplyAtIngest reports whether status st may be applied in its
// ingest write as far as the status alone says (see statusAtIngest).
func (e *Engine) mayApplyAtIngest(st *whatsapp.Status) bool {
	return !e.cfg.statusesViaInbox && e.started.Load() && st.Status != store.StatusFailed
}

// readsAhead names what the ingest write of a lane's events is about to
// read (store.Ahead): each event's dedupe marker and, for a status it
// may apply (statusAtIngest), the message the status is about (its
// outbox item, its sent reference) and the lane's inbox. On a cluster
// they are then one request of the write instead of one each, about
// three fewer per status. later says which events go to the inbox
// whatever they are.
func (e *Engine) readsAhead(events []ingestEvent, later []bool) *store.Ahead {
	var a store.Ahead
	inbox := false
	for k, ev := range events {
		if ev.dedupe != "" {
			a.Seen(ev.dedupe)
		}
		if later[k] || ev.item.Kind != "status" || !e.mayApplyAtIngest(ev.item.Status) {
			continue
		}
		st := ev.item.Status
		if seq, _, ok := parseOutboxCallback(st.BizOpaqueCallbackData); ok {
			a.OutboxItem(seq)
		}
		a.SentRef(st.ID)
		if e.part != nil && !inbox {
			a.PendingInbox()
			inbox = true
		}
	}
	return &a
}

// laneIdle reports whether no inbound event of lane waits or is being
// processed.
func (e *Engine) laneIdle(ctx context.Context, r store.Reader, lane string) (bool, error) {
	if e.part == nil {
		return !e.inbox.Holds(lane), nil
	}
	idle := true
	err := store.EachPendingInbox(ctx, r, func(_ uint64, it InboxItem, bad error) error {
		if bad != nil || it.lane() == lane {
			idle = false
			return store.ErrStop
		}
		return nil
	})
	return idle, err
}

// applyAtIngest applies status event it within the ingest write w, or
// returns errStatusLater when what follows its commit cannot be done by
// this instance or applying it failed (the inbox's retries and its dead
// letters then take it, as before).
func (e *Engine) applyAtIngest(ctx context.Context, w store.Writer, it *InboxItem) (appliedStatus, error) {
	fx, err := e.applyStatusEvent(ctx, w, it.Status, e.now())
	if err != nil {
		e.log.Debug().Err(err).Msg("status not applied at ingest; it waits in the inbox")
		return appliedStatus{}, errStatusLater
	}
	if fx.wake != "" && e.part != nil && !e.part.Owns(fx.wake) {
		return appliedStatus{}, errStatusLater
	}
	return appliedStatus{item: it, fx: fx}, nil
}

// statusesApplied runs what follows the commit of the statuses an
// ingest write applied.
func (e *Engine) statusesApplied(done []appliedStatus) {
	for _, a := range done {
		e.statusCommitted(a.item.Status, a.fx)
		e.obs.Processed(a.item.Kind, e.now().Sub(a.item.ReceivedAt))
	}
}

// A status applied at ingest that changes nothing (the "sent" of a reply
// whose send already recorded it as sent, a "delivered" after the
// "read") stores nothing, not even its dedupe marker, so that its write
// commits nothing: on a cluster that is one replicated stream write less
// per reply. The marker is not needed: a redelivery of such a status
// finds the same state or a later one, and statuses only move forward
// (store.AdvanceStatus), so it changes nothing either. The one state
// that moves back, a reply queued again after a failed status, was sent
// under a new id; a late status of the old id is applied like any status
// arriving out of order.

// heldSet keeps the Set calls made through it (MarkSeen's marker) until
// release writes them to the transaction below.
type heldSet struct {
	store.Writer
	sets []heldRecord
}

type heldRecord struct {
	key   store.Key
	value []byte
	ttl   time.Duration
}

func (h *heldSet) Set(key store.Key, value []byte, ttl time.Duration) error {
	h.sets = append(h.sets, heldRecord{key, value, ttl})
	return nil
}

// release writes what was held; a nil heldSet holds nothing.
func (h *heldSet) release() error {
	if h == nil {
		return nil
	}
	for _, r := range h.sets {
		if err := h.Writer.Set(r.key, r.value, r.ttl); err != nil {
			return err
		}
	}
	h.sets = nil
	return nil
}

// countedWriter counts the changes made through it.
type countedWriter struct {
	store.Writer
	writes int
}

func (c *countedWriter) Set(key store.Key, value []byte, ttl time.Duration) error {
	c.writes++
	return c.Writer.Set(key, value, ttl)
}

func (c *countedWriter) Delete(key store.Key) error {
	c.writes++
	return c.Writer.Delete(key)
}

func (c *countedWriter) NextSeq(name string) (uint64, error) {
	c.writes++
	return c.Writer.NextSeq(name)
}
