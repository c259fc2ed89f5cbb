package kb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"lifeline/coord"
)

// LiveTopic is the bus topic that announces a new live FAQ version, so
// that every instance reloads its index from the store. The announcement
// only says which version went live; the store stays the source of truth.
const LiveTopic = "faq.live"

// liveBuffer is how many announcements a follower may fall behind. A lost
// announcement is harmless once a later one arrives: a reload always loads
// whatever version is live in the store.
const liveBuffer = 16

type liveNotice struct {
	Version int `json:"version"`
}

// announce tells every instance that version n is live. The version is
// already committed and live here; an announcement that fails leaves the
// other instances on their version until the next one.
func (k *KB) announce(n int) {
	if k.opts.Bus == nil {
		return
	}
	b, _ := json.Marshal(liveNotice{Version: n})
	if err := k.opts.Bus.Publish(context.Background(), LiveTopic, b); err != nil {
		k.log.Warn().Err(err).Int("version", n).Msg("new faq version not announced to other instances")
	}
}

// follow reloads the index whenever another instance announces a newer
// live version. It ends when sub is closed.
func (k *KB) follow(sub *coord.Subscription, done chan<- struct{}) {
	defer close(done)
	for m := range sub.C {
		var n liveNotice
		if err := json.Unmarshal(m.Data, &n); err != nil {
			k.log.Warn().Err(err).Msg("unreadable faq announcement skipped")
			continue
		}
		if n.Version <= k.Version() {
			continue // ours, or one we already have
		}
		if _, err := k.Reload(); err != nil {
			k.log.Error().Err(err).Int("version", n.Version).Msg("reload announced faq version")
		}
	}
}

// Reload loads the version that is live in the store and swaps its index
// in when it differs from the one in memory; it returns the version now
// live in memory. A failure keeps the index in memory as it was.
func (k *KB) Reload() (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, err := k.loadLive()
	if errors.Is(err, ErrNotFound) {
		return k.Version(), nil
	}
	if err != nil {
		return k.Version(), fmt.Errorf("reload faq: %w", err)
	}
	if v.N == k.Version() {
		return v.N, nil
	}
	snap, err := buildSnapshot(v.N, v.Entries, k.opts.ThesaurusDir)
	if err != nil {
		return k.Version(), fmt.Errorf("index faq version %d: %w", v.N, err)
	}
	k.live.Store(snap)
	k.refreshOverlay()
	k.log.Info().Int("version", v.N).Int("entries", len(v.Entries)).Msg("faq version reloaded")
	return v.N, nil
}

// followOverlay rebuilds the overlay index whenever an instance announces
// a change of it (its own announcements included: a rebuild is idempotent).
func (k *KB) followOverlay(sub *coord.Subscription, done chan<- struct{}) {
	defer close(done)
	for range sub.C {
		k.mu.Lock()
		k.refreshOverlay()
		k.mu.Unlock()
	}
}

// startFollowing subscribes to announcements when a bus is configured.
func (k *KB) startFollowing() error {
	if k.opts.Bus == nil {
		return nil
	}
	sub, err := k.opts.Bus.Subscribe(LiveTopic, liveBuffer)
	if err != nil {
		return fmt.Errorf("follow faq versions: %w", err)
	}
	osub, err := k.opts.Bus.Subscribe(OverlayTopic, liveBuffer)
	if err != nil {
		sub.Close()
		return fmt.Errorf("follow faq overlay: %w", err)
	}
	done, odone := make(chan struct{}), make(chan struct{})
	k.unfollow = func() { sub.Close(); osub.Close(); <-done; <-odone }
	go k.follow(sub, done)
	go k.followOverlay(osub, odone)
	return nil
}

// Close stops following other instances' versions; searches keep working.
func (k *KB) Close() {
	if k.unfollow != nil {
		k.unfollow()
	}
}
