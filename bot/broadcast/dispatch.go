package broadcast

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"lifeline/bot/contacts"
	"lifeline/bot/outgoing"
	"lifeline/bot/pace"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
	"lifeline/coord"
	"lifeline/store"
)

// run is one goroutine working on one round of one broadcast.
type run struct {
	id     string
	round  int // 0 the broadcast itself, n reminder round n
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	wmu sync.Mutex // orders the writes of the feeder and the committer
	pmu sync.Mutex // guards p
	p   Progress

	limitHit bool
	lease    coord.Lease // the dispatch lease this run holds (see holdLease)
	holding  atomic.Bool // the lease is held and the run has not ended (Dispatching)
	smu      sync.Mutex  // guards checked and stopped (stillSending)
	checked  time.Time   // when the broadcast's stored state was last read, real clock
	stopped  bool        // the stored state was found not sending
	// began is when the run claimed the progress: sends another run left
	// in flight get their grace from here too (policyFor).
	began  time.Time
	fenced atomic.Bool // a write was refused for a later lease holder (see fenced)
	// handedFrom is the progress's HandedTo when this run claimed the
	// round: what the runs before it never handed to WhatsApp
	// (roundPolicy.HandedTo). hw orders the writes that raise HandedTo.
	handedFrom uint64
	hw         sync.Mutex
	hmu        sync.Mutex // guards want
	want       uint64     // HandedTo that covers every send registered so far
	// broken: a commit of results failed, so its recipients stay
	// "sending" in the store. The run writes nothing more and stops; the
	// next run continues from the stored progress and treats them as in
	// flight, as after a crash.
	broken atomic.Bool
}

func (s *Service) startRun(id string, round int) {
	s.mu.Lock()
	if s.closed || s.runs[id] != nil {
		s.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	r := &run{id: id, round: round, ctx: ctx, cancel: cancel, done: make(chan struct{})}
	s.runs[id] = r
	s.mu.Unlock()
	go func() {
		defer func() {
			s.mu.Lock()
			delete(s.runs, id)
			s.mu.Unlock()
			cancel()
			close(r.done)
			s.poke()
		}()
		release, ok := s.holdLease(r)
		if !ok {
			return
		}
		defer release()
		r.holding.Store(true)
		defer r.holding.Store(false)
		if err := s.dispatch(r); err != nil && r.ctx.Err() == nil {
			s.log.Error().Err(err).Str("broadcast", id).Msg("broadcast run failed; will retry")
		}
		s.leaseLost(r)
	}()
}

// dispatch enqueues the recipients if needed and sends one round.
func (s *Service) dispatch(r *run) error {
	b, err := s.Get(r.id)
	if err != nil {
		return err
	}
	if b.State != StateSending {
		return nil
	}
	// The claim comes before any other write of the run: from here on, a
	// run that held the lease before this one is refused every write.
	if r.p, err = s.claim(r); err != nil {
		return err
	}
	r.began = s.now()
	if !b.Enqueued {
		if b, err = s.enqueue(r, b); err != nil {
			return err
		}
		if r.ctx.Err() != nil {
			return nil
		}
		if b.Enqueued && b.Targeted == 0 {
			return s.nobodyToSend(r)
		}
	}
	if r.p.Round != r.round {
		// A new round: nothing of it was handed yet. Written with the
		// first chunk marked, before any send.
		r.p.Round, r.p.Next, r.p.HandedTo = r.round, 0, 1
	}
	r.handedFrom = r.p.HandedTo
	for {
		startedAtZero := r.p.Next == 0
		out, err := s.pass(r, b)
		if err != nil {
			return err
		}
		if r.ctx.Err() != nil || s.isCrashed() {
			return nil
		}
		if r.limitHit {
			return s.limitReached(r)
		}
		if startedAtZero && out.deferred == 0 && out.retries == 0 {
			break
		}
		if out.deferred > 0 || out.retries > 0 {
			// On the service's clock, the one the retry times were set by.
			wait := out.nextAt.Sub(s.now())
			if out.nextAt.IsZero() || wait < 10*time.Millisecond {
				wait = 10 * time.Millisecond
			}
			t := time.NewTimer(wait)
			select {
			case <-r.ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
		r.pmu.Lock()
		r.p.Next = 0
		r.pmu.Unlock()
	}
	if err := s.roundSent(r); err != nil {
		return err
	}
	s.log.Info().Str("broadcast", r.id).Int("round", r.round).Int64("sent", r.p.Sent).Int64("failed", r.p.Failed).
		Int64("skipped", r.p.Skipped).Int64("possible_duplicates", r.p.Dups).Msg("broadcast round sent")
	s.poke()
	return nil
}

// claim loads the progress of r's broadcast and stores it again under r's
// fencing token, in one transaction refused when a later holder has
// written. It is r's first write: every later write of a run that held
// the lease before r (its progress, its recipient records, its state
// changes) is refused from here on, even if that run does not know yet
// that it lost the lease.
func (s *Service) claim(r *run) (Progress, error) {
	var p Progress
	err := s.db.Write(storeCtx, store.BroadcastScope(r.id), func(tx store.Writer) error {
		stored, found, err := store.GetBroadcastProgress[Progress](storeCtx, tx, r.id)
		if err != nil {
			return err
		}
		if !found {
			stored.HandedTo = 1 // the first run: nothing handed yet
		}
		stored.Token = r.lease.Token
		if err := store.PutBroadcastProgressFenced(storeCtx, tx, r.id, &stored); err != nil {
			return err
		}
		p = stored
		return nil
	})
	if err != nil {
		s.fenced(r, err)
		return Progress{}, fmt.Errorf("claim progress: %w", err)
	}
	return p, nil
}

// runUpdate is update for a state change a run makes: its fencing token
// is checked in the same transaction, so a run whose lease passed to a
// later holder changes nothing (a stale "round sent" would otherwise end
// the reminder round the later holder started). A refused run stops.
func (s *Service) runUpdate(r *run, fn func(b *Broadcast) error) (*Broadcast, error) {
	b, err := s.updateAudited(r.id, func(tx store.Writer, b *Broadcast) error {
		if err := store.CheckBroadcastFence[*Progress](storeCtx, tx, r.id, r.lease.Token); err != nil {
			return err
		}
		return fn(b)
	})
	if err != nil {
		s.fenced(r, err)
		return nil, err
	}
	return b, nil
}

// roundSent records that r's round has gone out.
func (s *Service) roundSent(r *run) error {
	now := s.now()
	_, err := s.runUpdate(r, func(b *Broadcast) error {
		if !b.advance(EvRoundSent) {
			return nil
		}
		if r.round == 0 {
			if b.SentAt.IsZero() {
				b.SentAt = now
			}
		} else {
			b.RemindersSent = r.round
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record round %d sent: %w", r.round, err)
	}
	return nil
}

// limitReached waits r's broadcast for the daily messaging limit, with an
// alert written in the same transaction.
func (s *Service) limitReached(r *run) error {
	msg := fmt.Sprintf("daily messaging limit of %d unique users reached; sending resumes when it allows", s.cfg.DailyLimit)
	now := s.now()
	_, err := s.runUpdate(r, func(b *Broadcast) error {
		addAlert(b, now, 0, msg)
		if b.advance(EvLimit) {
			b.PauseReason = "daily messaging limit reached"
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record daily limit reached: %w", err)
	}
	s.alerted(r.id, now, 0, msg, false)
	return nil
}

// nobodyToSend ends a broadcast whose audience matched nobody by the time
// it started (contacts opted out or were removed after it was created):
// it is cancelled with an alert, never reported as sent.
func (s *Service) nobodyToSend(r *run) error {
	id := r.id
	now, msg := s.now(), ErrEmptyAudience.Error()
	// The alert is written with the cancellation, so nobody reads a
	// cancelled broadcast that does not say why.
	_, err := s.runUpdate(r, func(b *Broadcast) error {
		if b.advance(EvAbandon) {
			b.CompletedAt, b.PauseReason = now, "nobody to send to"
			addAlert(b, now, 0, msg)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log.Error().Str("broadcast", id).Str("alert", msg).Msg("ALERT: broadcast needs an admin")
	s.queueEventNow(Event{Type: "broadcast.alert", Broadcast: id, At: now, Message: msg})
	s.queueEventNow(Event{Type: "broadcast.cancelled", Broadcast: id, At: now})
	return nil
}

// Enqueueing writes recipients in chunks, each one transaction in the
// broadcast's scope: at most enqueueChunk records (an atomic batch of a
// stream holds at most 1,000 messages, with the cursor among them), after
// looking at most enqueueScan contacts.
const (
	enqueueChunk = 999
	enqueueScan  = 20000
)

// enqueue streams the audience into recipient records: memory holds one
// chunk, never the audience. Each chunk commits with the cursor that
// accounts for it (the broadcast document's EnqueueCursor and Targeted)
// and a check of r's fencing token, in one transaction of the
// broadcast's scope. So a restart continues after the last committed
// chunk with nothing to undo, and a run that lost its lease writes no
// recipient once the next holder has claimed the progress: the check
// reads the progress in the transaction, and that claim either commits
// first (the check refuses) or conflicts with it (the transaction is
// retried and then refuses).
func (s *Service) enqueue(r *run, b *Broadcast) (*Broadcast, error) {
	ctx := r.ctx
	start := time.Now()
	aud := b.Spec.Audience
	// Records past Targeted exist only in a store written when the
	// records went in write batches before their cursor; drop them, the
	// same contacts are written again.
	if err := s.dropPastCursor(r, uint64(b.Targeted)+1); err != nil {
		return nil, err
	}
	cursor, targeted := b.EnqueueCursor, b.Targeted
	excluded := map[string]int64{}
	for k, v := range b.Excluded {
		excluded[k] = v
	}
	for {
		if ctx.Err() != nil {
			return b, nil
		}
		var recs [][]byte
		scanned, last, done := 0, cursor, true
		err := s.db.Read(storeCtx, func(tx store.Reader) error {
			return store.EachContact(storeCtx, tx, cursor, func(c *store.Contact) error {
				scanned++
				last = c.WaID
				ok, why := aud.Match(c)
				if !ok && why == contacts.ExcludedUnreachable && b.Spec.SMSFallback() != nil {
					// The SMS fallback reaches them: enqueued, the
					// dispatcher skips them as unreachable, the fallback
					// picks them up.
					ok, why = true, ""
				}
				if why != "" {
					excluded[why]++
				}
				if ok {
					recs = append(recs, recipientJSON(c.WaID))
				}
				if len(recs) >= enqueueChunk || scanned >= enqueueScan {
					done = false
					return store.ErrStop
				}
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("enqueue recipients: %w", err)
		}
		nb, err := s.enqueueChunk(r, targeted, recs, last, excluded, done)
		if err != nil {
			return nil, err
		}
		b, cursor, targeted = nb, last, targeted+int64(len(recs))
		if done {
			s.log.Info().Str("broadcast", b.ID).Int64("targeted", targeted).Interface("excluded", excluded).
				Dur("took", time.Since(start)).Msg("recipients enqueued")
			return b, nil
		}
	}
}

// enqueueChunk commits one chunk of recipients, numbered from from+1,
// with the cursor past them (cursor, the excluded counts, and whether
// the audience is done) and the check of r's fencing token, in one
// transaction of the broadcast's scope.
func (s *Service) enqueueChunk(r *run, from int64, recs [][]byte, cursor string, excluded map[string]int64, done bool) (*Broadcast, error) {
	var b Broadcast
	now := s.now()
	err := s.db.Write(storeCtx, store.BroadcastScope(r.id), func(tx store.Writer) (err error) {
		if err := store.CheckBroadcastFence[*Progress](storeCtx, tx, r.id, r.lease.Token); err != nil {
			return err
		}
		if b, err = store.GetBroadcast[Broadcast](storeCtx, tx, r.id); err != nil {
			return err
		}
		if b.Targeted != from {
			// Only the lease holder enqueues, and the fence above has
			// just said r holds it: another cursor is a defect.
			return fmt.Errorf("enqueue cursor of %s moved from %d to %d under the run", r.id, from, b.Targeted)
		}
		for i, raw := range recs {
			if err := store.PutBroadcastRecipientEncoded(storeCtx, tx, r.id, uint64(from)+uint64(i)+1, raw); err != nil {
				return err
			}
		}
		b.EnqueueCursor, b.Targeted, b.Excluded = cursor, from+int64(len(recs)), maps.Clone(excluded)
		if done {
			b.Enqueued, b.StartedAt = true, now
		}
		return store.PutBroadcast(storeCtx, tx, r.id, &b)
	})
	if err != nil {
		s.fenced(r, err)
		return nil, fmt.Errorf("enqueue recipients: %w", err)
	}
	s.remember(&b)
	return &b, nil
}

// dropPastCursor deletes the recipients of r's broadcast from seq on, a
// chunk per transaction, each fenced by r's token.
func (s *Service) dropPastCursor(r *run, seq uint64) error {
	for {
		n := 0
		err := s.db.Write(storeCtx, store.BroadcastScope(r.id), func(tx store.Writer) (err error) {
			if err := store.CheckBroadcastFence[*Progress](storeCtx, tx, r.id, r.lease.Token); err != nil {
				return err
			}
			n, err = store.DeleteBroadcastRecipientsFrom(storeCtx, tx, r.id, seq, enqueueChunk)
			return err
		})
		if err != nil {
			s.fenced(r, err)
			return fmt.Errorf("enqueue recipients: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
}

// remember keeps b in the cache of open broadcasts the control loop
// reads, as update does after its transaction.
func (s *Service) remember(b *Broadcast) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.terminal() {
		delete(s.docs, b.ID)
		return
	}
	cp := *b
	s.docs[b.ID] = &cp
}

// recipientJSON is a pending recipient record, built without reflection:
// enqueueing a million of them is the hot path.
func recipientJSON(waID string) []byte {
	out := make([]byte, 0, len(waID)+24)
	out = append(out, `{"u":`...)
	out = strconv.AppendQuote(out, waID)
	return append(out, `,"s":"pending"}`...)
}

// job is one message to send.
type job struct {
	seq uint64
	rec Recipient
	msg whatsapp.Outbound
	// mediaIDs are the media header's ids by sender number (nil: none).
	mediaIDs map[string]string
	kind     Kind
	sent     *result // already sent before a crash, as a status webhook showed: record only
}

type result struct {
	job    *job
	phone  string
	res    whatsapp.SendResult
	err    error
	d      sendpolicy.Decision // the send policy's reading of err
	unsent bool                // never sent: the run stopped first
	at     time.Time
}

type passOutcome struct {
	eligible, deferred, retries int
	nextAt                      time.Time
}

func (o *passOutcome) later(t time.Time) {
	if o.nextAt.IsZero() || t.Before(o.nextAt) {
		o.nextAt = t
	}
}

// pass walks the recipients from the cursor once: a feeder marks chunks
// "sending" and hands them to one pool of workers per sender number; a
// committer records results in group commits.
func (s *Service) pass(r *run, b *Broadcast) (passOutcome, error) {
	var out passOutcome
	chunk := s.cfg.ChunkSize
	jobs := make(chan *job, chunk)
	results := make(chan *result, chunk)
	// Marked "sending" and not yet committed. Small chunks keep what a
	// crash leaves marked but unsent small; the window spans several of
	// them so that sending never waits for a commit, and the most sends
	// the numbers may have in flight (the ceiling; the workers, not the
	// window, bound what is under way).
	slots := make(chan struct{}, 8*chunk+len(s.cfg.PhoneNumberIDs)*s.pacers.Ceiling())

	var runLim map[string]*rate.Limiter
	if rps := b.Spec.RatePerSecond; rps > 0 && rps < s.cfg.RatePerNumber {
		runLim = map[string]*rate.Limiter{}
		for _, n := range s.cfg.PhoneNumberIDs {
			runLim[n] = rate.NewLimiter(rate.Limit(rps), int(pace.Burst(rps)))
		}
	}
	// Each number keeps as many sends in flight as its rate needs at the
	// Graph API latency measured so far (bot/pace: Little's law, bounded
	// by the ceiling), and at least Concurrency.
	var workers sync.WaitGroup
	for _, num := range s.cfg.PhoneNumberIDs {
		workers.Add(1)
		go func() {
			defer workers.Done()
			s.pacers.Workers(num, s.cfg.Concurrency, func() bool {
				j, ok := <-jobs
				if !ok {
					return false
				}
				results <- s.send(r, j, num, runLim[num])
				return true
			})
		}()
	}
	var cout commitOutcome
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		cout = s.commitLoop(r, b, results, slots)
	}()

	ferr := s.feed(r, b, jobs, slots, &out)
	close(jobs)
	workers.Wait()
	close(results)
	<-committed
	out.retries += cout.retries
	if !cout.nextAt.IsZero() {
		out.later(cout.nextAt)
	}
	if ferr != nil {
		return out, ferr
	}
	return out, cout.err
}

// feed reads recipients from the cursor, asks decide what to do with each
// (consent, frequency cap, pair limit, retries, sends lost in flight),
// marks the chosen ones "sending" and queues them for the workers.
func (s *Service) feed(r *run, b *Broadcast, jobs chan<- *job, slots chan struct{}, out *passOutcome) error {
	pol := s.policyFor(r, b)
	tpls := b.Spec.Templates
	if r.round > 0 && b.Spec.Reminders != nil && len(b.Spec.Reminders.Templates) > 0 {
		tpls = b.Spec.Reminders.Templates
	}
	for {
		if r.ctx.Err() != nil || s.isCrashed() || !s.sending(r.id) {
			return nil
		}
		p, err := s.readChunk(r, b, tpls, &pol, out)
		if err != nil {
			return err
		}
		if r.ctx.Err() != nil {
			return nil
		}
		if p.scanned == 0 || (r.limitHit && len(p.send) == 0 && len(p.changed) == 0) {
			return nil
		}
		// The units of the daily limit the chunk takes are written before
		// any of it is sent: see dailyLimit.
		if err := s.daily.flush(s.now()); err != nil {
			return fmt.Errorf("record the daily messaging limit: %w", err)
		}
		// Mark the chunk before anything is sent.
		if err := s.markChunk(r, &p); err != nil {
			if errors.Is(err, errNotSending) {
				// Paused or cancelled, maybe through another instance
				// whose announcement has not come: stop as stopRun does.
				r.cancel()
				return nil
			}
			return err
		}
		for _, j := range p.send {
			select {
			case slots <- struct{}{}:
			case <-r.ctx.Done():
			}
			jobs <- j // workers answer "unsent" once the run is cancelled
		}
		if r.limitHit {
			return nil
		}
	}
}

// policyFor is what holds for every recipient of one round of b.
func (s *Service) policyFor(r *run, b *Broadcast) roundPolicy {
	round := r.round
	pol := roundPolicy{
		Round:       round,
		OptedInOnly: b.Spec.Audience.OptedInOnly,
		// A correction goes only to people the broadcast it corrects
		// just reached: the cap must not keep the right text from them.
		CapOn:        round == 0 && !b.Spec.Critical && b.Spec.CorrectionOf == "" && s.cfg.FrequencyCap > 0,
		FrequencyCap: s.cfg.FrequencyCap,
		HandedTo:     r.handedFrom,
	}
	if s.cfg.InFlightGrace > 0 {
		// From this instance's start, or from when this run took the
		// broadcast over if later: sends a dead instance left in flight
		// are proven by statuses that may still be on their way (the
		// dead instance's users' partitions move one lease TTL after it
		// died, as its broadcast lease does).
		pol.InFlightGraceUntil = s.started.Add(s.cfg.InFlightGrace)
		if !r.began.IsZero() && r.began.After(s.started) {
			pol.InFlightGraceUntil = r.began.Add(s.cfg.InFlightGrace)
		}
	}
	return pol
}

// readChunk reads recipients from the run's cursor, decides about each
// and plans the chunk: up to ChunkSize sends, or 4*ChunkSize records
// looked at, or the daily messaging limit.
func (s *Service) readChunk(r *run, b *Broadcast, tpls map[string]Template, pol *roundPolicy, out *passOutcome) (chunkPlan, error) {
	chunk := s.cfg.ChunkSize
	now := s.now()
	r.pmu.Lock()
	next := r.p.Next
	r.pmu.Unlock()
	p := chunkPlan{skipBy: map[string]int64{}}
	err := s.db.Read(storeCtx, func(tx store.Reader) error {
		return store.EachBroadcastRecipient(storeCtx, tx, r.id, next, func(seq uint64, rec *Recipient) error {
			if r.ctx.Err() != nil {
				// Stopped (paused through another instance, say): a
				// chunk's reads take a while on a cluster, and feed
				// marks nothing of a stopped run.
				return store.ErrStop
			}
			p.scanned++
			p.lastSeq = seq
			f := recipientFacts{Seq: seq, Now: now, Rec: *rec}
			if err := s.loadFacts(tx, r.id, seq, &f, pol); err != nil {
				return err
			}
			if !s.plan(r, b, tpls, seq, &f, decide(&f, pol), &p, out) {
				if p.err != nil {
					return p.err
				}
				return store.ErrStop
			}
			if len(p.send) >= chunk || p.scanned >= 4*chunk {
				return store.ErrStop
			}
			return nil
		})
	})
	return p, err
}

// markChunk writes the planned records (those to send marked "sending")
// and the progress in one transaction, before anything is sent: a crash
// then finds the sends that may have gone out. The progress written is
// the stored one with the chunk's counts added and the run's cursor
// (putProgress), never the counts the run holds in memory.
//
// The transaction reads the broadcast's state and marks nothing unless
// it is sending: a pause or a cancellation committed through any
// instance either comes first, and no send of the chunk starts, or
// conflicts with the marking and is committed after it (the chunk's
// sends are then the ones in flight at the pause, which finish and are
// recorded). It refuses with errNotSending; the progress in memory moves
// only once the chunk is marked, so a refused chunk is looked at again
// by the next run. pmu is held over the write for that.
func (s *Service) markChunk(r *run, p *chunkPlan) error {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	if r.broken.Load() {
		return errors.New("mark recipients sending: a commit of results failed; the run stops")
	}
	r.pmu.Lock()
	defer r.pmu.Unlock()
	cur := r.p
	cur.Next = max(cur.Next, p.lastSeq+1)
	d := Progress{Dups: p.dups, Retrying: -p.retryGo}
	for k, n := range p.skipBy {
		if r.round == 0 {
			d.Skipped += n
			incr(&d.SkippedBy, k, n)
		}
	}
	var (
		stopped *Broadcast
		written Progress
	)
	err := s.db.Write(storeCtx, store.BroadcastScope(r.id), func(tx store.Writer) error {
		stopped = nil
		b, err := store.GetBroadcast[Broadcast](storeCtx, tx, r.id)
		if err != nil {
			return err
		}
		if b.State != StateSending {
			stopped = &b
			return errNotSending
		}
		for _, j := range p.send {
			if err := store.PutBroadcastRecipient(storeCtx, tx, r.id, j.seq, &j.rec); err != nil {
				return err
			}
		}
		for _, c := range p.changed {
			if err := store.PutBroadcastRecipient(storeCtx, tx, r.id, c.seq, &c.rec); err != nil {
				return err
			}
		}
		written, err = putProgress(tx, r, func(p *Progress) {
			p.add(&d)
			p.Round, p.Next, p.HandedTo = cur.Round, cur.Next, cur.HandedTo
		})
		return err
	})
	if errors.Is(err, errNotSending) && stopped != nil {
		s.remember(stopped)
		return fmt.Errorf("mark recipients sending: broadcast %s is %s: %w", r.id, stopped.State, errNotSending)
	}
	if err != nil {
		s.fenced(r, err)
		return fmt.Errorf("mark recipients sending: %w", err)
	}
	r.p = written
	return nil
}

// putProgress writes the progress of r's broadcast in tx under r's
// fencing token: the stored one, changed by set. Each write adds to the
// stored counts only what the recipient records of its own transaction
// change. Counts the run holds in memory are never written: they may
// take in results whose records another transaction has not written yet
// (a commit under way), and a crash before it would leave those
// recipients "sending", to be sent or recorded from a status and
// counted again by the next run.
func putProgress(tx store.Writer, r *run, set func(p *Progress)) (Progress, error) {
	p, _, err := store.GetBroadcastProgress[Progress](storeCtx, tx, r.id)
	if err != nil {
		return Progress{}, err
	}
	set(&p)
	p.Token = r.lease.Token
	return p, store.PutBroadcastProgressFenced(storeCtx, tx, r.id, &p)
}

// add adds the counts of d to p; the cursor and the token stay.
func (p *Progress) add(d *Progress) {
	p.Sent += d.Sent
	p.Failed += d.Failed
	p.FailedBy = addMap(p.FailedBy, d.FailedBy)
	p.Skipped += d.Skipped
	p.SkippedBy = addMap(p.SkippedBy, d.SkippedBy)
	p.Reminders += d.Reminders
	p.Dups += d.Dups
	p.Retrying = max(0, p.Retrying+d.Retrying)
}

// setCounts takes the counts of q, keeping p's cursor.
func (p *Progress) setCounts(q *Progress) {
	round, next, handed := p.Round, p.Next, p.HandedTo
	*p = *q
	p.Round, p.Next, p.HandedTo = round, next, handed
}

// errNotSending: the broadcast left the sending state (paused, cancelled,
// through this instance or another) before a chunk was marked.
var errNotSending = errors.New("the broadcast is no longer sending")

// chunkPlan is what the decisions about one chunk of recipients add up
// to; feed writes it in one transaction before anything is sent.
type chunkPlan struct {
	send    []*job
	changed []pick // records written without a send: skipped, failed, retry later
	scanned int
	lastSeq uint64
	skipBy  map[string]int64
	dups    int64
	retryGo int64
	err     error // the daily limit could not be read or written
}

type pick struct {
	seq uint64
	rec Recipient
}

// loadFacts reads what the decision about one recipient looks at, and
// only that: most records of a later pass are already handled and cost
// no read beyond their own.
func (s *Service) loadFacts(tx store.Reader, id string, seq uint64, f *recipientFacts, pol *roundPolicy) error {
	if needsEngagement(&f.Rec, pol.Round) {
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		f.Engagement = e
	}
	if !needsContact(f, pol) {
		return nil
	}
	c, err := store.GetContact(storeCtx, tx, f.Rec.WaID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // no contact: decide skips it
	case err != nil:
		return err
	}
	f.Contact = &c
	if !needsHistory(f, pol) {
		return nil
	}
	if f.Recent, f.KnownToday, err = s.recentSends(tx, f.Rec.WaID, callbackData(id, seq, pol.Round), f.Now); err != nil {
		return err
	}
	if at, busy := s.pairBusy(f.Rec.WaID, f.Now); busy {
		f.PairBusyUntil = at
	}
	return nil
}

// plan applies one decision to the chunk: it renders what is to be sent
// and takes a unit of the daily messaging limit for someone new today.
// It returns false to end the chunk when that limit is used up.
func (s *Service) plan(r *run, b *Broadcast, tpls map[string]Template, seq uint64, f *recipientFacts, d decision, p *chunkPlan, out *passOutcome) bool {
	if d.Verdict == notThisRound {
		return true
	}
	out.eligible++
	if d.RetryDue {
		p.retryGo++
	}
	if d.Resend {
		p.dups++
	}
	rec := d.Rec
	switch d.Verdict {
	case notYet, awaitOutcome:
		out.deferred++
		out.later(d.At)
	case recordSent:
		p.send = append(p.send, &job{seq: seq, rec: rec, kind: b.Spec.Kind,
			sent: &result{phone: d.SentPhone, res: whatsapp.SendResult{MessageID: d.SentWAMID}, at: d.SentAt}})
	case skip:
		p.skipBy[d.Reason]++
		p.changed = append(p.changed, pick{seq, rec})
	case retryLater:
		out.deferred++
		out.later(d.At)
		p.changed = append(p.changed, pick{seq, rec})
	case sendNow:
		if d.NewToday {
			ok, err := s.daily.take(f.Now)
			if err != nil {
				p.err = fmt.Errorf("take a unit of the daily messaging limit: %w", err)
				p.lastSeq = seq - 1
				return false
			}
			if !ok {
				r.limitHit = true
				p.lastSeq = seq - 1 // looked at again when the limit allows
				return false
			}
		}
		key := templateKey(tpls, b.Spec.FallbackLanguage, f.Contact.Language)
		msg, err := render(b, tpls, key, f.Contact, seq, r.round, nil)
		if err != nil {
			rec.State, rec.Reason = recFailed, "render: "+err.Error()
			p.changed = append(p.changed, pick{seq, rec})
			return true
		}
		rec.State, rec.Lang, rec.NotBefore = recSending, key, time.Time{}
		p.send = append(p.send, &job{seq: seq, rec: rec, msg: msg, mediaIDs: headerIDs(b, tpls, key), kind: b.Spec.Kind})
	}
	return true
}

// inFlightRecheck is how often sends left in flight by a crash are looked
// at again during the grace: each look rescans the broadcast's recipients.
const inFlightRecheck = 5 * time.Second

func (s *Service) sending(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.docs[id]
	return b != nil && b.State == StateSending
}

// recentSends counts broadcast messages to a user within the frequency
// window, and says whether the user got one within 24 hours (then a new
// message does not use up the daily messaging limit). The record of
// message own itself is not an earlier message: a commit that stopped
// after the person's records leaves it for a send still "in flight",
// which must not cap itself out (see commit); it still makes the user
// known today, as they are.
func (s *Service) recentSends(tx store.Reader, user, own string, now time.Time) (recent int, known bool, err error) {
	capFrom := now.Add(-s.cfg.FrequencyWindow)
	dayFrom := now.Add(-24 * time.Hour)
	err = store.EachBroadcastSend(storeCtx, tx, user, func(at time.Time, ref string) error {
		if at.After(capFrom) && ref != own {
			recent++
		}
		if at.After(dayFrom) {
			known = true
		}
		return nil
	})
	return recent, known, err
}

// pairBusy reports when a user may next get a broadcast message: WhatsApp
// allows about one message every six seconds to the same user.
func (s *Service) pairBusy(user string, now time.Time) (time.Time, bool) {
	if s.cfg.PairGap < 0 {
		return time.Time{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	last, ok := s.pair[user]
	if ok && now.Sub(last) < s.cfg.PairGap {
		return last.Add(s.cfg.PairGap), true
	}
	return time.Time{}, false
}

func (s *Service) markPair(user string, at time.Time) {
	if s.cfg.PairGap < 0 {
		return
	}
	s.mu.Lock()
	s.pair[user] = at
	s.mu.Unlock()
}

// send takes one message from num through the send step shared with the
// replies (bot/outgoing): the number's pause and its pacer (broadcasts
// after conversations), a last look at the recipient record, the Graph
// API call, and the send policy's decision, which the step applies to the
// number (a pause, a slow-down, the once-per-outage alert) before commit
// applies it to the record.
func (s *Service) send(r *run, j *job, num string, runLim *rate.Limiter) *result {
	if j.sent != nil {
		res := *j.sent
		res.job = j
		return &res
	}
	if r.ctx.Err() != nil {
		return &result{job: j, unsent: true}
	}
	if runLim != nil {
		if err := runLim.Wait(r.ctx); err != nil {
			return &result{job: j, unsent: true}
		}
	}
	// The number's pause is shared with the reply outbox: an account error
	// on a reply stops broadcasts from that number too, until the pause
	// ends or an admin resumes the number.
	permit, err := s.out.Wait(r.ctx, num, pace.Broadcast)
	if err != nil {
		return &result{job: j, unsent: true}
	}
	release := s.people.Shared(j.rec.WaID)
	defer release()
	var stored Recipient
	err = s.db.Read(storeCtx, func(tx store.Reader) (err error) {
		stored, err = store.GetBroadcastRecipient[Recipient](storeCtx, tx, r.id, j.seq)
		return err
	})
	if err != nil || stored.WaID != j.rec.WaID {
		// Erased since it was picked (or the store cannot say): not sent;
		// commit keeps the erased record as the erasure left it.
		return &result{job: j, unsent: true}
	}
	if !s.stillSending(r) || !s.handing(r, j.seq) {
		return &result{job: j, unsent: true}
	}
	// Send checks the permit as the request leaves, and takes another
	// (until the run ends) if the look above outlasted it.
	//
	// The request's context is not the run's: a pause or a stop lets a
	// send that has started finish and be recorded, since a request cut
	// short may have reached WhatsApp. Only the end of a stop's time for
	// sends cuts it (CutSends); commit then counts it among the possible
	// duplicates, as any send whose outcome is unknown, and the next run
	// sends it again after the grace unless its status proves it.
	o := s.out.Send(s.sends.Context(), s.policy(), outgoing.Attempt{Phone: num, Msg: forNumber(j.msg, j.mediaIDs, num), Kind: j.sendKind(r.round), Failed: j.rec.Attempts, Permit: permit})
	if o.Unsent {
		return &result{job: j, unsent: true}
	}
	if o.Cut {
		s.sends.Note()
	}
	return &result{job: j, phone: num, res: o.Result, err: o.Err, d: o.Decision, at: s.now()}
}

// handing makes it durable that the send of recipient seq may reach
// WhatsApp, before it is handed over: the progress's HandedTo is raised
// past seq, so that a takeover after this run dies counts it among the
// possible duplicates, and the recipients marked but never handed not.
// Workers waiting meanwhile are covered by the next raise together (one
// write for all of them). False: the write failed (the lease lost, say),
// and the send does not go.
func (s *Service) handing(r *run, seq uint64) bool {
	covered := func() bool {
		r.pmu.Lock()
		defer r.pmu.Unlock()
		return r.p.HandedTo == 0 || seq < r.p.HandedTo
	}
	r.hmu.Lock()
	r.want = max(r.want, seq+1)
	r.hmu.Unlock()
	if covered() {
		return true
	}
	r.hw.Lock()
	defer r.hw.Unlock()
	if covered() {
		return true // raised by a write that started after seq's registration
	}
	r.hmu.Lock()
	to := r.want
	r.hmu.Unlock()
	r.wmu.Lock()
	defer r.wmu.Unlock()
	if r.broken.Load() {
		return false
	}
	// Only the bound is raised, on the progress as stored (putProgress).
	var raised uint64
	err := s.db.Write(storeCtx, store.BroadcastScope(r.id), func(tx store.Writer) error {
		p, err := putProgress(tx, r, func(p *Progress) { p.HandedTo = max(p.HandedTo, to) })
		raised = p.HandedTo
		return err
	})
	if err != nil {
		s.fenced(r, err)
		s.log.Error().Err(err).Str("broadcast", r.id).Msg("record the sends handed to WhatsApp; the send waits for the next run")
		return false
	}
	r.pmu.Lock()
	r.p.HandedTo = max(r.p.HandedTo, raised)
	r.pmu.Unlock()
	return true
}

// stateRecheck is how often a run reads its broadcast's stored state
// between the chunks it marks.
const stateRecheck = 250 * time.Millisecond

// stillSending says whether r's broadcast is still sending, by the
// store at most stateRecheck ago. Chunks are marked only while it is
// (markChunk), but the sends of chunks marked before a pause would all
// go out when the pause came through another instance whose
// announcement was lost: this bounds them to about stateRecheck's worth.
// A broadcast found stopped stops the run.
func (s *Service) stillSending(r *run) bool {
	r.smu.Lock()
	defer r.smu.Unlock()
	if r.stopped {
		return false
	}
	if !r.checked.IsZero() && time.Since(r.checked) < stateRecheck {
		return true
	}
	b, err := s.Get(r.id)
	if err != nil {
		return true // the marks decide; a store that cannot answer fails the commit too
	}
	r.checked = time.Now()
	if b.State != StateSending {
		r.stopped = true
		s.remember(b)
		r.cancel()
		return false
	}
	return true
}

// sendKind is the send policy's kind of a job in round.
func (j *job) sendKind(round int) sendpolicy.Kind {
	switch {
	case round > 0:
		return sendpolicy.KindReminder
	case j.kind == KindCheckin:
		return sendpolicy.KindCheckin
	}
	return sendpolicy.KindBroadcast
}

// policy is the send policy with the service's settings.
func (s *Service) policy() sendpolicy.Policy {
	return sendpolicy.Policy{FastAttempts: s.cfg.MaxAttempts, Backoff: s.cfg.Backoff, Grace: s.cfg.InFlightGrace,
		MaxWait: s.cfg.MaxWait, LongBase: s.cfg.WaitBase}
}

// HoldPerson waits for a broadcast send to user already under way and
// keeps new ones from starting until the returned func is called: an
// erasure runs in between, so that no broadcast reaches the person after.
func (s *Service) HoldPerson(user string) (release func()) { return s.people.Exclusive(user) }

type commitOutcome struct {
	retries int
	nextAt  time.Time
	err     error
}

// commitLoop records results in group commits: one transaction for many
// recipients keeps the fsync cost per message small.
func (s *Service) commitLoop(r *run, b *Broadcast, results <-chan *result, slots chan struct{}) commitOutcome {
	var (
		out     commitOutcome
		pending []*result
		fixRun  int
		tick    = time.NewTicker(s.cfg.CommitEvery)
	)
	defer tick.Stop()
	flush := func() {
		if len(pending) == 0 {
			return
		}
		if s.isCrashed() {
			pending = pending[:0] // like kill -9: the results are lost
			return
		}
		if r.broken.Load() {
			// As after a crash: these sends stay "sending" in the store,
			// and the next run treats them as in flight.
			for range pending {
				select {
				case <-slots:
				default:
				}
			}
			pending = pending[:0]
			return
		}
		if err := s.commit(r, b, pending, &out, &fixRun); err != nil && out.err == nil {
			out.err = err
		}
		for range pending {
			select {
			case <-slots:
			default:
			}
		}
		pending = pending[:0]
	}
	for {
		select {
		case res, ok := <-results:
			if !ok {
				flush()
				return out
			}
			pending = append(pending, res)
			if len(pending) >= s.cfg.ChunkSize {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// commit applies a group of results.
func (s *Service) commit(r *run, b *Broadcast, rs []*result, out *commitOutcome, fixRun *int) error {
	var (
		people    = map[string]*personOutcome{}
		alertCode int
		alertMsg  string
		delta     Progress // what the records of rs add to the counts
	)
	person := func(j *job) *personOutcome {
		p := people[j.rec.WaID]
		if p == nil {
			p = &personOutcome{user: j.rec.WaID, seq: j.seq}
			people[j.rec.WaID] = p
		}
		return p
	}
	for _, res := range rs {
		j := res.job
		rec := &j.rec
		if res.unsent {
			rec.State = recPending
			continue
		}
		if res.err == nil {
			*fixRun = 0
			s.markPair(rec.WaID, res.at)
			first := rec.SentAt.IsZero()
			rec.State, rec.Phone, rec.WAMID, rec.Code, rec.Reason = recSent, res.phone, res.res.MessageID, 0, ""
			if first {
				rec.SentAt = res.at
			}
			if r.round == 0 {
				delta.Sent++
			} else {
				delta.Reminders++
			}
			p := person(j)
			p.sent = &sentRecord{res.at, callbackData(r.id, j.seq, r.round), rec.WaID}
			if j.kind != KindNotice {
				p.member = &Member{Seq: j.seq, Kind: j.kind, WAMID: rec.WAMID, FirstSentAt: rec.SentAt, Until: rec.SentAt.Add(s.cfg.AnswerWindow)}
			}
			continue
		}
		if rec.FirstTry.IsZero() {
			rec.FirstTry = res.at
		}
		var se *whatsapp.SendError
		if !errors.As(res.err, &se) {
			se = &whatsapp.SendError{Action: whatsapp.ActionRetry, Timeout: true, Err: res.err}
		}
		reason := reasonOf(se)
		// why is what the record says; the counts go by reason (the code).
		final := func(why string) {
			if r.round == 0 {
				rec.State, rec.Code, rec.Reason = recFailed, se.Code, why
				delta.Failed++
				incr(&delta.FailedBy, reason, 1)
			} else {
				// The broadcast itself reached them; only the reminder failed.
				rec.State, rec.Code, rec.Reason = recSent, se.Code, "reminder: "+why
			}
		}
		// One policy for every message that leaves (package sendpolicy),
		// decided in the send step: what a code means here is what it
		// means for a reply, and the step has done what it means for the
		// number (pause, slow-down, the outage alert).
		d := res.d
		if d.Verdict == sendpolicy.HoldForStatus && s.cfg.InFlightGrace < 0 {
			d.Delay = s.cfg.Backoff(se.Action, rec.Attempts+1) // no grace: send again after the usual backoff
		}
		// Still failing after the fast retries: a template can be
		// delivered for the template wait from the first attempt, so the
		// recipient waits through the outage until then, and fails after.
		outage := d.Verdict == sendpolicy.WaitLong
		if outage {
			if deadline := rec.FirstTry.Add(s.cfg.TemplateWait); res.at.Before(deadline) {
				d.Delay = min(d.Delay, deadline.Sub(res.at)) // the last try is at the deadline
			} else {
				d.Verdict, d.Reason = sendpolicy.Fail, fmt.Sprintf("%s: still failing after %s, the template wait", reason, s.cfg.TemplateWait)
			}
		}
		switch {
		case d.Alert:
			rec.State = recPending
			// A PauseNumber verdict has paused the number, not only
			// this broadcast, in the send step: replies from it stop too.
			alertCode, alertMsg = se.Code, "account-level error from WhatsApp: "+se.Error()
		case d.Verdict == sendpolicy.Retry || d.Verdict == sendpolicy.WaitLong || d.Verdict == sendpolicy.HoldForStatus:
			if se.Timeout {
				// The outcome is unknown: the retry, after the grace, may
				// be a second copy.
				rec.Dups++
				delta.Dups++
			}
			rec.Attempts++
			rec.State, rec.Code, rec.Reason = recRetry, se.Code, reason
			rec.NotBefore = res.at.Add(d.Delay)
			delta.Retrying++
			out.retries++
			if out.nextAt.IsZero() || rec.NotBefore.Before(out.nextAt) {
				out.nextAt = rec.NotBefore
			}
		default: // failed for good, including retries run out and 131047 (we only send templates)
			if d.Action.Retryable() {
				rec.Attempts++
			}
			if outage {
				final(d.Reason)
			} else {
				final(reason)
			}
			if d.Unreachable {
				p := person(j)
				p.unreachCode, p.unreachAt = se.Code, res.at
			}
			if d.Action == whatsapp.ActionFixRequest {
				*fixRun++
				if *fixRun >= s.cfg.FixErrorsPause {
					alertCode, alertMsg = se.Code, fmt.Sprintf("%d request or template errors in a row, last: %s", *fixRun, se.Error())
				}
			}
		}
	}
	if s.resultsFault != nil {
		if err := s.resultsFault(r.id); err != nil {
			r.broken.Store(true)
			r.cancel()
			return fmt.Errorf("record send results: %w", err)
		}
	}

	// A send's outcome is two scoped writes: each person's records (the
	// open check-in, the send counted for the frequency cap, the
	// unreachable mark), then the broadcast's (the recipient records and
	// the progress). Both are fenced by r's token, and wmu keeps the
	// feeder's progress write from coming between them. In this order a
	// crash between the steps is safe: the recipient records still say
	// "sending", so the restart treats the sends as in flight (a status
	// webhook records them, or after the grace they are sent again and
	// counted as possible duplicates), as for a crash before the commit;
	// and the person's records written first are true (the message went
	// out, the number is unreachable) and are written again idempotently:
	// the membership and the mark under fixed keys, the send record only
	// when none with the message's reference exists, and the decision
	// ignores that record when it counts the person's earlier messages.
	// The other order would leave a recipient recorded sent whose answer
	// finds no membership, which no restart repairs.
	//
	// The counts in delta go into the progress only in the transaction
	// of the records they count (recordResults), and into the run's
	// memory after it: a chunk marked meanwhile stores none of them, so
	// a crash before this commit leaves none counted.
	r.wmu.Lock()
	err := s.recordPeople(r, people)
	if err == nil && s.outcomeFault != nil {
		err = s.outcomeFault(r.id)
	}
	var written Progress
	if err == nil {
		written, err = s.recordResults(r, rs, &delta)
	}
	if err != nil {
		r.broken.Store(true)
	} else {
		r.pmu.Lock()
		r.p.setCounts(&written)
		r.pmu.Unlock()
	}
	r.wmu.Unlock()
	if err != nil {
		s.fenced(r, err)
		r.cancel()
		return fmt.Errorf("record send results: %w", err)
	}
	if alertMsg != "" {
		if err := s.runAlert(r, alertCode, alertMsg); err != nil {
			return err
		}
		r.cancel()
	}
	return nil
}

// sentRecord notes a message sent to a person at a time: it counts
// against the frequency cap and the daily limit, and ref (the message's
// callback data) says which broadcast and recipient it was, for the
// person's conversation view (transcript.go).
type sentRecord struct {
	at   time.Time
	ref  string
	user string
}

// personOutcome is what one commit changes on one person's records.
type personOutcome struct {
	user        string
	seq         uint64      // their recipient record in the run's broadcast
	member      *Member     // an open check-in (nil: a notice, or not sent)
	sent        *sentRecord // a message sent (nil: none)
	unreachCode int         // a final error that may mark them unreachable (0: none)
	unreachAt   time.Time   // when that error came back
}

// peopleInFlight bounds the person transactions of one commit that run
// at once: they share the store's group syncs.
const peopleInFlight = 16

// recordPeople writes each person's share of a commit, one transaction
// in their scope each, run side by side. Each checks r's fencing token
// (a read of the broadcast's progress, which a later holder's claim
// conflicts with) and leaves alone a person erased since the message was
// picked: the erasure blanked their recipient record, and nothing more
// may be kept about them.
func (s *Service) recordPeople(r *run, people map[string]*personOutcome) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sem   = make(chan struct{}, peopleInFlight)
	)
	for _, p := range people {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.recordPerson(r, p); err != nil {
				mu.Lock()
				if first == nil || errors.Is(err, store.ErrFenced) {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// recordPerson writes one person's share of a commit; written again
// with the same outcome, it changes nothing (see commit).
func (s *Service) recordPerson(r *run, p *personOutcome) error {
	return s.db.Write(storeCtx, store.UserScope(p.user), func(tx store.Writer) error {
		if err := store.CheckBroadcastFence[*Progress](storeCtx, tx, r.id, r.lease.Token); err != nil {
			return err
		}
		stored, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, r.id, p.seq)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if stored.WaID == "" {
			return nil // erased
		}
		if p.member != nil {
			if err := store.PutBroadcastMember(storeCtx, tx, p.user, r.id, p.member, s.cfg.AnswerWindow+24*time.Hour); err != nil {
				return err
			}
		}
		if f := p.sent; f != nil {
			known := false
			err := store.EachBroadcastSend(storeCtx, tx, p.user, func(_ time.Time, ref string) error {
				if ref == f.ref {
					known = true
					return store.ErrStop
				}
				return nil
			})
			if err != nil && !errors.Is(err, store.ErrStop) {
				return err
			}
			if !known {
				if err := store.PutBroadcastSend(storeCtx, tx, p.user, f.at, f.ref, s.cfg.FrequencyWindow+24*time.Hour); err != nil {
					return err
				}
			}
		}
		// A final recipient error goes on the contact before the round's
		// results, so nobody reads a finished round whose failures are
		// not yet on the contacts; the store decides what the code means
		// (a 131026 leaves them out of later broadcasts until they write
		// in or an admin clears it). At the error's own time, so that
		// writing it again after they wrote in does not mark them again.
		if p.unreachCode != 0 {
			if _, err := store.MarkUnreachable(tx, p.user, p.unreachCode, p.unreachAt); err != nil {
				return fmt.Errorf("record failure on contact: %w", err)
			}
		}
		return nil
	})
}

// recordResults writes the recipient records of a commit with the
// counts d they add to the progress, in one transaction of the
// broadcast's scope whose first step is the fencing check: a run that
// lost its lease to a later holder commits nothing. It returns the
// progress written. A person erased while their message was picked or in
// flight keeps the record the erasure left: no wa_id, nothing more sent.
func (s *Service) recordResults(r *run, rs []*result, d *Progress) (Progress, error) {
	var written Progress
	err := s.db.Write(storeCtx, store.BroadcastScope(r.id), func(tx store.Writer) (err error) {
		if written, err = putProgress(tx, r, func(p *Progress) { p.add(d) }); err != nil {
			return err
		}
		for _, res := range rs {
			stored, err := store.GetBroadcastRecipient[Recipient](storeCtx, tx, r.id, res.job.seq)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if stored.WaID == "" && res.job.rec.WaID != "" {
				continue
			}
			if err := store.PutBroadcastRecipient(storeCtx, tx, r.id, res.job.seq, &res.job.rec); err != nil {
				return err
			}
		}
		return nil
	})
	return written, err
}

func reasonOf(se *whatsapp.SendError) string {
	switch {
	case se.HasCode:
		return strconv.Itoa(se.Code)
	case se.Timeout:
		return "timeout"
	case se.HTTPStatus != 0:
		return "http_" + strconv.Itoa(se.HTTPStatus)
	}
	return "error"
}

// alert records an account-level problem on the broadcast, pauses it when
// asked, logs loudly and tells the integrations. It is for what no run
// decides (a delivery status, the SMS fallback); a run alerts with
// runAlert.
func (s *Service) alert(id string, code int, msg string, pause bool) {
	now := s.now()
	_, err := s.update(id, func(b *Broadcast) error {
		addAlert(b, now, code, msg)
		if pause && b.advance(EvAlert) {
			b.PauseReason = "alert: " + msg
		}
		return nil
	})
	if err != nil {
		s.log.Error().Err(err).Str("broadcast", id).Msg("record alert")
	}
	s.alerted(id, now, code, msg, pause)
}

// runAlert is alert for a run, which pauses the broadcast: fenced like
// every write of a run, and neither logged nor told to the integrations
// when refused, since the later holder decides.
func (s *Service) runAlert(r *run, code int, msg string) error {
	now := s.now()
	_, err := s.runUpdate(r, func(b *Broadcast) error {
		addAlert(b, now, code, msg)
		if b.advance(EvAlert) {
			b.PauseReason = "alert: " + msg
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record alert: %w", err)
	}
	s.alerted(r.id, now, code, msg, true)
	return nil
}

// alerted logs a recorded alert loudly and tells the integrations.
func (s *Service) alerted(id string, now time.Time, code int, msg string, pause bool) {
	s.log.Error().Str("broadcast", id).Int("code", code).Str("alert", msg).Bool("paused", pause).Msg("ALERT: broadcast needs an admin")
	s.queueEventNow(Event{Type: "broadcast.alert", Broadcast: id, At: now, Code: code, Message: msg})
}

// addAlert keeps an alert on the broadcast; the first 50 are kept.
func addAlert(b *Broadcast, at time.Time, code int, msg string) {
	if len(b.Alerts) < 50 {
		b.Alerts = append(b.Alerts, Alert{At: at, Code: code, Message: msg})
	}
}
