package places

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"lifeline/coord"
	"lifeline/store"
)

// ChangedTopic is the bus topic that announces a changed place, so that
// every instance updates its index from the store before its next
// answer. The announcement names the place (none: reload all); the
// store stays the source of truth.
const ChangedTopic = "places.changed"

// changedBuffer is how many announcements a follower may fall behind;
// past that it reloads every place rather than trust what it missed.
const changedBuffer = 256

type changedNotice struct {
	From string `json:"from"`         // the announcing service, to skip its own
	ID   string `json:"id,omitempty"` // empty: many places changed (an import)
}

func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// announce tells the other instances that place id (or, for "", many
// places) changed. The change is committed and indexed here already.
func (s *Service) announce(id string) {
	if s.bus == nil {
		return
	}
	b, _ := json.Marshal(changedNotice{From: s.nonce, ID: id})
	if err := s.bus.Publish(context.Background(), ChangedTopic, b); err != nil {
		s.log.Warn().Err(err).Str("place", id).Msg("place change not announced to other instances")
	}
}

// Start loads the index and, with a bus, follows the other instances'
// changes until Close.
func (s *Service) Start(ctx context.Context) error {
	if s.bus != nil {
		sub, err := s.bus.Subscribe(ChangedTopic, changedBuffer)
		if err != nil {
			return fmt.Errorf("follow place changes: %w", err)
		}
		done := make(chan struct{})
		s.unfollow = func() { sub.Close(); <-done }
		go s.follow(sub, done)
	}
	return s.Load(ctx)
}

// Close stops following other instances' changes; searches keep working.
func (s *Service) Close() {
	if s.unfollow != nil {
		s.unfollow()
	}
}

func (s *Service) follow(sub *coord.Subscription, done chan<- struct{}) {
	defer close(done)
	dropped := sub.Dropped()
	for m := range sub.C {
		var n changedNotice
		if err := json.Unmarshal(m.Data, &n); err != nil {
			s.log.Warn().Err(err).Msg("unreadable place announcement skipped")
			continue
		}
		if now := sub.Dropped(); now != dropped {
			dropped, n.ID = now, "" // some were lost: reload all
		} else if n.From == s.nonce {
			continue
		}
		if err := s.refresh(context.Background(), n.ID); err != nil {
			s.log.Error().Err(err).Str("place", n.ID).Msg("reload announced place change")
		}
	}
}

// refresh reloads place id from the store into the index, or every place
// for "".
func (s *Service) refresh(ctx context.Context, id string) error {
	if id == "" {
		return s.Load(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var p Place
	err := s.db.Read(ctx, func(r store.Reader) (err error) {
		p, err = store.GetPlace[Place](ctx, r, id)
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.idx.Remove(id)
	case err != nil:
		return err
	default:
		s.idx.Put(p)
	}
	return nil
}
