package bot

import (
	"errors"
	"fmt"
	"sort"
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
// waiting and commits it as one write per lane (each in that person's
// scope) with one sync for all. Under load that turns thousands of
// commits a second, each waiting for its own sync, into a few syncs, and
// the sync is what an acknowledgement waits for.
//
// A batch too large for one transaction is written in several, in order.
// If one write fails, the error is returned and Meta delivers the whole
// batch again; the events already committed are recognised by their ids
// and not stored twice. Errors, which carry no id, come last: they are
// stored only by the writes that complete the batch.
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
	groups := make([][]ingestEvent, len(reqs))
	for i, r := range reqs {
		groups[i] = r.events
	}
	counts, err := e.storeEvents(groups)
	if err != nil && len(reqs) > 1 {
		// One request may be the trouble: write each on its own so the
		// others still land. What the group committed before it failed
		// is counted already and is dropped as seen on the second try.
		for i, r := range reqs {
			n, err := e.storeEvents([][]ingestEvent{r.events})
			r.done <- ingestResult{accepted: counts[i] + n[0], err: err}
		}
		return
	}
	if err != nil {
		reqs[0].done <- ingestResult{err: err}
		return
	}
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
		counts, err := e.storeEvents([][]ingestEvent{chunk})
		total += counts[0]
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// storeEvents stores the events of one or more requests, one scoped
// write per lane (store.DB.WriteEach: each lane's events are one batch
// in that person's stream, all made durable by one sync), queues what
// was committed, and returns how many new events each request had in
// the writes that committed.
//
// The lanes' writes are not atomic together, and need not be: the
// webhook is answered only when all are stored, and a crash or failure
// between two of them leaves the earlier lanes' events stored with their
// dedupe markers; Meta delivers the unanswered body again and those are
// dropped as seen, the rest stored. Events with no id to recognise a
// redelivery by (errors, template changes without a time) would be
// stored twice that way, so the lanes holding them are written last.
func (e *Engine) storeEvents(reqs [][]ingestEvent) ([]int, error) {
	writes, staged, undeduped := e.laneWrites(reqs)
	done := make([]bool, len(writes))
	var err error
	for {
		// The lanes not committed yet: all of them, then again those
		// whose write gave up applying a status (errStatusLater), which
		// now store it in the inbox. Each round stores one status more
		// that way, so the rounds end.
		var idx []int
		var todo []store.ScopedWrite
		for i, w := range writes {
			if !done[i] {
				idx, todo = append(idx, i), append(todo, w)
			}
		}
		var ok []bool
		if undeduped {
			ok, err = e.db.WriteEach(storeCtx(), todo)
		} else {
			// Every lane's events carry ids: the lanes are independent of
			// each other, and a cluster store writes them all at once.
			ok, err = e.db.WriteAll(storeCtx(), todo)
		}
		for j, i := range idx {
			done[i] = ok[j]
		}
		if !errors.Is(err, errStatusLater) {
			break
		}
	}
	counts := make([]int, len(reqs))
	// Committed events are durable even when another lane failed: queue
	// them now, or they would wait for the next start, their ids seen.
	for i, l := range staged {
		if !done[i] {
			continue
		}
		e.queue(l.tasks, l.mark)
		e.statusesApplied(l.applied)
		for _, r := range l.reqOf {
			counts[r]++
		}
	}
	if err != nil {
		return counts, storeErr(err)
	}
	return counts, nil
}

// laneStage is what one lane's write staged in its committed try: the
// new events stored in the inbox, the statuses applied (statusAtIngest)
// and the request each new event came from.
type laneStage struct {
	tasks   []inTask
	applied []appliedStatus
	reqOf   []int
	mark    store.Mark // the commit's (store.ScopedWrite.Mark)
}

// laneWrites groups the events of reqs by lane, in arrival order within
// each lane, into one write per lane in the lane's scope, the lanes that
// hold events without a dedupe id last; undeduped says whether there
// are any such lanes.
func (e *Engine) laneWrites(reqs [][]ingestEvent) (writes []store.ScopedWrite, staged []*laneStage, undeduped bool) {
	type lane struct {
		scope     store.Scope
		events    []ingestEvent
		reqOf     []int
		later     []bool // the status goes to the inbox (errStatusLater)
		undeduped bool
	}
	var lanes []*lane
	byName := map[string]*lane{}
	for ri, events := range reqs {
		for _, ev := range events {
			name := ev.item.lane()
			l := byName[name]
			if l == nil {
				l = &lane{scope: laneScope(ev.item)}
				byName[name] = l
				lanes = append(lanes, l)
			}
			l.events = append(l.events, ev)
			l.reqOf = append(l.reqOf, ri)
			l.later = append(l.later, false)
			l.undeduped = l.undeduped || ev.dedupe == ""
		}
	}
	sort.SliceStable(lanes, func(i, j int) bool { return !lanes[i].undeduped && lanes[j].undeduped })
	writes = make([]store.ScopedWrite, len(lanes))
	staged = make([]*laneStage, len(lanes))
	for i, l := range lanes {
		undeduped = undeduped || l.undeduped
		st := &laneStage{}
		staged[i] = st
		writes[i] = store.ScopedWrite{Scope: l.scope, Mark: &st.mark, Fn: func(w store.Writer) error {
			// A retried try starts again from nothing.
			st.tasks, st.applied, st.reqOf = st.tasks[:0], st.applied[:0], st.reqOf[:0]
			store.Prefetch(w, e.readsAhead(l.events, l.later))
			for k, ev := range l.events {
				ok, err := e.stageOne(w, ev, !l.later[k], st)
				if errors.Is(err, errStatusLater) {
					l.later[k] = true
				}
				if err != nil {
					return err
				}
				if ok {
					st.reqOf = append(st.reqOf, l.reqOf[k])
				}
			}
			return nil
		}}
	}
	return writes, staged, undeduped
}

// storeErr wraps a failed commit; one too big for any transaction is
// unstorable, and will be so on every retry.
func storeErr(err error) error {
	if errors.Is(err, store.ErrTxnTooBig) {
		return fmt.Errorf("%w: %w", ErrUnstorable, err)
	}
	return fmt.Errorf("store webhook events: %w", err)
}

func (e *Engine) queue(tasks []inTask, at store.Mark) {
	if e.part != nil {
		var lanes []string
		seen := map[string]bool{}
		for _, t := range tasks {
			if l := t.item.lane(); !seen[l] {
				seen[l] = true
				lanes = append(lanes, l)
			}
		}
		e.queueIn(lanes, at)
		return
	}
	for _, t := range tasks {
		e.inbox.Add(t.item.lane(), inRef{seq: t.seq, attempts: t.attempts})
	}
}

// stageOne writes ev within w unless its dedupe id was seen before, and
// reports whether it was new. A status that may be (now says so, and
// statusAtIngest) is applied instead of stored in the inbox.
func (e *Engine) stageOne(w store.Writer, ev ingestEvent, now bool, st *laneStage) (bool, error) {
	ctx := storeCtx()
	// A status's dedupe marker waits until it is known whether applying
	// the status changes anything (see noChange).
	var marker *heldSet
	if ev.dedupe != "" {
		mark := w
		if now && ev.item.Kind == "status" {
			marker = &heldSet{Writer: w}
			mark = marker
		}
		first, err := store.MarkSeen(ctx, mark, ev.dedupe, ev.item.ReceivedAt, e.cfg.DedupeFor)
		if err != nil || !first {
			return false, err
		}
	}
	if now && ev.item.Kind == "status" && e.statusAtIngest(ctx, w, ev.item, len(st.tasks) > 0) {
		counted := &countedWriter{Writer: w}
		a, err := e.applyAtIngest(ctx, counted, ev.item)
		if err != nil {
			return false, err
		}
		if counted.writes > 0 {
			if err := marker.release(); err != nil {
				return false, err
			}
		}
		st.applied = append(st.applied, a)
		return true, nil
	}
	if err := marker.release(); err != nil {
		return false, err
	}
	seq, err := store.AddInbox(ctx, w, ev.raw)
	if err != nil {
		return false, err
	}
	st.tasks = append(st.tasks, inTask{seq: seq, item: ev.item, attempts: new(int)})
	return true, nil
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
