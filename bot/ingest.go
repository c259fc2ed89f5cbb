package bot

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// ingestReq is one webhook batch waiting to be written.
type ingestReq struct {
	events []ingestEvent
	size   int // bytes of the encoded events
	done   chan ingestResult
}

// ingestEvent is one inbound event, encoded once before it is written.
type ingestEvent struct {
	dedupe string // "" when the event has no id to recognise a redelivery by
	item   *InboxItem
	raw    []byte
}

type ingestResult struct {
	accepted int
	err      error
}

const (
	ingestQueue    = 4096
	ingestMaxBatch = 256     // requests written in one transaction
	ingestMaxBytes = 1 << 20 // and at most about this much payload
	// ingestTxnBytes bounds one commit of a single large request. Badger
	// refuses a transaction above 15% of the memtable (4.8 MB here); a
	// request larger than this is split into several commits.
	ingestTxnBytes = 2 << 20
	// ingestEventOverhead is what an event adds besides its value: its
	// key, its dedupe marker and badger's per-entry bookkeeping.
	ingestEventOverhead = 128
)

// ErrUnstorable marks a batch that can never be stored, whatever the
// retry: the same bytes fail the same way.
var ErrUnstorable = errors.New("events can never be stored")

// Ingest durably stores a webhook batch and queues it. When it returns nil
// every new event is on disk; events seen before (Meta delivers at least
// once, for days) are dropped here and never processed twice.
//
// Concurrent calls are written together: one goroutine collects what is
// waiting and commits it in one transaction with one sync. Under load that
// turns thousands of small commits a second into a few large ones, and the
// commit is what an acknowledgement waits for.
//
// A batch too large for one transaction is written in several, in order.
// If one of them fails, the error is returned and Meta delivers the whole
// batch again; the events already committed are recognised by their ids
// and not stored twice. Errors, which carry no id, come last: they are
// stored only by the commit that completes the batch.
//
// Below the store's disk reserve nothing new is accepted (store.ErrDiskLow):
// the webhook answers 503 and Meta delivers again once space is back.
func (e *Engine) Ingest(b *whatsapp.Batch) (accepted int, err error) {
	if err := e.db.CheckDisk(); err != nil {
		return 0, fmt.Errorf("store webhook events: %w", err)
	}
	events, size, err := encodeEvents(b, e.now())
	if err != nil {
		return 0, err
	}
	req := &ingestReq{events: events, size: size, done: make(chan ingestResult, 1)}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return 0, errClosed
	}
	e.ingesting.Add(1)
	e.mu.Unlock()
	defer e.ingesting.Done()
	e.ingestCh <- req
	r := <-req.done
	return r.accepted, r.err
}

// encodeEvents turns a batch into events in the order they are stored.
func encodeEvents(b *whatsapp.Batch, now time.Time) ([]ingestEvent, int, error) {
	events := make([]ingestEvent, 0, len(b.Messages)+len(b.Statuses)+len(b.Templates)+len(b.Errors))
	size := 0
	add := func(dedupe string, it *InboxItem) error {
		raw, err := store.EncodeJSON(it)
		if err != nil {
			return fmt.Errorf("%w: encode %s event: %v", ErrUnstorable, it.Kind, err)
		}
		events = append(events, ingestEvent{dedupe: dedupe, item: it, raw: raw})
		size += len(raw) + len(dedupe) + ingestEventOverhead
		return nil
	}
	for i := range b.Messages {
		m := &b.Messages[i]
		dedupe := ""
		if m.ID != "" {
			dedupe = "m:" + m.ID
		}
		if err := add(dedupe, &InboxItem{Kind: "message", Message: m, ReceivedAt: now}); err != nil {
			return nil, 0, err
		}
	}
	for i := range b.Statuses {
		s := &b.Statuses[i]
		if err := add("s:"+s.ID+":"+s.Status, &InboxItem{Kind: "status", Status: s, ReceivedAt: now}); err != nil {
			return nil, 0, err
		}
	}
	for i := range b.Templates {
		ts := &b.Templates[i]
		// A redelivered POST repeats entry.time; a later change of the
		// same template to the same status has a later one.
		dedupe := "t:" + ts.ID + ":" + ts.Name + ":" + ts.Language + ":" + ts.Event + ":" + strconv.FormatInt(ts.At.Unix(), 10)
		if ts.At.IsZero() {
			dedupe = "" // nothing tells a redelivery from a new change
		}
		if err := add(dedupe, &InboxItem{Kind: "template", Template: ts, ReceivedAt: now}); err != nil {
			return nil, 0, err
		}
	}
	for i := range b.Errors {
		if err := add("", &InboxItem{Kind: "error", Error: &b.Errors[i], ReceivedAt: now}); err != nil {
			return nil, 0, err
		}
	}
	return events, size, nil
}

// ingestLoop writes waiting ingest requests in batches until the channel closes.
func (e *Engine) ingestLoop() {
	defer close(e.ingestDone)
	for first := range e.ingestCh {
		reqs := []*ingestReq{first}
		size := first.size
	more:
		for len(reqs) < ingestMaxBatch && size < ingestMaxBytes {
			select {
			case r, ok := <-e.ingestCh:
				if !ok {
					break more
				}
				reqs = append(reqs, r)
				size += r.size
			default:
				break more
			}
		}
		e.writeIngest(reqs, size)
	}
}

func (e *Engine) writeIngest(reqs []*ingestReq, size int) {
	if len(reqs) == 1 && size > ingestTxnBytes {
		n, err := e.writeSplit(reqs[0].events)
		reqs[0].done <- ingestResult{accepted: n, err: err}
		return
	}
	counts := make([]int, len(reqs))
	var tasks []inTask
	ctx := storeCtx()
	// Not yet scoped: the events of every request in the group (many
	// people's) are accepted in one commit, which one fsync makes
	// durable. Scoped, each lane's events are one batch in that lane's
	// stream, and the webhook is answered when all are stored; a crash
	// between them is safe because Meta sends an unanswered body again
	// and the dedupe markers drop the events already stored.
	err := e.db.WriteAny(ctx, func(tx store.Writer) error {
		tasks = tasks[:0]
		clear(counts)
		for i, r := range reqs {
			n, err := e.stage(tx, r.events, &tasks)
			if err != nil {
				return err
			}
			counts[i] = n
		}
		return nil
	})
	if err != nil && len(reqs) > 1 {
		// One request may be the trouble: write each on its own so the
		// others still land.
		for _, r := range reqs {
			e.writeIngest([]*ingestReq{r}, r.size)
		}
		return
	}
	if err != nil {
		reqs[0].done <- ingestResult{err: storeErr(err)}
		return
	}
	e.queue(tasks)
	for i, r := range reqs {
		r.done <- ingestResult{accepted: counts[i]}
	}
}

// writeSplit writes the events of one large request in commits of at
// most ingestTxnBytes, in order, each synced before the next.
func (e *Engine) writeSplit(events []ingestEvent) (int, error) {
	total := 0
	for len(events) > 0 {
		n, size := 0, 0
		for n < len(events) {
			s := len(events[n].raw) + len(events[n].dedupe) + ingestEventOverhead
			if n > 0 && size+s > ingestTxnBytes {
				break
			}
			size += s
			n++
		}
		chunk := events[:n]
		events = events[n:]
		var tasks []inTask
		accepted := 0
		// Not yet scoped: as in writeIngest, one chunk holds many people's events.
		err := e.db.WriteAny(storeCtx(), func(tx store.Writer) error {
			tasks = tasks[:0]
			var err error
			accepted, err = e.stage(tx, chunk, &tasks)
			return err
		})
		if err != nil {
			return total, storeErr(err)
		}
		e.queue(tasks)
		total += accepted
	}
	return total, nil
}

// storeErr wraps a failed commit; one too big for any transaction is
// unstorable, and will be so on every retry.
func storeErr(err error) error {
	if errors.Is(err, store.ErrTxnTooBig) {
		return fmt.Errorf("%w: %w", ErrUnstorable, err)
	}
	return fmt.Errorf("store webhook events: %w", err)
}

func (e *Engine) queue(tasks []inTask) {
	for _, t := range tasks {
		e.inbox.Add(t.item.lane(), inRef{seq: t.seq, attempts: t.attempts})
	}
}

// stage writes the new events within tx and returns how many there were.
func (e *Engine) stage(w store.Writer, events []ingestEvent, tasks *[]inTask) (int, error) {
	ctx := storeCtx()
	n := 0
	for _, ev := range events {
		if ev.dedupe != "" {
			first, err := store.MarkSeen(ctx, w, ev.dedupe, ev.item.ReceivedAt, e.cfg.DedupeFor)
			if err != nil {
				return 0, err
			}
			if !first {
				continue
			}
		}
		seq, err := store.AddInbox(ctx, w, ev.raw)
		if err != nil {
			return 0, err
		}
		*tasks = append(*tasks, inTask{seq: seq, item: ev.item, attempts: new(int)})
		n++
	}
	return n, nil
}

// Reject keeps the raw body of a signed webhook POST whose events can
// never be stored (ErrUnstorable), so that the webhook can acknowledge it:
// Meta retries anything but a 200 for days, and the same bytes would fail
// every time. Nothing is lost: the body waits under store.DocRejected for
// an operator, and an ALERT is logged.
func (e *Engine) Reject(body []byte, reason error) error {
	ctx := storeCtx()
	rec := store.RejectedBody{At: e.now(), Reason: reason.Error(), Body: string(body)}
	if err := e.db.Write(ctx, store.RejectedScope(), func(w store.Writer) error { return store.PutRejectedBody(ctx, w, rec) }); err != nil {
		return err
	}
	e.log.Error().Str("alert", "webhook_rejected").Int("bytes", len(body)).Err(reason).
		Msgf("ALERT: a webhook body that can never be stored as events was acknowledged and kept under document kind %q for inspection", store.DocRejected)
	return nil
}
