package admin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/reqbody"
	"lifeline/bot/broadcast"
	"lifeline/bot/handoffs"
	"lifeline/store"
)

// A broadcast's figures over time are derived from the timestamps its
// records already carry (a recipient's first send, the first delivered
// and read statuses, the answer, a person reached by staff, the urgent
// handoff an answer opened), not from snapshots: nothing more is written
// while a broadcast runs, and the series of a broadcast sent before this
// existed is as complete as a new one's.

// seriesPoint is the cumulative figures of a broadcast at At.
type seriesPoint struct {
	At          time.Time `json:"at"`
	Sent        int64     `json:"sent"`
	Delivered   int64     `json:"delivered"`
	Read        int64     `json:"read"`
	Replied     int64     `json:"replied"`
	Safe        int64     `json:"safe"`
	NeedHelp    int64     `json:"need_help"`
	Urgent      int64     `json:"urgent"`
	Unaccounted int64     `json:"unaccounted"`
	// The three target figures as of At: delivered of sent, engaged
	// (replied, or read for a notice) of delivered, and the median time
	// from the send to the answer of those who answered. Zero while
	// there is nothing to measure (Measured says which).
	DeliveryRate      float64 `json:"delivery_rate"`
	EngagementRate    float64 `json:"engagement_rate"`
	ResponseP50Second float64 `json:"response_p50_seconds"`
}

// broadcastSeries is GET /admin/broadcasts/{id}/series.
type broadcastSeries struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Targeted int64         `json:"targeted"`
	From     time.Time     `json:"from,omitzero"`
	To       time.Time     `json:"to,omitzero"`
	Step     float64       `json:"step_seconds"`
	Targets  seriesTargets `json:"targets"`
	Points   []seriesPoint `json:"points"`
}

type seriesTargets struct {
	DeliveryRate    float64 `json:"delivery_rate"`
	EngagementRate  float64 `json:"engagement_rate"`
	ResponseSeconds float64 `json:"response_seconds"`
}

// The targets the console draws: the same as the broadcasts page states.
var defaultTargets = seriesTargets{DeliveryRate: 0.95, EngagementRate: 0.30, ResponseSeconds: 300}

// seriesSteps are the bucket widths a series may use: the smallest that
// keeps it within maxSeriesPoints.
var seriesSteps = []time.Duration{
	10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

const maxSeriesPoints = 60

// The series is computed from the records for each request, not cached:
// the console asks again right after a live event that follows a commit,
// and must see that commit. Live events about statuses come at most twice
// a second (bot's statusPulse), which bounds how often an open console
// asks; requests for the same series at the same time (several consoles,
// the broadcasts page and an incident dashboard) share one computation
// (sharedRuns), so that the recipients are read once for all of them.

// series answers the broadcast's figures over time; ?step=seconds asks
// for a bucket width (at least 1), otherwise one is chosen.
func (h *broadcastAPI) series(c *fiber.Ctx) error {
	var step time.Duration
	if v := c.Query("step"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return reqbody.Invalidf("step %q: want a whole number of seconds, at least 1", v)
		}
		step = time.Duration(n) * time.Second
	}
	id := c.Params("id")
	s, err := sharedSeries.get(c.UserContext(), seriesKey{db: h.s.db, id: id, step: step}, func(ctx context.Context) (*broadcastSeries, error) {
		return deriveSeries(ctx, h.s.db, id, step, h.s.now())
	})
	if err != nil {
		return err
	}
	return c.JSON(s)
}

// seriesEvents are the moments each figure grew, one slice per figure.
type seriesEvents struct {
	sent, delivered, read, replied, safe, help, urgent, accounted []time.Time
	responses                                                     []respAt // answer times and their delay
}

type respAt struct {
	at    time.Time
	delay time.Duration
}

// deriveSeries reads broadcast id's recipients, in short transactions,
// and buckets their timestamps.
func deriveSeries(ctx context.Context, db *store.DB, id string, step time.Duration, now time.Time) (*broadcastSeries, error) {
	var b broadcast.Broadcast
	err := db.Read(ctx, func(r store.Reader) (err error) {
		b, err = store.GetBroadcast[broadcast.Broadcast](ctx, r, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	var ev seriesEvents
	from := uint64(0)
	const chunk = 2000
	for {
		n := 0
		err := db.Read(ctx, func(r store.Reader) error {
			return store.EachBroadcastRecipient(ctx, r, id, from, func(seq uint64, rec *broadcast.Recipient) error {
				n++
				from = seq + 1
				e, _, err := store.GetBroadcastEngagement[broadcast.Engagement](ctx, r, id, seq)
				if err != nil {
					return err
				}
				if err := ev.add(ctx, r, &b, rec, &e); err != nil {
					return fmt.Errorf("recipient %d: %w", seq, err)
				}
				if n >= chunk {
					return store.ErrStop
				}
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("series of broadcast %s: %w", id, err)
		}
		if n < chunk {
			break
		}
	}
	return ev.bucket(&b, step, now), nil
}

// add notes what happened to one recipient and when.
func (ev *seriesEvents) add(ctx context.Context, r store.Reader, b *broadcast.Broadcast, rec *broadcast.Recipient, e *broadcast.Engagement) error {
	sent := rec.SentAt
	if sent.IsZero() {
		sent = e.SentAt // the first status proved a send whose result was lost
	}
	if !sent.IsZero() {
		ev.sent = append(ev.sent, sent)
	}
	// A read implies a delivery; a record from before the status times
	// were kept counts at its send.
	delivered := e.DeliveredAt
	if delivered.IsZero() {
		delivered = e.ReadAt
	}
	if delivered.IsZero() && (e.Delivery == store.StatusDelivered || e.Delivery == store.StatusRead) {
		delivered = sent
	}
	if !delivered.IsZero() {
		ev.delivered = append(ev.delivered, delivered)
	}
	read := e.ReadAt
	if read.IsZero() && e.Delivery == store.StatusRead {
		read = delivered
	}
	if !read.IsZero() {
		ev.read = append(ev.read, read)
	}
	answered := e.AnsweredAt
	if answered.IsZero() && e.Replied {
		answered = delivered
		if answered.IsZero() {
			answered = sent
		}
	}
	if e.Replied && !answered.IsZero() {
		ev.replied = append(ev.replied, answered)
		if !sent.IsZero() && !e.AnsweredAt.IsZero() && !e.AnsweredAt.Before(sent) {
			ev.responses = append(ev.responses, respAt{at: e.AnsweredAt, delay: e.AnsweredAt.Sub(sent)})
		}
	}
	switch e.Answer {
	case broadcast.AnswerSafe:
		ev.safe = append(ev.safe, answered)
		ev.accounted = append(ev.accounted, answered)
	case broadcast.AnswerHelp:
		ev.help = append(ev.help, answered)
		ev.accounted = append(ev.accounted, answered)
		// Words about danger in the answer opened an urgent handoff:
		// the person's handoff says so while it is theirs.
		h, err := store.GetHandoff[handoffs.Handoff](ctx, r, rec.WaID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return fmt.Errorf("handoff: %w", err)
		case h.Urgent && !h.CreatedAt.Before(sent):
			ev.urgent = append(ev.urgent, maxTime(answered, h.CreatedAt))
		}
	default:
		if e.Reached != nil && !e.Reached.At.IsZero() {
			ev.accounted = append(ev.accounted, e.Reached.At)
		}
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// bucket turns the moments into cumulative figures at the end of each
// step, from the first send to now (or to the last moment, once the
// broadcast is over).
func (ev *seriesEvents) bucket(b *broadcast.Broadcast, step time.Duration, now time.Time) *broadcastSeries {
	out := &broadcastSeries{ID: b.ID, Kind: string(b.Spec.Kind), Targeted: b.Targeted, Targets: defaultTargets, Points: []seriesPoint{}}
	all := [][]time.Time{ev.sent, ev.delivered, ev.read, ev.replied, ev.safe, ev.help, ev.urgent, ev.accounted}
	var first, last time.Time
	for _, ts := range all {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		if len(ts) == 0 {
			continue
		}
		if first.IsZero() || ts[0].Before(first) {
			first = ts[0]
		}
		if ts[len(ts)-1].After(last) {
			last = ts[len(ts)-1]
		}
	}
	sort.Slice(ev.responses, func(i, j int) bool { return ev.responses[i].at.Before(ev.responses[j].at) })
	if first.IsZero() {
		return out // nothing sent yet
	}
	end := last
	if b.State != broadcast.StateCompleted && b.State != broadcast.StateCancelled && now.After(end) {
		end = now
	}
	if step <= 0 {
		step = seriesSteps[len(seriesSteps)-1]
		for _, s := range seriesSteps {
			if end.Sub(first) <= s*maxSeriesPoints {
				step = s
				break
			}
		}
	}
	// Buckets start on a whole step, so that the axis reads 14:05, 14:10.
	start := first.Truncate(step)
	n := int(end.Sub(start)/step) + 1
	if n > 10*maxSeriesPoints {
		n = 10 * maxSeriesPoints // an asked-for step too small: the latest stretch is left out
	}
	if end.Equal(start.Add(time.Duration(n-1) * step)) {
		n-- // the end falls on a bucket's edge: no empty last bucket
	}
	out.From, out.Step = start, step.Seconds()
	idx := make([]int, len(all))
	var delays []time.Duration
	ri := 0
	// Point 0 is the start of the first bucket: where the lines rise from.
	for k := 0; k <= n; k++ {
		at := start.Add(time.Duration(k) * step)
		if k == n && end.Before(at) {
			at = end // the last point is now, not the end of its bucket
		}
		counts := make([]int64, len(all))
		for i, ts := range all {
			for idx[i] < len(ts) && !ts[idx[i]].After(at) {
				idx[i]++
			}
			counts[i] = int64(idx[i])
		}
		for ri < len(ev.responses) && !ev.responses[ri].at.After(at) {
			delays = append(delays, ev.responses[ri].delay)
			ri++
		}
		p := seriesPoint{At: at, Sent: counts[0], Delivered: counts[1], Read: counts[2], Replied: counts[3],
			Safe: counts[4], NeedHelp: counts[5], Urgent: counts[6]}
		if b.Spec.Kind == broadcast.KindCheckin {
			p.Unaccounted = max(0, b.Targeted-counts[7])
		}
		if p.Sent > 0 {
			p.DeliveryRate = rate4(p.Delivered, p.Sent)
		}
		if p.Delivered > 0 {
			engaged := p.Replied
			if b.Spec.Kind == broadcast.KindNotice {
				engaged = p.Read
			}
			p.EngagementRate = rate4(engaged, p.Delivered)
		}
		p.ResponseP50Second = median(delays).Seconds()
		out.Points = append(out.Points, p)
		out.To = at
	}
	return out
}

func rate4(a, b int64) float64 {
	r := min(float64(a)/float64(b), 1)
	return float64(int(r*10000+0.5)) / 10000
}

// median of the delays so far; the list is kept in answer order, so it
// is sorted on a copy.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// seriesKey names a series: the store (each server has its own), the
// broadcast and the step asked for.
type seriesKey struct {
	db   *store.DB
	id   string
	step time.Duration
}

// sharedSeries coalesces the computations of each series (sharedRuns):
// however many consoles ask at once, the recipients are read once.
var sharedSeries = newSharedRuns[seriesKey, *broadcastSeries]()
