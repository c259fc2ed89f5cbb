package bot

import (
	"fmt"
	"strconv"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// ingestReq is one webhook batch waiting to be written.
type ingestReq struct {
	batch *whatsapp.Batch
	done  chan ingestResult
}

type ingestResult struct {
	accepted int
	err      error
}

const (
	ingestQueue    = 4096
	ingestMaxBatch = 256     // requests written in one transaction
	ingestMaxBytes = 1 << 20 // and at most about this much payload
)

// Ingest durably stores a webhook batch and queues it. When it returns nil
// every new event is on disk; events seen before (Meta delivers at least
// once, for days) are dropped here and never processed twice.
//
// Concurrent calls are written together: one goroutine collects what is
// waiting and commits it in one transaction with one sync. Under load that
// turns thousands of small commits a second into a few large ones, and the
// commit is what an acknowledgement waits for.
func (e *Engine) Ingest(b *whatsapp.Batch) (accepted int, err error) {
	req := &ingestReq{batch: b, done: make(chan ingestResult, 1)}
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

// ingestLoop writes waiting ingest requests in batches until the channel closes.
func (e *Engine) ingestLoop() {
	defer close(e.ingestDone)
	for first := range e.ingestCh {
		reqs := []*ingestReq{first}
		size := batchSize(first.batch)
	more:
		for len(reqs) < ingestMaxBatch && size < ingestMaxBytes {
			select {
			case r, ok := <-e.ingestCh:
				if !ok {
					break more
				}
				reqs = append(reqs, r)
				size += batchSize(r.batch)
			default:
				break more
			}
		}
		e.writeIngest(reqs)
	}
}

// batchSize estimates the stored size of a batch, to keep transactions well
// under badger's limit.
func batchSize(b *whatsapp.Batch) int {
	n := 256 * (len(b.Statuses) + len(b.Errors))
	for i := range b.Messages {
		n += 512 + len(b.Messages[i].Text)
	}
	return n
}

func (e *Engine) writeIngest(reqs []*ingestReq) {
	now := e.now()
	counts := make([]int, len(reqs))
	var tasks []inTask
	err := e.db.Update(func(tx *store.Txn) error {
		tasks = tasks[:0]
		clear(counts)
		for i, r := range reqs {
			n, err := e.stage(tx, r.batch, now, &tasks)
			if err != nil {
				return err
			}
			counts[i] = n
		}
		return nil
	})
	if err != nil && len(reqs) > 1 {
		// One request may be the trouble (too large for one
		// transaction): write each on its own so the others still land.
		for _, r := range reqs {
			e.writeIngest([]*ingestReq{r})
		}
		return
	}
	if err != nil {
		reqs[0].done <- ingestResult{err: fmt.Errorf("store webhook events: %w", err)}
		return
	}
	for _, t := range tasks {
		e.inbox.Add(t.item.lane(), t)
	}
	for i, r := range reqs {
		r.done <- ingestResult{accepted: counts[i]}
	}
}

// stage writes the new events of one batch within tx and returns how many there were.
func (e *Engine) stage(tx *store.Txn, b *whatsapp.Batch, now time.Time, tasks *[]inTask) (int, error) {
	n := 0
	add := func(dedupe string, it *InboxItem) error {
		if dedupe != "" {
			key := store.SeenKey(dedupe)
			seen, err := tx.Has(key)
			if err != nil {
				return fmt.Errorf("check %s: %w", dedupe, err)
			}
			if seen {
				return nil
			}
			if err := tx.Set(key, []byte(strconv.FormatInt(now.Unix(), 10)), e.cfg.DedupeFor); err != nil {
				return err
			}
		}
		seq, err := e.db.NextSeq("inbox")
		if err != nil {
			return err
		}
		if err := tx.SetJSON(store.InboxKey(seq), it, 0); err != nil {
			return err
		}
		*tasks = append(*tasks, inTask{seq: seq, item: it, attempts: new(int)})
		n++
		return nil
	}
	for i := range b.Messages {
		m := &b.Messages[i]
		dedupe := ""
		if m.ID != "" {
			dedupe = "m:" + m.ID
		}
		if err := add(dedupe, &InboxItem{Kind: "message", Message: m, ReceivedAt: now}); err != nil {
			return 0, err
		}
	}
	for i := range b.Statuses {
		s := &b.Statuses[i]
		if err := add("s:"+s.ID+":"+s.Status, &InboxItem{Kind: "status", Status: s, ReceivedAt: now}); err != nil {
			return 0, err
		}
	}
	for i := range b.Errors {
		if err := add("", &InboxItem{Kind: "error", Error: &b.Errors[i], ReceivedAt: now}); err != nil {
			return 0, err
		}
	}
	return n, nil
}
