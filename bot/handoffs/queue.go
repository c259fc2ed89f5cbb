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

// The queue's one ordering rule. Waiting handoffs come before active
// ones; within each, by tier, then oldest first:
//
//	tier  handoff                                   why
//	0     urgent: danger to life, now               nobody passes someone in danger; among
//	                                                them the longest waiting goes first
//	1     returning: asked again within a day of    they were told to write again and be
//	      the close or release of their need-help   answered with priority: the front, behind
//	      or urgent handoff (Handoff.Returning)      only those in danger now
//	2     priority: needs help                      before questions and requests for a person
//	3     the rest                                  oldest first
//
// A returning person who writes of danger again is urgent (tier 0) like
// anyone else in danger, in the order they came. The console lists the
// queue in this order (it keeps the order GET /admin/handoffs returns);
// the positions people are told come from it too (queuePositions).
func queueTier(h *Handoff) int {
	switch {
	case h.Urgent:
		return 0
	case h.Returning:
		return 1
	case h.Priority:
		return 2
	}
	return 3
}

// compareQueue orders two handoffs by the rule above.
func compareQueue(a, b *Handoff) int {
	if a.Status != b.Status {
		if a.Status == Waiting {
			return -1
		}
		if b.Status == Waiting {
			return 1
		}
	}
	if d := queueTier(a) - queueTier(b); d != 0 {
		return d
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

// queueText is the message telling a user their place and the wait;
// news says why they are told.
func queueText(lang string, pos, bucket int, news placeNews) string {
	t := catalog.For(lang)
	ranges := t.WaitRanges()
	var b strings.Builder
	switch news {
	case placeMoved:
		b.WriteString(t.QueueUpdate)
	case placePassed:
		b.WriteString(t.QueueUpdate + t.QueuePassed + " ")
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
