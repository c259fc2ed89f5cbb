package bot

import (
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// A read receipt goes out on a lane of its own, beside the reply to the
// same message (sendLanes). Removing it from the outbox once sent is a
// write of its own in its person's scope: on a cluster one replicated
// stream write per message, for a record that only says "mark this
// read". When the person's reply is still queued or being sent on this
// instance as the receipt finishes, the receipt's outcome is held in
// memory instead (as an outcome whose write failed is, finish) and the
// reply's write removes the receipt with it (recordOutcome): one commit
// instead of two. The receipt's lane looks again after receiptFoldWait
// and writes the removal alone if no reply's write took it by then (the
// reply waits for a paused number, backs off, or failed to be written).
//
// What a crash does is unchanged: until a write removes it the receipt
// stays in the store and the next owner of the person's partition sends
// it again, as it would a receipt whose removal was under way; marking a
// message read twice is harmless. The partition is busy while the
// receipt is held (Busy), so a handover waits for the removal as it
// waits for any held outcome.

// receiptFoldWait is how long a sent receipt waits for a reply's write
// to remove it: a reply's send takes one Graph API round trip (about
// 150 ms median, 600 ms at p99 in the benchmarks' model).
const receiptFoldWait = 500 * time.Millisecond

// foldReceipt holds the outcome of the read receipt it for a reply's
// write, when a reply of the same person is in this instance's lanes,
// and reports whether it did; its lane then looks at it again after
// receiptFoldWait.
func (e *Engine) foldReceipt(it *store.OutboxItem, res *whatsapp.SendResult, sendErr error) bool {
	if it.ReadID == "" || e.outbox == nil || !e.outbox.msgs.Holds(it.User) {
		return false
	}
	h := &heldOutcome{it: *it, res: res, sendErr: sendErr, folded: true}
	if _, loaded := e.receiptFolds.LoadOrStore(it.User, h); loaded {
		return false // one receipt per person waits; the next is written alone
	}
	e.heldOutcomes.Store(it.Seq, h)
	key := readKey(it.User)
	wait := receiptFoldWait
	if e.cfg.receiptFoldWait > 0 {
		wait = e.cfg.receiptFoldWait
	}
	time.AfterFunc(wait, func() { e.wakeOut.Wake(key) })
	return true
}

// foldedReceipt is the sent receipt of user that waits for a reply's
// write, or nil.
func (e *Engine) foldedReceipt(user string) *heldOutcome {
	v, ok := e.receiptFolds.Load(user)
	if !ok {
		return nil
	}
	return v.(*heldOutcome)
}

// receiptWritten ends the wait of receipt h once a write removed it: its
// lane, woken, finds nothing held and the item gone.
func (e *Engine) receiptWritten(h *heldOutcome) {
	e.receiptFolds.CompareAndDelete(h.it.User, h)
	if e.heldOutcomes.CompareAndDelete(h.it.Seq, h) {
		e.wakeOut.Wake(readKey(h.it.User))
	}
}
