package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lifeline/bot/outgoing"
	"lifeline/bot/pace"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// processOutbound sends the outbox item seq. The lane holds only the
// item's identity: the stored item is read here, each time the lane looks
// at it, so whatever happened to it meanwhile wins (the person erased, a
// reply cancelled, a status webhook that settled or rescheduled it). It
// returns false to leave the item at the head of its user's lane (paced,
// backing off, waiting for the status of a send whose outcome is unknown,
// or the sending number paused), which keeps the user's replies in order.
func (e *Engine) processOutbound(key string, seq uint64) bool {
	if done, held := e.recordHeld(seq); held {
		return done
	}
	// The person's hold is taken before the read, so that the read is
	// also holdForSend's look at the durable outbox: one leader read per
	// send instead of two. An erasure waits for the hold (HoldPerson), so
	// what the read found is still what the store has when the message
	// leaves, as when holdForSend read it again.
	user := laneUser(key)
	release := e.people.Shared(user)
	it, gone, err := e.loadOutbox(user, seq)
	if err != nil && e.ctx.Err() != nil {
		release()
		return false // stopping: the item stays in the store
	}
	if err != nil {
		// The store cannot say: look again later rather than send what
		// may have been erased.
		release()
		e.log.Error().Err(err).Uint64("seq", seq).Msg("read outbox item before sending")
		time.AfterFunc(time.Second, func() { e.wakeOut.Wake(key) })
		return false
	}
	if gone {
		release()
		e.log.Debug().Uint64("seq", seq).Msg("message left the outbox before it was sent (settled, cancelled or erased)")
		return true
	}
	if it.User != user {
		release() // held for another person: holdForSend reads again
		return e.sendOutbound(key, &it, nil)
	}
	return e.sendOutbound(key, &it, release)
}

// loadOutbox reads user's outbox item seq; gone when it left the outbox.
// The item is kept in its user's scope: read there, so that a backend
// keeping records by scope looks in one scope, not in every scope. The
// read ends at Close (e.ctx): nothing is sent yet, and a read waiting on
// a JetStream leader election would hold the stop up.
func (e *Engine) loadOutbox(user string, seq uint64) (it store.OutboxItem, gone bool, err error) {
	ctx := e.ctx
	err = e.db.ReadIn(ctx, store.UserScope(user), func(r store.Reader) error {
		var err error
		it, err = store.GetOutboxItem(ctx, r, seq)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return it, true, nil
	}
	return it, false, err
}

// sendOutbound takes the stored item it through the send step, or leaves
// it at the head of its lane (see processOutbound). Changes to it that
// are not persisted here (the re-engagement template) are made again
// from the stored item the next time the lane looks at it.
//
// held, when not nil, releases the person's hold under which it was read
// from the store (processOutbound): holdForSend takes it over instead of
// reading again. sendOutbound releases it on every path; a path that
// waits on something slow (an upload) or starts over releases it first
// and reads again.
func (e *Engine) sendOutbound(key string, it *store.OutboxItem, held func()) bool {
	defer func() {
		if held != nil {
			held()
		}
	}()
	drop := func() {
		if held != nil {
			held()
			held = nil
		}
	}
	now := e.now()
	if wait := it.NotBefore.Sub(now); wait > 0 {
		time.AfterFunc(wait, func() { e.wakeOut.Wake(key) })
		return false
	}
	// A paused number parks the lane rather than holding a worker that
	// serves other numbers in the step's Wait.
	if until := e.out.PausedUntil(it.PhoneNumberID); until.After(now) {
		time.AfterFunc(until.Sub(now), func() { e.wakeOut.Wake(key) })
		return false
	}
	if it.ReadID != "" {
		release, ok, ret := e.holdForSend(key, it, &held)
		defer release()
		if !ok {
			return ret
		}
		o := e.out.MarkRead(e.sends.Context(), e.policy, it.PhoneNumberID, it.ReadID, it.Attempts)
		if o.Unsent {
			return false // stopping: the receipt stays in the store
		}
		if o.Err != nil {
			if kept, _ := e.retryLater(key, it, o); kept {
				return false
			}
		}
		// A read receipt that keeps failing is not worth holding replies back for.
		return e.finish(it, nil, o.Err)
	}

	var msg whatsapp.Outbound
	if err := json.Unmarshal(it.Message, &msg); err != nil {
		e.log.Error().Err(err).Uint64("seq", it.Seq).Msg("unreadable outbox message dropped")
		return e.finish(it, nil, err)
	}
	if msg.Kind != whatsapp.KindTemplate && !it.WindowUntil.IsZero() && now.After(it.WindowUntil) {
		if e.toTemplate(it, now) {
			drop()
			return e.sendOutbound(key, it, nil)
		}
		return e.finish(it, nil, errWindowClosed)
	}
	if m := msg.Media; m != nil && m.ID == "" && m.Link == "" && m.SHA256 != "" {
		// A kept file (an FAQ answer's attachment): its media id is the
		// sending number's, uploaded once and reused while valid. An
		// erasure is not held up by the upload: holdForSend reads again.
		drop()
		if e.files == nil {
			err := fmt.Errorf("file %.12s…: no uploader to send it with", m.SHA256)
			done := e.finish(it, nil, err)
			e.attachmentFailed(it, &msg, err)
			return done
		}
		if e.sends.Context().Err() != nil {
			return false // stopping: the message stays in the store
		}
		id, err := e.files.MediaID(e.sends.Context(), it.PhoneNumberID, m.SHA256, msg.Kind)
		if err != nil {
			kept, final := e.uploadFailed(key, it, err)
			switch {
			case kept:
				return false
			case final == nil:
				return e.sendOutbound(key, it, nil) // the message changed (the re-engagement template)
			}
			err = final
			e.log.Warn().Err(err).Uint64("seq", it.Seq).Msg("attachment not sent")
			err = fmt.Errorf("upload file %.12s…: %w", m.SHA256, err)
			done := e.finish(it, nil, err)
			e.attachmentFailed(it, &msg, err)
			return done
		}
		m.ID = id
	}
	release, ok, ret := e.holdForSend(key, it, &held)
	defer release()
	if !ok {
		return ret
	}
	// The permit comes after the look at the record (a JetStream read on
	// a cluster), so that the request leaves while it is live; Send takes
	// another if it is void by then (outgoing.Permit). A pause that began
	// since the check above parks the lane rather than hold the person.
	if until := e.out.PausedUntil(it.PhoneNumberID); until.After(e.now()) {
		time.AfterFunc(until.Sub(e.now()), func() { e.wakeOut.Wake(key) })
		return false
	}
	permit, err := e.out.Wait(e.ctx, it.PhoneNumberID, pace.Conversation)
	if err != nil {
		return false // shutting down; the item stays in the store
	}
	if !it.UnknownSince.IsZero() {
		e.log.Warn().Uint64("seq", it.Seq).Time("unknown_since", it.UnknownSince).
			Msg("no status webhook settled a send whose outcome was unknown; sending again")
		it.UnknownSince = time.Time{}
	}
	if msg.CallbackData == "" {
		// Names the outbox item in the status webhooks, so a send whose
		// answer was lost is settled by its status instead of repeated.
		msg.CallbackData = outboxCallback(it)
	}
	o := e.out.Send(e.sends.Context(), e.policy, outgoing.Attempt{Phone: it.PhoneNumberID, Msg: msg, Kind: kindOf(it), Failed: it.Attempts, Permit: permit})
	if o.Unsent {
		return false // shutting down before the request left; the item stays in the store
	}
	if o.Err == nil {
		return e.finish(it, &o.Result, nil)
	}
	if wamid := e.settledEarly(it, o.Err); wamid != "" {
		e.out.Recovered(it.PhoneNumberID)
		return e.finish(it, &whatsapp.SendResult{MessageID: wamid}, nil)
	}
	kept, final := e.retryLater(key, it, o)
	switch {
	case kept && !it.UnknownSince.IsZero():
		// Held for its status. A status applied after the look above but
		// before the hold was stored found nothing held and only put its
		// wamid on the transcript entry: look again now that the hold is
		// stored. A status applied later finds the hold and settles it,
		// so one of the two always does.
		if wamid := e.settledEarly(it, o.Err); wamid != "" {
			e.out.Recovered(it.PhoneNumberID)
			return e.finish(it, &whatsapp.SendResult{MessageID: wamid}, nil)
		}
		return false
	case kept:
		return false
	case final == nil:
		// The message changed (the re-engagement template): at once.
		release()
		return e.sendOutbound(key, it, nil)
	}
	done := e.finish(it, nil, final)
	if keptFile(&msg) {
		e.attachmentFailed(it, &msg, final)
	}
	return done
}

// uploadFailed decides a failed upload of an attachment by the send
// policy, like a failed send of the message it belongs to: the Graph
// API's 5xx, 429 and timeouts are retried with the same backoff, pause
// and window rules (the answer's text went out before it, in its own
// item, whatever becomes of the file). An error that is not the Graph
// API's (the file is no longer kept, or is over a limit) is final. A
// timeout is retried rather than held for a status: no status follows
// an upload, and uploading again costs only the upload.
func (e *Engine) uploadFailed(key string, it *store.OutboxItem, err error) (kept bool, final error) {
	var se *whatsapp.SendError
	if !errors.As(err, &se) {
		return false, err
	}
	decided := err
	if se.Timeout {
		c := *se
		c.Timeout = false
		decided = &c
	}
	now := e.now()
	d := e.policy.Decide(decided, it.Attempts+1, kindOf(it))
	e.out.Apply(it.PhoneNumberID, d, now)
	return e.retryLater(key, it, outgoing.Outcome{Err: err, Decision: d, At: now})
}

// settledEarly returns the wamid of a send whose answer was lost when its
// status webhook came in before the answer timed out: the status handler
// put the wamid on the transcript entry. "" when there is none.
func (e *Engine) settledEarly(it *store.OutboxItem, err error) string {
	var se *whatsapp.SendError
	if it.TranscriptSeq == 0 || (errors.As(err, &se) && !se.Timeout) {
		return ""
	}
	ctx := storeCtx()
	var entry store.Entry
	rerr := e.db.Read(ctx, func(r store.Reader) error {
		var err error
		entry, err = store.GetTranscriptEntry(ctx, r, it.User, it.TranscriptSeq)
		return err
	})
	if rerr != nil {
		return ""
	}
	return entry.MessageID
}

// kindOf is the send policy's kind of an outbox item.
func kindOf(it *store.OutboxItem) sendpolicy.Kind {
	switch {
	case it.ReadID != "":
		return sendpolicy.KindReadReceipt
	case it.Agent:
		return sendpolicy.KindAgentReply
	}
	return sendpolicy.KindReply
}

// outboxCallback is the biz_opaque_callback_data of an outbox item:
// o:<seq>, with :<n> for the n-th send again after failed statuses.
func outboxCallback(it *store.OutboxItem) string {
	s := "o:" + strconv.FormatUint(it.Seq, 10)
	if it.Resends > 0 {
		s += ":" + strconv.Itoa(it.Resends)
	}
	return s
}

// parseOutboxCallback reads what outboxCallback wrote.
func parseOutboxCallback(s string) (seq uint64, resends int, ok bool) {
	rest, found := strings.CutPrefix(s, "o:")
	if !found {
		return 0, 0, false
	}
	num, n, hasN := strings.Cut(rest, ":")
	seq, err := strconv.ParseUint(num, 10, 64)
	if err != nil || seq == 0 {
		return 0, 0, false
	}
	if hasN {
		if resends, err = strconv.Atoi(n); err != nil || resends < 0 {
			return 0, 0, false
		}
	}
	return seq, resends, true
}

// holdForSend holds the person's lock against an erasure and says whether
// the message is still in the durable outbox. A message queued in memory
// whose person was erased meanwhile is gone from the store and must not
// leave; one whose send has begun is finished before the erasure runs.
// When ok is false the message must not leave now, and ret is what
// processOutbound returns: true when it is gone, false to look again later.
//
// When *held is not nil, it was read from the store under a hold still
// kept (see sendOutbound): that read is the look, and the hold is taken
// over (*held becomes nil).
func (e *Engine) holdForSend(key string, it *store.OutboxItem, held *func()) (release func(), ok, ret bool) {
	if *held != nil {
		release, *held = *held, nil
		return release, true, false
	}
	release = e.people.Shared(it.User)
	live := false
	ctx := e.ctx // ends at Close, as loadOutbox's read
	err := e.db.ReadIn(ctx, store.UserScope(it.User), func(r store.Reader) error {
		var err error
		live, err = store.HasOutboxItem(ctx, r, it.Seq)
		return err
	})
	if err != nil && e.ctx.Err() != nil {
		release()
		return func() {}, false, false // stopping: the item stays in the store
	}
	if err != nil {
		// The store cannot say: keep the message queued and look again
		// later rather than send what may have been erased.
		e.log.Error().Err(err).Uint64("seq", it.Seq).Msg("check outbox before sending")
		release()
		time.AfterFunc(time.Second, func() { e.wakeOut.Wake(key) })
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

// errorCode is the WhatsApp error code of a send error, or 0.
func errorCode(err error) int {
	var se *whatsapp.SendError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

var errWindowClosed = errors.New("24-hour customer service window closed and no re-engagement template configured")

// toTemplate swaps a free-form message for the re-engagement template,
// which then waits through an outage for the template lifetime.
func (e *Engine) toTemplate(it *store.OutboxItem, now time.Time) bool {
	if e.cfg.ReengageTemplate == nil {
		return false
	}
	tpl := *e.cfg.ReengageTemplate
	b, err := json.Marshal(whatsapp.Outbound{To: it.User, Kind: whatsapp.KindTemplate, Template: &tpl})
	if err != nil {
		return false
	}
	it.Message = b
	it.WindowUntil = time.Time{}
	it.KeepUntil = now.Add(e.cfg.TemplateWait)
	it.Attempts, it.NotBefore, it.UnknownSince = 0, time.Time{}, time.Time{}
	return true
}

// keepUntil is when a message stops being worth keeping through an
// outage: its 24-hour window for free-form messages, the template
// lifetime for templates.
func (e *Engine) keepUntil(it *store.OutboxItem) time.Time {
	if e.isFreeForm(it) {
		if it.WindowUntil.IsZero() {
			return it.CreatedAt.Add(24 * time.Hour)
		}
		return it.WindowUntil
	}
	if !it.KeepUntil.IsZero() {
		return it.KeepUntil
	}
	return it.CreatedAt.Add(e.cfg.TemplateWait)
}

// retryLater applies what the send step decided about a failed send o
// to the message. When the message is kept (retried, waiting through an
// outage, held for its status, or its number paused) it persists the new
// state, arranges the lane's wake-up and returns kept. Otherwise final is
// why the message failed for good, or nil when it became the
// re-engagement template and is to be sent at once. What the decision
// means for the number (a pause, a slow-down, the outage alert) the step
// has done already.
func (e *Engine) retryLater(key string, it *store.OutboxItem, o outgoing.Outcome) (kept bool, final error) {
	now, err, d := e.now(), o.Err, o.Decision
	switch d.Verdict {
	case sendpolicy.PauseNumber:
		// Everything stays queued until the number's pause ends.
		time.AfterFunc(d.PauseFor, func() { e.wakeOut.Wake(key) })
		return true, nil
	case sendpolicy.UseTemplate:
		if e.isFreeForm(it) && e.toTemplate(it, now) {
			return false, nil
		}
		return false, err
	case sendpolicy.Retry, sendpolicy.WaitLong, sendpolicy.HoldForStatus:
	default:
		if d.Alert {
			e.log.Error().Int("code", d.Code).Uint64("seq", it.Seq).Msg("ALERT: the template cannot be sent until an admin acts")
		}
		return false, err
	}
	it.Attempts++
	next := now.Add(d.Delay)
	switch d.Verdict {
	case sendpolicy.WaitLong:
		until := e.keepUntil(it)
		if !until.IsZero() && !now.Before(until) {
			if e.isFreeForm(it) {
				if e.toTemplate(it, now) {
					return false, nil
				}
				return false, fmt.Errorf("%w (sends kept failing until then, last: %v)", errWindowClosed, err)
			}
			return false, fmt.Errorf("still failing after %s, the template lifetime: %w", e.cfg.TemplateWait, err)
		}
		if !until.IsZero() && next.After(until) {
			// Look again when the window closes: the re-engagement
			// template may still go out.
			next = until
		}
	case sendpolicy.HoldForStatus:
		if until := e.keepUntil(it); !until.IsZero() && !now.Before(until) {
			// Held past what the message is worth: the window closed
			// or the template lifetime ended.
			if e.isFreeForm(it) && e.toTemplate(it, now) {
				return false, nil
			}
			return false, fmt.Errorf("outcome unknown and no longer deliverable: %w", err)
		}
		it.UnknownSince = now
	}
	it.NotBefore = next
	ctx := storeCtx()
	if perr := e.db.Write(ctx, store.UserScope(it.User), func(w store.Writer) error { return store.PutOutboxItem(ctx, w, it) }); perr != nil {
		e.log.Error().Err(perr).Msg("persist retry")
	}
	if o.Cut && it.ReadID == "" {
		e.cutSend(it, next.Sub(now))
	} else {
		e.log.Warn().Err(err).Uint64("seq", it.Seq).Int("attempt", it.Attempts).Str("verdict", d.Verdict.String()).
			Dur("backoff", next.Sub(now)).Msg("send failed, will retry")
	}
	time.AfterFunc(next.Sub(now), func() { e.wakeOut.Wake(key) })
	return true, nil
}

// cutSend counts and logs, once, a message whose send was under way when
// the stop's time for sends ended (outgoing.Cutoff): stored as a send in
// flight (UnknownSince), it waits held for its status webhook, and the
// partition's next owner (or the next start) sends it again after that
// only when no status proved it went out, a possible duplicate, as after
// a crash mid-send but with the grace a crash does not leave.
func (e *Engine) cutSend(it *store.OutboxItem, held time.Duration) {
	e.sends.Note()
	e.log.Warn().Uint64("seq", it.Seq).Str("to", whatsapp.MaskPhone(it.User)).Dur("held_for_status", held).
		Msg("send cut by the stop while at the Graph API, outcome unknown: kept in flight for the next owner, which sends it again unless its status proves it went out")
}

// isFreeForm says whether the item is a message other than a template.
func (e *Engine) isFreeForm(it *store.OutboxItem) bool {
	if it.ReadID != "" {
		return false
	}
	var msg whatsapp.Outbound
	return json.Unmarshal(it.Message, &msg) == nil && msg.Kind != whatsapp.KindTemplate
}

// finish removes a message from the outbox and records how it ended. It
// returns false when that record could not be written (a store leader
// election on a cluster, a timeout): the outcome is then held in memory
// and the item stays at the head of its lane, which writes the outcome
// again (recordHeld) rather than send the message again. Only a process
// that dies before the write leaves the item pending, to be sent again
// at the next start or by the partition's next owner.
func (e *Engine) finish(it *store.OutboxItem, res *whatsapp.SendResult, sendErr error) bool {
	if sendErr != nil && it.ReadID == "" {
		e.obs.SendFailed(it.PhoneNumberID, errorCode(sendErr))
		e.log.Warn().Err(sendErr).Uint64("seq", it.Seq).Str("to", whatsapp.MaskPhone(it.User)).Msg("message not sent")
	}
	if e.foldReceipt(it, res, sendErr) {
		e.emit(Event{Kind: "reply", User: it.User, At: e.now()})
		return false
	}
	err := e.recordOutcome(it, res, sendErr)
	e.emit(Event{Kind: "reply", User: it.User, At: e.now()})
	if err == nil {
		return true
	}
	h := &heldOutcome{it: *it, res: res, sendErr: sendErr}
	e.heldOutcomes.Store(it.Seq, h)
	e.retryRecord(h, err)
	return false
}

// heldOutcome is the outcome of a send whose record failed to be written.
type heldOutcome struct {
	it      store.OutboxItem
	res     *whatsapp.SendResult
	sendErr error
	tries   int
	folded  bool // a sent read receipt waiting for a reply's write (receiptfold.go)
}

// recordHeld writes again the held outcome of outbox item seq, if there
// is one (held). done is whether the item is finished: false leaves it at
// the head of its lane until the next try.
func (e *Engine) recordHeld(seq uint64) (done, held bool) {
	v, ok := e.heldOutcomes.Load(seq)
	if !ok {
		return false, false
	}
	h := v.(*heldOutcome)
	if err := e.recordOutcome(&h.it, h.res, h.sendErr); err != nil {
		e.retryRecord(h, err)
		return false, true
	}
	e.heldOutcomes.Delete(seq)
	e.receiptFolds.CompareAndDelete(h.it.User, h)
	if !h.folded || h.tries > 0 {
		e.log.Info().Uint64("seq", seq).Int("tries", h.tries+1).Msg("send result recorded after the store recovered")
	}
	return true, true
}

// retryRecord logs a failed write of h's outcome and wakes its lane to
// try again after a backoff that doubles up to maxRecordBackoff.
func (e *Engine) retryRecord(h *heldOutcome, err error) {
	h.tries++
	wait := minRecordBackoff << min(h.tries-1, 16)
	wait = min(wait, maxRecordBackoff)
	e.log.Error().Err(err).Uint64("seq", h.it.Seq).Int("tries", h.tries).Dur("backoff", wait).
		Msg("record send result; held in memory and written again, not sent again")
	key := h.it.User
	if h.it.ReadID != "" {
		key = readKey(h.it.User)
	}
	time.AfterFunc(wait, func() { e.wakeOut.Wake(key) })
}

// The backoff of a failed write of a send's outcome: short first, for a
// store leader election that ends in seconds; at most a few seconds.
const (
	minRecordBackoff = 100 * time.Millisecond
	maxRecordBackoff = 5 * time.Second
)

// recordOutcome removes a message from the outbox and records how it
// ended, in one write.
func (e *Engine) recordOutcome(it *store.OutboxItem, res *whatsapp.SendResult, sendErr error) error {
	ctx := storeCtx()
	var receipt *heldOutcome // removed in this write too (receiptfold.go)
	if it.ReadID == "" {
		receipt = e.foldedReceipt(it.User)
	}
	err := e.db.Write(ctx, store.UserScope(it.User), func(tx store.Writer) error {
		if receipt != nil {
			if err := store.DeleteOutboxItem(ctx, tx, receipt.it.Seq); err != nil {
				return err
			}
		}
		if err := store.DeleteOutboxItem(ctx, tx, it.Seq); err != nil {
			return err
		}
		if it.TranscriptSeq == 0 {
			return nil
		}
		if res != nil {
			_, err := store.RecordSent(ctx, tx, it.User, it.TranscriptSeq, res.MessageID)
			return err
		}
		entry, err := store.GetTranscriptEntry(ctx, tx, it.User, it.TranscriptSeq)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			return err
		}
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
		return store.PutTranscriptEntry(ctx, tx, it.User, entry)
	})
	if err != nil {
		return fmt.Errorf("record the result of outbox item %d: %w", it.Seq, err)
	}
	if receipt != nil {
		e.receiptWritten(receipt)
	}
	return nil
}
