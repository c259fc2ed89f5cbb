package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// processOutbound sends one queued message. It returns false to leave the
// message at the head of its user's lane (paced, backing off, or the
// sending number paused), which keeps the user's replies in order.
func (e *Engine) processOutbound(key string, it *store.OutboxItem) bool {
	now := e.now()
	if wait := it.NotBefore.Sub(now); wait > 0 {
		time.AfterFunc(wait, func() { e.outbox.Wake(key) })
		return false
	}
	if until := e.pacer.PausedUntil(it.PhoneNumberID); until.After(now) {
		time.AfterFunc(until.Sub(now), func() { e.outbox.Wake(key) })
		return false
	}
	if it.ReadID != "" {
		release, ok, ret := e.holdForSend(key, it)
		defer release()
		if !ok {
			return ret
		}
		// A read receipt is not a message: WhatsApp's throughput limit
		// counts messages, so receipts do not wait for the number's budget.
		err := e.sender.MarkRead(sendCtx, it.PhoneNumberID, it.ReadID, false)
		if err != nil && e.retryLater(key, it, err) {
			return false
		}
		// A read receipt that keeps failing is not worth holding replies back for.
		e.finish(it, nil, err)
		return true
	}

	var msg whatsapp.Outbound
	if err := json.Unmarshal(it.Message, &msg); err != nil {
		e.log.Error().Err(err).Uint64("seq", it.Seq).Msg("unreadable outbox message dropped")
		e.finish(it, nil, err)
		return true
	}
	if msg.Kind != "template" && !it.WindowUntil.IsZero() && now.After(it.WindowUntil) {
		if e.toTemplate(it) {
			return e.processOutbound(key, it)
		}
		e.finish(it, nil, errWindowClosed)
		return true
	}
	if err := e.pacer.Wait(e.ctx, it.PhoneNumberID, pace.Conversation); err != nil {
		return false // shutting down; the item stays in the store
	}
	release, ok, ret := e.holdForSend(key, it)
	defer release()
	if !ok {
		return ret
	}
	start := time.Now()
	res, err := e.sender.Send(sendCtx, it.PhoneNumberID, msg)
	e.obs.SendAttempt(it.PhoneNumberID, err == nil, errorCode(err), time.Since(start))
	if err != nil {
		var se *whatsapp.SendError
		if errors.As(err, &se) && se.Action == whatsapp.ActionNeedsTemplate && msg.Kind != "template" && e.toTemplate(it) {
			release()
			return e.processOutbound(key, it)
		}
		if e.retryLater(key, it, err) {
			return false
		}
		e.finish(it, nil, err)
		return true
	}
	e.pacer.Success(it.PhoneNumberID)
	e.finish(it, &res, nil)
	return true
}

// holdForSend holds the person's lock against an erasure and says whether
// the message is still in the durable outbox. A message queued in memory
// whose person was erased meanwhile is gone from the store and must not
// leave; one whose send has begun is finished before the erasure runs.
// When ok is false the message must not leave now, and ret is what
// processOutbound returns: true when it is gone, false to look again later.
func (e *Engine) holdForSend(key string, it *store.OutboxItem) (release func(), ok, ret bool) {
	release = e.people.Shared(it.User)
	live := false
	err := e.db.View(func(tx *store.Txn) error {
		var err error
		live, err = tx.Has(store.OutboxKey(it.Seq))
		return err
	})
	if err != nil {
		// The store cannot say: keep the message queued and look again
		// later rather than send what may have been erased.
		e.log.Error().Err(err).Uint64("seq", it.Seq).Msg("check outbox before sending")
		release()
		time.AfterFunc(time.Second, func() { e.outbox.Wake(key) })
		return func() {}, false, false
	}
	if !live {
		e.log.Debug().Uint64("seq", it.Seq).Msg("message left the outbox before it was sent (erased); dropped")
		return release, false, true
	}
	return release, true, false
}

// HoldPerson waits for a send to user already under way and keeps new
// ones from starting until the returned func is called: an erasure runs in
// between, so that nothing queued for the person leaves afterwards.
func (e *Engine) HoldPerson(user string) (release func()) { return e.people.Exclusive(user) }

// sendCtx is not cancelled at shutdown: a send that has started is
// finished (the client has its own timeout), because a cancelled request
// may still have reached WhatsApp and would be sent again at the next start.
var sendCtx = context.Background()

// errorCode is the WhatsApp error code of a send error, or 0.
func errorCode(err error) int {
	var se *whatsapp.SendError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

var errWindowClosed = errors.New("24-hour customer service window closed and no re-engagement template configured")

// toTemplate swaps a free-form message for the re-engagement template.
func (e *Engine) toTemplate(it *store.OutboxItem) bool {
	if e.cfg.ReengageTemplate == nil {
		return false
	}
	tpl := *e.cfg.ReengageTemplate
	b, err := json.Marshal(whatsapp.Outbound{To: it.User, Kind: "template", Template: &tpl})
	if err != nil {
		return false
	}
	it.Message = b
	it.WindowUntil = time.Time{}
	return true
}

// retryLater decides whether err is worth another try; if so it persists
// the attempt and schedules the lane to wake after the backoff.
func (e *Engine) retryLater(key string, it *store.OutboxItem, err error) bool {
	if e.ctx.Err() != nil {
		return true // shutting down mid-send: leave it queued for the next start
	}
	action := whatsapp.ActionRetry
	var se *whatsapp.SendError
	if errors.As(err, &se) {
		action = se.Action
	}
	now := e.now()
	switch action {
	case whatsapp.ActionAlertAdmin:
		// Account or token trouble: keep everything queued, stop this
		// number for a while, and say so loudly.
		e.log.Error().Err(err).Str("phone_number_id", it.PhoneNumberID).Msg("ALERT: sending stopped for this number; an admin must act")
		e.pacer.Pause(it.PhoneNumberID, now.Add(whatsapp.NumberPause))
		time.AfterFunc(whatsapp.NumberPause, func() { e.outbox.Wake(key) })
		return true
	case whatsapp.ActionThrottleNumber:
		e.pacer.SlowDown(it.PhoneNumberID)
	case whatsapp.ActionRetry, whatsapp.ActionBackoffRecipient:
	default:
		return false
	}
	it.Attempts++
	if it.Attempts >= e.cfg.MaxAttempts {
		return false
	}
	delay := e.cfg.Backoff(action, it.Attempts)
	if se != nil {
		delay = max(delay, se.RetryAfter())
	}
	it.NotBefore = now.Add(delay)
	if perr := e.db.Update(func(tx *store.Txn) error { return tx.SetJSON(store.OutboxKey(it.Seq), it, 0) }); perr != nil {
		e.log.Error().Err(perr).Msg("persist retry")
	}
	e.log.Warn().Err(err).Uint64("seq", it.Seq).Int("attempt", it.Attempts).Dur("backoff", delay).Msg("send failed, will retry")
	time.AfterFunc(delay, func() { e.outbox.Wake(key) })
	return true
}

// finish removes a message from the outbox and records how it ended.
func (e *Engine) finish(it *store.OutboxItem, res *whatsapp.SendResult, sendErr error) {
	if sendErr != nil && it.ReadID == "" {
		e.obs.SendFailed(it.PhoneNumberID, errorCode(sendErr))
		e.log.Warn().Err(sendErr).Uint64("seq", it.Seq).Str("to", whatsapp.MaskPhone(it.User)).Msg("message not sent")
	}
	err := e.db.Update(func(tx *store.Txn) error {
		if err := tx.Delete(store.OutboxKey(it.Seq)); err != nil {
			return err
		}
		if it.TranscriptSeq == 0 {
			return nil
		}
		key := store.TranscriptKey(it.User, it.TranscriptSeq)
		var entry store.Entry
		if err := tx.GetJSON(key, &entry); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			return err
		}
		if res != nil {
			entry.MessageID = res.MessageID
			entry.Status, _ = store.AdvanceStatus(entry.Status, store.StatusSent)
			if err := tx.SetJSON(store.SentKey(res.MessageID), store.SentRef{User: it.User, Seq: it.TranscriptSeq}, store.SentRefTTL); err != nil {
				return err
			}
		} else {
			entry.Status = store.StatusFailed
			entry.Error = sendErr.Error()
			var se *whatsapp.SendError
			if errors.As(sendErr, &se) {
				entry.ErrorCode = se.Code
				if se.Action == whatsapp.ActionRecipientFailed {
					if _, err := store.MarkUnreachable(tx, it.User, se.Code, e.now()); err != nil {
						return err
					}
				}
			}
		}
		return tx.SetJSON(key, entry, 0)
	})
	if err != nil {
		e.log.Error().Err(err).Uint64("seq", it.Seq).Msg("record send result")
	}
	e.emit(Event{Kind: "reply", User: it.User, At: e.now()})
}
