package handoffs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeline/catalog"
	"lifeline/store"
)

// compareQueue orders waiting before active; then urgent (danger to
// life) first, then priority (needs help), then the rest; oldest first
// within each.
func compareQueue(a, b *Handoff) int {
	if a.Status != b.Status {
		if a.Status == Waiting {
			return -1
		}
		if b.Status == Waiting {
			return 1
		}
	}
	if a.Urgent != b.Urgent {
		if a.Urgent {
			return -1
		}
		return 1
	}
	if a.Priority != b.Priority {
		if a.Priority {
			return -1
		}
		return 1
	}
	return a.CreatedAt.Compare(b.CreatedAt)
}

func loadHandoffs(ctx context.Context, r store.Reader) ([]Handoff, error) {
	var all []Handoff
	err := store.EachHandoff(ctx, r, func(h Handoff) error {
		all = append(all, h)
		return nil
	})
	return all, err
}

// queuePositions numbers the waiting handoffs in queue order.
func queuePositions(all []Handoff) map[string]int {
	var waiting []*Handoff
	for i := range all {
		if all[i].Status == Waiting {
			waiting = append(waiting, &all[i])
		}
	}
	slices.SortStableFunc(waiting, compareQueue)
	pos := make(map[string]int, len(waiting))
	for i, h := range waiting {
		pos[h.ID] = i + 1
	}
	return pos
}

// waitRanges are the upper bounds of the wait estimates users are told:
// ranges, never a precise number of minutes nobody can promise.
var waitRanges = []time.Duration{5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour}

// estimateBucket estimates the wait at position pos from how long recent
// handoffs waited before an agent claimed them: the median recent wait
// times the position. -1 means there is no recent claim to learn from.
func estimateBucket(all []Handoff, pos int, now time.Time) int {
	var recent []Handoff
	for _, h := range all {
		if !h.ClaimedAt.IsZero() && now.Sub(h.ClaimedAt) < estimateLookback {
			recent = append(recent, h)
		}
	}
	if len(recent) == 0 || pos <= 0 {
		return -1
	}
	slices.SortFunc(recent, func(a, b Handoff) int { return b.ClaimedAt.Compare(a.ClaimedAt) })
	if len(recent) > estimateSamples {
		recent = recent[:estimateSamples]
	}
	waits := make([]time.Duration, len(recent))
	for i, h := range recent {
		waits[i] = h.ClaimedAt.Sub(h.CreatedAt)
	}
	slices.Sort(waits)
	est := waits[len(waits)/2] * time.Duration(pos)
	for i, limit := range waitRanges {
		if est < limit {
			return i
		}
	}
	return len(waitRanges)
}

// queueText is the message telling a user their place and the wait.
func queueText(lang string, pos, bucket int, update bool) string {
	t := catalog.For(lang)
	ranges := t.WaitRanges()
	var b strings.Builder
	if update {
		b.WriteString(t.QueueUpdate)
	}
	if pos <= 1 {
		b.WriteString(t.QueueNext)
	} else {
		fmt.Fprintf(&b, t.QueuePosition, pos)
	}
	b.WriteByte(' ')
	if bucket < 0 || bucket >= len(ranges) {
		b.WriteString(t.QueueUnknown)
	} else {
		fmt.Fprintf(&b, t.QueueWait, ranges[bucket])
	}
	return b.String()
}
