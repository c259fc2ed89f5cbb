package broadcast

import (
	"context"
	"errors"
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
// cancellation does. When another holder has the lease, the run waits one
// lease TTL before it ends, so that the control loop does not ask again
// at once.
func (s *Service) holdLease(r *run) (release func(), ok bool) {
	ctx, l, release, err := coord.Hold(r.ctx, s.leases, leaseName(r.id), s.holder, s.cfg.LeaseTTL)
	if err != nil {
		if errors.Is(err, coord.ErrHeld) {
			s.log.Debug().Str("broadcast", r.id).Msg("another instance dispatches this broadcast")
		} else {
			s.log.Error().Err(err).Str("broadcast", r.id).Msg("take the broadcast's lease")
		}
		t := time.NewTimer(s.cfg.LeaseTTL)
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
