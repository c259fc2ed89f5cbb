package broadcast

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lifeline/coord"
	"lifeline/store"
)

// Folding the counts. Each recipient's statuses and answer add to a
// share of the broadcast's counts kept in the person's scope (bump), and
// a read adds the shares up: a broadcast of 100,000 would be 100,000
// records to read. The folder adds the shares into the broadcast's base
// epoch by epoch (store.FoldBroadcastCounts), so that a read walks only
// what came in since the fold before last. Each step is right beside
// another folder or after a crash; the lease only keeps instances from
// doing the same work twice.

// foldLease names the lease whose holder folds the counts of every
// broadcast.
const foldLease = "broadcast-counts.fold"

// foldDeletes is how many folded shares one step deletes.
const foldDeletes = 1000

// foldLoop folds the counts every FoldEvery while this instance holds
// the folder's lease.
func (s *Service) foldLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.FoldEvery)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		if err := s.foldUnderLease(); err != nil && !errors.Is(err, coord.ErrHeld) && s.ctx.Err() == nil {
			s.log.Warn().Err(err).Msg("fold broadcast counts")
		}
	}
}

func (s *Service) foldUnderLease() error {
	ctx, _, release, err := coord.Hold(s.ctx, s.leases, foldLease, s.holder, s.cfg.LeaseTTL)
	if err != nil {
		return err
	}
	defer release()
	return s.FoldCounts(ctx)
}

// FoldCounts folds the counts of every broadcast that may still receive
// statuses or answers: those not finished, and those finished within the
// answer window and a day. A later share of an older broadcast is still
// counted by every read, only not folded. An epoch is folded FoldEvery
// after it closed: a turn that read it as the open one has had that long
// to commit (see store.FoldBroadcastCounts).
func (s *Service) FoldCounts(ctx context.Context) error {
	var ids []string
	now := s.now()
	horizon := now.Add(-s.cfg.AnswerWindow - 24*time.Hour)
	err := s.db.Read(ctx, func(r store.Reader) error {
		ids = ids[:0]
		return store.EachBroadcast(ctx, r, true, func(b Broadcast) error {
			if !b.terminal() || b.CompletedAt.IsZero() || b.CompletedAt.After(horizon) {
				ids = append(ids, b.ID)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("fold counts: list broadcasts: %w", err)
	}
	whose := func(r *Recipient) string { return r.WaID }
	for _, id := range ids {
		for ctx.Err() == nil {
			did, err := store.FoldBroadcastCounts[Counts](ctx, s.db, id, whose, now, s.cfg.FoldEvery, foldDeletes)
			if err != nil {
				return err
			}
			if !did {
				break
			}
		}
	}
	return ctx.Err()
}
