package broadcast

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lifeline/coord"
	"lifeline/store"
)

// With several instances (LIFELINE_BACKEND=nats) every instance must know
// every open broadcast, so that any of them can take a dead dispatcher's
// run over, and an admin's pause or cancellation through one instance
// must stop the run on whichever instance dispatches it. Two paths carry
// that knowledge, because the bus is at most once:
//
//   - a change announced on the bus (ChangesTopic) after it committed:
//     every other instance reads the broadcast again, stops its run at
//     once when the broadcast is no longer sending, and lets its control
//     loop start (and compete for the lease of) one that is;
//   - a rescan of the stored broadcasts every Config.Rescan, which finds
//     what a lost announcement did not say.
//
// Neither is what keeps a paused broadcast from sending: the dispatcher
// marks each chunk "sending" in a transaction that reads the broadcast's
// state (markChunk), so once a pause or cancellation has committed no
// chunk is marked any more; the announcement only makes the run stop
// before its next chunk and give back what was queued but not sent.

// ChangesTopic is the bus topic on which an instance announces that a
// broadcast changed (created, paused, resumed, cancelled, sent, ...).
const ChangesTopic = "broadcast.changes"

// change is a message on ChangesTopic. State is the state committed by
// the announcing instance: a hint for stopping at once, since the
// announcements of two instances may arrive in either order; the
// receiver reads the broadcast again before it starts anything.
type change struct {
	ID    string `json:"id"`
	State string `json:"state"`
	From  string `json:"from"`
	// SMS: a late 131026 came in through the announcing instance; the
	// dispatching instance runs the SMS fallback's pass at once
	// (StatusCommitted). The broadcast itself did not change.
	SMS bool `json:"sms,omitempty"`
}

// changesBuffer is how many announcements a slow instance may have
// waiting before it loses some (the rescan finds what they said).
const changesBuffer = 1024

// announce tells the other instances that broadcast id changed to state.
// A failure is logged: the rescan makes up for it.
func (s *Service) announce(id, state string) {
	s.publish(change{ID: id, State: state, From: s.holder})
}

// announceSMS tells the other instances that broadcast id, in state,
// has a recipient its SMS fallback must look at now. An instance that
// does not know the field reads it as a change to state.
func (s *Service) announceSMS(id, state string) {
	s.publish(change{ID: id, State: state, From: s.holder, SMS: true})
}

func (s *Service) publish(c change) {
	if s.bus == nil {
		return
	}
	id := c.ID
	raw, err := json.Marshal(c)
	if err == nil {
		err = s.bus.Publish(s.ctx, ChangesTopic, raw)
	}
	if err != nil && !errors.Is(err, coord.ErrClosed) && s.ctx.Err() == nil {
		s.log.Warn().Err(err).Str("broadcast", id).Msg("announce broadcast change; the other instances find it at their next rescan")
	}
}

// startSpread subscribes to the other instances' announcements and
// starts the loop that hears them and rescans; nothing without a bus.
func (s *Service) startSpread() error {
	if s.bus == nil {
		return nil
	}
	sub, err := s.bus.Subscribe(ChangesTopic, changesBuffer)
	if err != nil {
		return fmt.Errorf("hear broadcast changes of the other instances: %w", err)
	}
	s.wg.Add(1)
	go s.spreadLoop(sub)
	return nil
}

func (s *Service) spreadLoop(sub *coord.Subscription) {
	defer s.wg.Done()
	defer sub.Close()
	t := time.NewTicker(s.cfg.Rescan)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case m, ok := <-sub.C:
			if !ok {
				return
			}
			s.heard(m)
		case <-t.C:
			if err := s.rescan(); err != nil && s.ctx.Err() == nil {
				s.log.Warn().Err(err).Msg("rescan open broadcasts")
			}
		}
	}
}

// heard acts on another instance's announcement.
func (s *Service) heard(m coord.Message) {
	var c change
	if err := json.Unmarshal(m.Data, &c); err != nil || c.ID == "" {
		s.log.Warn().Err(err).Msg("unreadable broadcast change on the bus; ignored")
		return
	}
	if c.From == s.holder {
		return
	}
	if c.SMS {
		s.smsDue(c.ID, false)
		return
	}
	if c.State != StateSending {
		// Stop now, without waiting for the read below: the run gives
		// back what it queued and records what went out.
		s.cancelRun(c.ID)
	}
	b, err := s.Get(c.ID)
	if err != nil {
		s.log.Warn().Err(err).Str("broadcast", c.ID).Msg("read a broadcast another instance changed; the next rescan tries again")
		return
	}
	s.known(b)
	s.poke()
}

// rescan reads every stored broadcast that is not finished and brings
// the cache of open broadcasts up to date: what another instance created
// or changed while its announcement was lost. It reads under the
// service's context, which Close ends: on a cluster electing a leader a
// read waits up to a JetStream request's timeout (12 s), and a stop
// waiting for it went past its bound.
func (s *Service) rescan() error {
	open := map[string]*Broadcast{}
	err := s.db.Read(s.ctx, func(r store.Reader) error {
		return store.EachBroadcast(s.ctx, r, false, func(b Broadcast) error {
			if !b.terminal() {
				open[b.ID] = &b
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("scan broadcasts: %w", err)
	}
	s.mu.Lock()
	var gone []string
	for id := range s.docs {
		if open[id] == nil {
			gone = append(gone, id)
		}
	}
	s.mu.Unlock()
	for _, id := range gone {
		// Finished (or erased) elsewhere.
		s.cancelRun(id)
		s.mu.Lock()
		delete(s.docs, id)
		s.mu.Unlock()
	}
	for _, b := range open {
		s.known(b)
	}
	s.poke()
	return nil
}

// known keeps b, read from the store, in the cache of open broadcasts,
// and stops this instance's run of it when it is no longer sending.
func (s *Service) known(b *Broadcast) {
	s.remember(b)
	if b.State != StateSending {
		s.cancelRun(b.ID)
	}
}

// cancelRun stops this instance's run of id, if any, without waiting for
// its sends in flight (stopRun waits).
func (s *Service) cancelRun(id string) {
	s.mu.Lock()
	r := s.runs[id]
	s.mu.Unlock()
	if r != nil {
		r.cancel()
	}
}

// Dispatching reports whether this instance runs a round of broadcast id
// now under its lease. A run whose lease context has ended (lost, or the
// run stopped) no longer counts although it may still be winding down,
// recording the sends it had in flight: those writes are fenced, and by
// then another instance may hold the lease, so counting the run would
// report two dispatchers where only one sends new messages.
func (s *Service) Dispatching(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs[id]
	// holding first: r.ctx is set before holding is stored, so it is
	// read only once the load has ordered it.
	return r != nil && r.holding.Load() && r.ctx.Err() == nil
}

// Running reports whether a run of broadcast id is alive on this
// instance: dispatching, waiting for the lease, or winding down after it
// stopped (recording the sends it had in flight).
func (s *Service) Running(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[id] != nil
}
