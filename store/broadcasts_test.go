package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// The broadcast operations are generic in the value: these tests use
// small stand-ins for bot/broadcast's types.
type tDoc struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

type tRec struct {
	WaID  string `json:"u"`
	State string `json:"s"`
}

type tEng struct {
	Answer string `json:"a,omitempty"`
	Detail string `json:"ds,omitempty"`
	At     time.Time
}

type tCounts struct {
	Replied int64 `json:"rp,omitempty"`
}

func TestBroadcastDocumentsListInOrderAndMissingIsNotFound(t *testing.T) {
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, id := range []string{"bc000002", "bc000001", "bc000003"} {
			if err := PutBroadcast(ctx, w, id, tDoc{ID: id, State: "sending"}); err != nil {
				return err
			}
		}
		return nil
	})
	cases := []struct {
		name        string
		newestFirst bool
		stopAfter   int
		want        []string
	}{
		{"oldest first", false, 0, []string{"bc000001", "bc000002", "bc000003"}},
		{"newest first", true, 0, []string{"bc000003", "bc000002", "bc000001"}},
		{"stopped early", true, 1, []string{"bc000003"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			read(t, db, func(ctx context.Context, r Reader) error {
				return EachBroadcast(ctx, r, tc.newestFirst, func(d tDoc) error {
					got = append(got, d.ID)
					if len(got) == tc.stopAfter {
						return ErrStop
					}
					return nil
				})
			})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		if d, err := GetBroadcast[tDoc](ctx, r, "bc000002"); err != nil || d.State != "sending" {
			t.Errorf("get bc000002 = %+v, %v", d, err)
		}
		if _, err := GetBroadcast[tDoc](ctx, r, "bc000009"); !errors.Is(err, ErrNotFound) {
			t.Errorf("get a missing broadcast: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err := db.WriteAny(context.Background(), func(w Writer) error { return PutBroadcast(context.Background(), w, "", tDoc{}) }); err == nil {
		t.Error("a broadcast without an id was stored")
	}
}

func TestIdempotencyKeyReturnsTheFirstBroadcast(t *testing.T) {
	db := memDB(t)
	cases := []struct {
		name, idem, id string
		wantExisting   string
		wantErr        bool
	}{
		{"first claim", "req-1", "bc000001", "", false},
		{"repeated request", "req-1", "bc000002", "bc000001", false},
		{"another request", "req-2", "bc000003", "", false},
		{"empty key", "", "bc000004", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			ctx := context.Background()
			err := db.WriteAny(ctx, func(w Writer) (err error) {
				got, err = ClaimBroadcastIdem(ctx, w, tc.idem, tc.id, time.Hour)
				return err
			})
			if (err != nil) != tc.wantErr || got != tc.wantExisting {
				t.Fatalf("claim = %q, %v; want %q, error %v", got, err, tc.wantExisting, tc.wantErr)
			}
		})
	}
}

func TestRecipientsOfOneBroadcastStayApart(t *testing.T) {
	db := memDB(t)
	ctx := context.Background()
	// "bc1" is a prefix of "bc10": their recipients must never mix.
	for _, id := range []string{"bc1", "bc10"} {
		write(t, db, func(ctx context.Context, w Writer) error {
			for seq := uint64(1); seq <= 4; seq++ {
				if err := PutBroadcastRecipientEncoded(ctx, w, id, seq, []byte(`{"u":"`+id+`-`+string(rune('0'+seq))+`","s":"pending"}`)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	write(t, db, func(ctx context.Context, w Writer) error {
		return PutBroadcastRecipient(ctx, w, "bc1", 2, tRec{WaID: "bc1-2", State: "sent"})
	})
	each := func(id string, from uint64, stopAt int) []string {
		var got []string
		read(t, db, func(ctx context.Context, r Reader) error {
			return EachBroadcastRecipient(ctx, r, id, from, func(seq uint64, rec *tRec) error {
				got = append(got, rec.WaID+"/"+rec.State)
				if len(got) == stopAt {
					return ErrStop
				}
				return nil
			})
		})
		return got
	}
	cases := []struct {
		name   string
		id     string
		from   uint64
		stopAt int
		want   []string
	}{
		{"all from the start", "bc1", 0, 0, []string{"bc1-1/pending", "bc1-2/sent", "bc1-3/pending", "bc1-4/pending"}},
		{"from a cursor", "bc1", 3, 0, []string{"bc1-3/pending", "bc1-4/pending"}},
		{"stopped", "bc10", 1, 2, []string{"bc10-1/pending", "bc10-2/pending"}},
		{"past the end", "bc10", 5, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := each(tc.id, tc.from, tc.stopAt); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}

	var refs []BroadcastRef
	read(t, db, func(ctx context.Context, r Reader) error {
		if rec, err := GetBroadcastRecipient[tRec](ctx, r, "bc10", 4); err != nil || rec.WaID != "bc10-4" {
			t.Errorf("get recipient 4 of bc10 = %+v, %v", rec, err)
		}
		if _, err := GetBroadcastRecipient[tRec](ctx, r, "bc10", 9); !errors.Is(err, ErrNotFound) {
			t.Errorf("get a missing recipient: %v, want ErrNotFound", err)
		}
		return EachRecipientOfAll(ctx, r, func(ref BroadcastRef, rec tRec) error {
			if want := ref.Broadcast + "-" + string(rune('0'+ref.Seq)); rec.WaID != want {
				t.Errorf("ref %+v holds %q", ref, rec.WaID)
			}
			refs = append(refs, ref)
			return nil
		})
	})
	if len(refs) != 8 {
		t.Fatalf("every recipient of every broadcast: %v", refs)
	}

	// One record per transaction: the caller repeats until none is left.
	for dropped := -1; dropped != 0; {
		if err := db.Write(ctx, BroadcastScope("bc1"), func(w Writer) (err error) {
			dropped, err = DeleteBroadcastRecipientsFrom(ctx, w, "bc1", 3, 1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := each("bc1", 0, 0), []string{"bc1-1/pending", "bc1-2/sent"}; !slices.Equal(got, want) {
		t.Fatalf("after dropping from 3: %v, want %v", got, want)
	}
	if got := each("bc10", 0, 0); len(got) != 4 {
		t.Fatalf("dropping bc1's recipients touched bc10's: %v", got)
	}
}

func TestRecordsWrittenOnFirstUseReadAsZeroUntilThen(t *testing.T) {
	db := memDB(t)
	read(t, db, func(ctx context.Context, r Reader) error {
		if e, found, err := GetBroadcastEngagement[tEng](ctx, r, "bc1", 1); err != nil || found || e.Answer != "" {
			t.Errorf("engagement before anything came back = %+v, %v, %v", e, found, err)
		}
		if p, found, err := GetBroadcastProgress[tCounts](ctx, r, "bc1"); err != nil || found || p.Replied != 0 {
			t.Errorf("progress before the first write = %+v, %v, %v", p, found, err)
		}
		return nil
	})
	write(t, db, func(ctx context.Context, w Writer) error {
		if err := PutBroadcastEngagement(ctx, w, "bc1", 1, tEng{Answer: "safe"}); err != nil {
			return err
		}
		return PutBroadcastProgress(ctx, w, "bc1", tCounts{Replied: 3})
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		if e, found, err := GetBroadcastEngagement[tEng](ctx, r, "bc1", 1); err != nil || !found || e.Answer != "safe" {
			t.Errorf("engagement = %+v, %v, %v", e, found, err)
		}
		if _, found, _ := GetBroadcastEngagement[tEng](ctx, r, "bc1", 2); found {
			t.Error("recipient 2 has recipient 1's engagement")
		}
		if p, found, err := GetBroadcastProgress[tCounts](ctx, r, "bc1"); err != nil || !found || p.Replied != 3 {
			t.Errorf("progress = %+v, %v, %v", p, found, err)
		}
		return nil
	})
}

func (c *tCounts) AddTimes(o *tCounts, n int64) { c.Replied += n * o.Replied }
func (c *tCounts) IsZero() bool                 { return c.Replied == 0 }

// Shards written by the older layout (one key for many people) still
// count, beside the recipients' deltas, and a fold moves both into the
// base without changing the sum.
func TestCountsAddUpOverDeltasAndOlderShards(t *testing.T) {
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for shard, n := range map[uint16]int64{3: 2, 200: 5} {
			if err := putJSON(w, broadcastCounterKey("bc1", shard), tCounts{Replied: n}, 0); err != nil {
				return err
			}
		}
		for seq, user := range []string{"966500000001", "966500000002"} {
			if err := PutBroadcastRecipient(ctx, w, "bc1", uint64(seq+1), tRec{WaID: user}); err != nil {
				return err
			}
		}
		return nil
	})
	cases := []struct {
		seq uint64
		n   int64
	}{{1, 1}, {2, 1}, {1, 2}}
	for _, tc := range cases {
		write(t, db, func(ctx context.Context, w Writer) error {
			return AddBroadcastCounts(ctx, w, "bc1", tc.seq, func(c *tCounts) { c.Replied += tc.n })
		})
	}
	write(t, db, func(ctx context.Context, w Writer) error {
		return AddBroadcastCounts(ctx, w, "bc2", 1, func(c *tCounts) { c.Replied += 100 })
	})
	sum := func() (c tCounts, parts int) {
		read(t, db, func(ctx context.Context, r Reader) (err error) {
			if c, err = SumBroadcastCounts[tCounts](ctx, r, "bc1"); err != nil {
				return err
			}
			parts, err = UnfoldedBroadcastCounts[tCounts](ctx, r, "bc1")
			return err
		})
		return c, parts
	}
	if c, parts := sum(); c.Replied != 11 || parts != 4 {
		t.Fatalf("bc1 counts %d over %d records, want 11 over 2 shards and 2 deltas", c.Replied, parts)
	}
	for steps := 0; ; steps++ {
		did, err := FoldBroadcastCounts[tCounts](context.Background(), db, "bc1", func(r *tRec) string { return r.WaID }, t0, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			break
		}
		if steps > 10 {
			t.Fatal("the fold does not end")
		}
	}
	if c, parts := sum(); c.Replied != 11 || parts != 0 {
		t.Fatalf("after the fold bc1 counts %d over %d records, want 11 over none", c.Replied, parts)
	}
}

func TestMembershipsAndSendsBelongToOneContact(t *testing.T) {
	db := memDB(t)
	// "966" is a prefix of "9661": one contact's records never show as the other's.
	const a, b = "966", "9661"
	at := t0
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, m := range []struct{ who, id string }{{a, "bc1"}, {a, "bc2"}, {b, "bc1"}} {
			if err := PutBroadcastMember(ctx, w, m.who, m.id, tRec{WaID: m.who, State: m.id}, time.Hour); err != nil {
				return err
			}
		}
		for i, who := range []string{a, b, a} {
			if err := PutBroadcastSend(ctx, w, who, at.Add(time.Duration(i)*time.Minute), "bc1:"+who, time.Hour); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		var ids []string
		if err := EachBroadcastMember(ctx, r, a, func(id string, m tRec) error {
			if m.WaID != a || m.State != id {
				t.Errorf("membership %s of %s holds %+v", id, a, m)
			}
			ids = append(ids, id)
			return nil
		}); err != nil {
			return err
		}
		if !slices.Equal(ids, []string{"bc1", "bc2"}) {
			t.Errorf("memberships of %s: %v", a, ids)
		}
		if m, err := GetBroadcastMember[tRec](ctx, r, b, "bc1"); err != nil || m.WaID != b {
			t.Errorf("membership of %s in bc1 = %+v, %v", b, m, err)
		}
		if _, err := GetBroadcastMember[tRec](ctx, r, b, "bc2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("membership of %s in bc2: %v, want ErrNotFound", b, err)
		}
		var sends []time.Time
		if err := EachBroadcastSend(ctx, r, a, func(when time.Time, ref string) error {
			if ref != "bc1:"+a {
				t.Errorf("send to %s at %v has ref %q", a, when, ref)
			}
			sends = append(sends, when)
			return nil
		}); err != nil {
			return err
		}
		if !slices.EqualFunc(sends, []time.Time{at, at.Add(2 * time.Minute)}, time.Time.Equal) {
			t.Errorf("sends to %s: %v", a, sends)
		}
		all := map[string]int{}
		if err := EachBroadcastSendOfAll(ctx, r, func(who string, _ time.Time) error { all[who]++; return nil }); err != nil {
			return err
		}
		if all[a] != 2 || all[b] != 1 || len(all) != 2 {
			t.Errorf("sends of everyone: %v", all)
		}
		return nil
	})
	write(t, db, func(ctx context.Context, w Writer) error {
		if n, err := DeleteBroadcastMembers(ctx, w, a); err != nil || n != 2 {
			t.Errorf("deleted %d memberships of %s (%v), want 2", n, a, err)
		}
		if n, err := DeleteBroadcastSends(ctx, w, a); err != nil || n != 2 {
			t.Errorf("deleted %d sends of %s (%v), want 2", n, a, err)
		}
		return nil
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		if _, err := GetBroadcastMember[tRec](ctx, r, b, "bc1"); err != nil {
			t.Errorf("erasing %s removed the membership of %s: %v", a, b, err)
		}
		n := 0
		if err := EachBroadcastSendOfAll(ctx, r, func(string, time.Time) error { n++; return nil }); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("%d sends left, want %s's one", n, b)
		}
		return nil
	})
}

func TestIntegrationEventsPassOverDamagedOnes(t *testing.T) {
	db := memDB(t)
	var seqs []uint64
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, name := range []string{"first", "second", "third"} {
			seq, err := NextBroadcastEvent(ctx, w)
			if err != nil {
				return err
			}
			seqs = append(seqs, seq)
			if err := PutBroadcastEvent(ctx, w, seq, tDoc{ID: name}); err != nil {
				return err
			}
		}
		// The second is damaged: it must not hold up the others.
		return w.Set(broadcastWebhookKey(seqs[1]), []byte("{not json"), 0)
	})
	list := func() []string {
		var got []string
		read(t, db, func(ctx context.Context, r Reader) error {
			return EachBroadcastEvent(ctx, r, func(seq uint64, ev tDoc) error {
				got = append(got, ev.ID)
				return nil
			})
		})
		return got
	}
	if got := list(); !slices.Equal(got, []string{"first", "third"}) {
		t.Fatalf("events %v, want first and third", got)
	}
	if !(seqs[0] < seqs[1] && seqs[1] < seqs[2]) {
		t.Fatalf("event numbers %v do not increase", seqs)
	}
	write(t, db, func(ctx context.Context, w Writer) error { return DeleteBroadcastEvent(ctx, w, seqs[0]) })
	if got := list(); !slices.Equal(got, []string{"third"}) {
		t.Fatalf("after delivering the first: %v", got)
	}
}

// The retention sweep of answers rewrites only the answers it changes,
// each in the scope of the person its recipient record names (no
// transaction across people), and leaves, counted, an answer whose
// recipient names nobody.
func TestSweepRewritesOnlyEngagementsThatHoldDetails(t *testing.T) {
	db := memDB(t)
	ctx := context.Background()
	answers := []struct {
		person string // "" : the recipient record names nobody
		eng    tEng
		want   string // detail after the sweep
	}{
		{"15550001", tEng{Answer: "help", Detail: "on the roof", At: t0}, ""},
		{"15550002", tEng{Answer: "safe", At: t0}, ""},
		{"15550001", tEng{Answer: "help", Detail: "later", At: t0.Add(time.Hour)}, "later"},
		{"15550003", tEng{Answer: "help", Detail: "by the bridge", At: t0}, ""},
		{"", tEng{Answer: "help", Detail: "no one to own it", At: t0}, "no one to own it"},
	}
	for i, a := range answers {
		seq := uint64(i + 1)
		if err := db.Write(ctx, BroadcastScope("bc1"), func(w Writer) error {
			return PutBroadcastRecipient(ctx, w, "bc1", seq, tRec{WaID: a.person, State: "sent"})
		}); err != nil {
			t.Fatal(err)
		}
		owner := a.person
		if owner == "" {
			owner = "15550009"
		}
		if err := db.Write(ctx, UserScope(owner), func(w Writer) error { return PutBroadcastEngagement(ctx, w, "bc1", seq, a.eng) }); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	unplaced, err := RewriteBroadcastEngagements(ctx, db, func(r *tRec) string { return r.WaID }, func(e *tEng, final bool) bool {
		if e.Detail == "" || !e.At.Before(t0.Add(time.Minute)) {
			return false
		}
		if final {
			n++
		} else {
			e.Detail = ""
		}
		return true
	})
	if err != nil || n != 2 || unplaced != 1 {
		t.Fatalf("rewrote %d engagements, left %d (%v); want 2 and 1", n, unplaced, err)
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		for i, a := range answers {
			if e, _, err := GetBroadcastEngagement[tEng](ctx, r, "bc1", uint64(i+1)); err != nil || e.Detail != a.want {
				t.Errorf("engagement %d = %+v, %v; want detail %q", i+1, e, err, a.want)
			}
		}
		return nil
	})
}

func TestBroadcastOperationsStopOnACancelledContext(t *testing.T) {
	db := memDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.update(func(tx *Txn) error {
		checks := map[string]error{
			"put broadcast":  PutBroadcast(ctx, tx, "bc1", tDoc{}),
			"put recipient":  PutBroadcastRecipient(ctx, tx, "bc1", 1, tRec{}),
			"put engagement": PutBroadcastEngagement(ctx, tx, "bc1", 1, tEng{}),
			"add counts":     AddBroadcastCounts(ctx, tx, "bc1", 1, func(*tCounts) {}),
			"put send":       PutBroadcastSend(ctx, tx, "966", t0, "x", 0),
			"put event":      PutBroadcastEvent(ctx, tx, 1, tDoc{}),
		}
		for name, err := range checks {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: %v, want context.Canceled", name, err)
			}
		}
		return nil
	})

	if err != nil {
		t.Fatal(err)
	}
}
