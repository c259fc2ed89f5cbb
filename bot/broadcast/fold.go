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
// records to read. The folder moves the shares into the broadcast's base
// in rounds (store.FoldBroadcastCounts), so that a read walks only what
// came in since the last pass. A round is right even beside another
// folder or after a crash mid-round; the lease only keeps instances from
// doing the same work twice.

// foldLease names the lease whose holder folds the counts of every
// broadcast.
const foldLease = "broadcast-counts.fold"

// foldRound is how many shares one round moves: the base lists them
// while the round is open, one record.
const foldRound = 500

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
	_, err = s.FoldCounts(ctx)
	return err
}

// FoldCounts folds the counts of every broadcast that may still receive
// statuses or answers: those not finished, and those finished within the
// answer window and a day. A later share of an older broadcast is still
// counted by every read, only not folded. It returns how many shares it
// moved.
func (s *Service) FoldCounts(ctx context.Context) (int, error) {
	var ids []string
	horizon := s.now().Add(-s.cfg.AnswerWindow - 24*time.Hour)
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachBroadcast(ctx, r, true, func(b Broadcast) error {
			if !b.terminal() || b.CompletedAt.IsZero() || b.CompletedAt.After(horizon) {
				ids = append(ids, b.ID)
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("fold counts: list broadcasts: %w", err)
	}
	total := 0
	for _, id := range ids {
		n, err := s.foldCounts(ctx, id)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// foldCounts folds broadcast id's counts round after round until a
// round finds nothing to move.
func (s *Service) foldCounts(ctx context.Context, id string) (int, error) {
	whose := func(r *Recipient) string { return r.WaID }
	total := 0
	for ctx.Err() == nil {
		n, err := store.FoldBroadcastCounts[Counts](ctx, s.db, id, whose, foldRound)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, ctx.Err()
}
