package admin

import (
	"context"
	"testing"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/handoffs"
	"lifeline/store"
)

// TestSeriesFromTimestamps stores a check-in's records as the dispatcher
// and the inbox write them and reads its figures over time: each figure
// grows at the minute its timestamp says, the rates and the median
// response follow, and the last point is now.
func TestSeriesFromTimestamps(t *testing.T) {
	db, _ := openStore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	at := func(min, sec int) time.Time {
		return t0.Add(time.Duration(min)*time.Minute + time.Duration(sec)*time.Second)
	}
	b := broadcast.Broadcast{ID: "b1", Spec: broadcast.Spec{Name: "Block 7", Kind: broadcast.KindCheckin}, State: broadcast.StateSent, Targeted: 4}
	type rec struct {
		r broadcast.Recipient
		e *broadcast.Engagement
	}
	recs := []rec{
		// safe: sent 14:00:10, delivered 14:00:20, read 14:01:05, answered 14:02:10 (2 min after the send)
		{broadcast.Recipient{WaID: "1", State: "sent", SentAt: at(0, 10)},
			&broadcast.Engagement{Delivery: "read", DeliveredAt: at(0, 20), ReadAt: at(1, 5), Replied: true, Answer: broadcast.AnswerSafe, AnsweredAt: at(2, 10)}},
		// need help with danger words, an urgent handoff: answered 14:04:10 (4 min)
		{broadcast.Recipient{WaID: "2", State: "sent", SentAt: at(0, 10)},
			&broadcast.Engagement{Delivery: "read", DeliveredAt: at(0, 30), ReadAt: at(3, 0), Replied: true, Answer: broadcast.AnswerHelp, AnsweredAt: at(4, 10)}},
		// delivered, never answered
		{broadcast.Recipient{WaID: "3", State: "sent", SentAt: at(0, 15)}, &broadcast.Engagement{Delivery: "delivered", DeliveredAt: at(2, 30)}},
		// failed: never sent
		{broadcast.Recipient{WaID: "4", State: "failed"}, nil},
	}
	err := db.WriteAny(ctx, func(w store.Writer) error {
		if err := store.PutBroadcast(ctx, w, b.ID, &b); err != nil {
			return err
		}
		for i, r := range recs {
			if err := store.PutBroadcastRecipient(ctx, w, b.ID, uint64(i+1), &r.r); err != nil {
				return err
			}
			if r.e != nil {
				if err := store.PutBroadcastEngagement(ctx, w, b.ID, uint64(i+1), r.e); err != nil {
					return err
				}
			}
		}
		return store.PutHandoff(ctx, w, "2", handoffs.Handoff{ID: "2", User: "2", Status: handoffs.Waiting, Urgent: true, CreatedAt: at(4, 10)})
	})
	if err != nil {
		t.Fatal(err)
	}
	now := at(5, 30)
	s, err := deriveSeries(ctx, db, b.ID, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != 10 || !s.From.Equal(at(0, 10)) || !s.To.Equal(now) {
		t.Fatalf("series from %s to %s by %vs, want from 14:00:10 to 14:05:30 by 10s", s.From, s.To, s.Step)
	}
	byTime := map[time.Time]seriesPoint{}
	for _, p := range s.Points {
		byTime[p.At] = p
	}
	for _, c := range []struct {
		label string
		at    time.Time
		want  seriesPoint
	}{
		{"the first sends", at(0, 10), seriesPoint{Sent: 2, Unaccounted: 4}},
		{"all sent, two delivered", at(0, 30), seriesPoint{Sent: 3, Delivered: 2, Unaccounted: 4, DeliveryRate: 0.6667}},
		{"the first answer", at(2, 10), seriesPoint{Sent: 3, Delivered: 2, Read: 1, Replied: 1, Safe: 1, Unaccounted: 3,
			DeliveryRate: 0.6667, EngagementRate: 0.5, ResponseP50Second: 120}},
		{"the third delivered", at(2, 30), seriesPoint{Sent: 3, Delivered: 3, Read: 1, Replied: 1, Safe: 1, Unaccounted: 3,
			DeliveryRate: 1, EngagementRate: 0.3333, ResponseP50Second: 120}},
		{"the urgent need for help", at(4, 10), seriesPoint{Sent: 3, Delivered: 3, Read: 2, Replied: 2, Safe: 1, NeedHelp: 1, Urgent: 1,
			Unaccounted: 2, DeliveryRate: 1, EngagementRate: 0.6667, ResponseP50Second: 180}},
		{"now", now, seriesPoint{Sent: 3, Delivered: 3, Read: 2, Replied: 2, Safe: 1, NeedHelp: 1, Urgent: 1,
			Unaccounted: 2, DeliveryRate: 1, EngagementRate: 0.6667, ResponseP50Second: 180}},
	} {
		got, ok := byTime[c.at]
		if !ok {
			t.Errorf("%s: no point at %s", c.label, c.at.Format("15:04:05"))
			continue
		}
		c.want.At = c.at
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.label, got, c.want)
		}
	}
	last := s.Points[len(s.Points)-1]
	if !last.At.Equal(now) {
		t.Errorf("the last point is at %s, want now", last.At)
	}

	// An asked-for step; a bad one is refused by the route.
	s, err = deriveSeries(ctx, db, b.ID, time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 7 || !s.From.Equal(t0) {
		t.Errorf("by the minute: %d points from %s, want 7 from 14:00", len(s.Points), s.From)
	}
}

// TestSeriesOfNothingSent: a broadcast not yet sent has no points, and
// one that does not exist is not found.
func TestSeriesOfNothingSent(t *testing.T) {
	db, _ := openStore(t)
	ctx := context.Background()
	b := broadcast.Broadcast{ID: "b2", Spec: broadcast.Spec{Name: "Later", Kind: broadcast.KindNotice}, State: broadcast.StateScheduled, Targeted: 10}
	if err := db.Write(ctx, store.BroadcastScope(b.ID), func(w store.Writer) error { return store.PutBroadcast(ctx, w, b.ID, &b) }); err != nil {
		t.Fatal(err)
	}
	s, err := deriveSeries(ctx, db, "b2", 0, time.Now())
	if err != nil || len(s.Points) != 0 || s.Targeted != 10 {
		t.Errorf("series of an unsent broadcast = %+v, %v; want no points", s, err)
	}
	if _, err := deriveSeries(ctx, db, "nope", 0, time.Now()); err == nil {
		t.Errorf("series of a missing broadcast: no error")
	}
}
