package broadcast

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lifeline/coord"
	"lifeline/store"
)

// leaseName names the lease whose holder dispatches broadcast id. With
// several instances, only the holder sends; another takes over from the
// stored progress when the lease expires.
func leaseName(id string) string { return "broadcast." + id }

// holdLease takes the lease of r's broadcast before r sends anything; r's
// context then ends when the lease is lost, which stops the run as a
// cancellation does. When another holder has the lease, the run waits a
// third of the lease TTL before it ends, so that the control loop does
// not ask again at once, yet looks often enough to take over a dead
// holder's lease soon after it expired (on JetStream an instance must
// have seen the holder's last renewal one TTL before it may take over).
func (s *Service) holdLease(r *run) (release func(), ok bool) {
	ctx, l, release, err := coord.Hold(r.ctx, s.leases, leaseName(r.id), s.holder, s.cfg.LeaseTTL)
	if err != nil {
		if errors.Is(err, coord.ErrHeld) {
			s.log.Debug().Str("broadcast", r.id).Msg("another instance dispatches this broadcast")
		} else {
			s.log.Error().Err(err).Str("broadcast", r.id).Msg("take the broadcast's lease")
		}
		t := time.NewTimer(max(s.cfg.LeaseTTL/3, time.Millisecond))
		defer t.Stop()
		select {
		case <-r.ctx.Done():
		case <-t.C:
		}
		return nil, false
	}
	// Only this goroutine has read r.ctx so far; the run's workers start
	// after this and see the lease's context.
	r.ctx, r.lease = ctx, l
	return release, true
}

// leaseLost logs when r stopped because its lease passed to another holder.
func (s *Service) leaseLost(r *run) {
	if cause := context.Cause(r.ctx); errors.Is(cause, coord.ErrLost) {
		s.log.Warn().Str("broadcast", r.id).Uint64("token", r.lease.Token).Err(cause).
			Msg("broadcast lease lost; its next holder continues from the stored progress")
	}
}

// fenced stops r when err is the store's refusal of a write under r's
// lease token because a later holder has written: r's results are stale
// and the later holder continues from the progress it stored. It logs the
// first refusal of the run only; later batches of the same run end alike.
func (s *Service) fenced(r *run, err error) {
	var fe *store.FencedError
	if !errors.As(err, &fe) {
		return
	}
	if r.fenced.CompareAndSwap(false, true) {
		s.log.Warn().Str("broadcast", r.id).Uint64("token", fe.Own).Uint64("stored_token", fe.Stored).
			Msg("broadcast results refused: a later lease holder has written; this run stops and commits nothing")
	}
	r.cancel()
}

// leased runs fn, a step of broadcast id's lifecycle that no dispatch run
// makes (starting a reminder round, completing), under the broadcast's
// dispatch lease, as a run of its own: it takes the lease (ErrHeld from
// coord when another instance holds it, which decides instead), claims
// the progress under the lease's token like a run, and gives fn a run
// whose writes are fenced by that token. So an instance whose control
// loop read the broadcast before another took the lease over, and acts
// on that stale reading, is refused its state change.
func (s *Service) leased(id string, fn func(r *run) error) error {
	ctx, l, release, err := coord.Hold(s.ctx, s.leases, leaseName(id), s.holder, s.cfg.LeaseTTL)
	if err != nil {
		return fmt.Errorf("take the lease of broadcast %s: %w", id, err)
	}
	defer release()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &run{id: id, ctx: rctx, cancel: cancel, lease: l}
	if _, err := s.claim(r); err != nil {
		return err
	}
	return fn(r)
}

// quietStepError says whether err, from a leased step, is what happens
// when instances take turns: another holds the lease, a later holder
// decided, or the broadcast has moved on (cancelled meanwhile).
func quietStepError(err error) bool {
	return errors.Is(err, coord.ErrHeld) || errors.Is(err, store.ErrFenced) || errors.Is(err, ErrState)
}
