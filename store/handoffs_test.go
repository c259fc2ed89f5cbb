package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// handoffRec stands in for the desk's handoff type: the operations are
// generic in it and only encode and decode it.
type handoffRec struct {
	User      string    `json:"user"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

func TestPutHandoffReplacesTheCurrentOneAndRefusesNoUser(t *testing.T) {
	cases := []struct {
		name    string
		puts    []handoffRec // saved in order, each under its own user
		user    string       // then read back
		want    handoffRec
		wantErr string // of the last put
	}{
		{"saved and read back", []handoffRec{{"u1", "waiting", t0}}, "u1", handoffRec{"u1", "waiting", t0}, ""},
		{"the second replaces the first", []handoffRec{{"u1", "waiting", t0}, {"u1", "active", t0}}, "u1", handoffRec{"u1", "active", t0}, ""},
		{"one user's leaves another's alone", []handoffRec{{"u1", "waiting", t0}, {"u2", "closed", t0}}, "u1", handoffRec{"u1", "waiting", t0}, ""},
		{"no user is refused", []handoffRec{{"u1", "waiting", t0}, {"", "waiting", t0}}, "u1", handoffRec{"u1", "waiting", t0}, "empty user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := memDB(t)
			ctx := context.Background()
			var err error
			for _, h := range tc.puts {
				err = db.WriteAny(ctx, func(w Writer) error { return PutHandoff(ctx, w, h.User, h) })
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("last put: err %v, want %q", err, tc.wantErr)
			}
			read(t, db, func(ctx context.Context, r Reader) error {
				got, err := GetHandoff[handoffRec](ctx, r, tc.user)
				if err != nil {
					return err
				}
				if !got.CreatedAt.Equal(tc.want.CreatedAt) || got.User != tc.want.User || got.Status != tc.want.Status {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
				return nil
			})
		})
	}
}

func TestGetHandoffOfNobodyIsNotFound(t *testing.T) {
	db := memDB(t)
	read(t, db, func(ctx context.Context, r Reader) error {
		if _, err := GetHandoff[handoffRec](ctx, r, "u1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("err %v, want ErrNotFound", err)
		}
		return nil
	})
}

func TestDeleteHandoffKeepsThePastOnes(t *testing.T) {
	cases := []struct {
		name        string
		current     bool // a current handoff exists
		past        int  // closed handoffs kept
		wantDeleted bool
	}{
		{"current and past", true, 2, true},
		{"current only", true, 0, true},
		{"past only", false, 1, false},
		{"nothing", false, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := memDB(t)
			write(t, db, func(ctx context.Context, w Writer) error {
				for i := range tc.past {
					opened := t0.Add(time.Duration(i) * time.Hour)
					if err := ArchiveHandoff(ctx, w, "u1", opened, handoffRec{"u1", "closed", opened}); err != nil {
						return err
					}
				}
				if tc.current {
					return PutHandoff(ctx, w, "u1", handoffRec{"u1", "waiting", t0.Add(24 * time.Hour)})
				}
				return nil
			})
			write(t, db, func(ctx context.Context, w Writer) error {
				deleted, err := DeleteHandoff(ctx, w, "u1")
				if err != nil {
					return err
				}
				if deleted != tc.wantDeleted {
					t.Errorf("deleted %v, want %v", deleted, tc.wantDeleted)
				}
				return nil
			})
			read(t, db, func(ctx context.Context, r Reader) error {
				if _, err := GetHandoff[handoffRec](ctx, r, "u1"); !errors.Is(err, ErrNotFound) {
					t.Errorf("current handoff after delete: err %v, want ErrNotFound", err)
				}
				n := 0
				if err := EachHandoffOf(ctx, r, "u1", func(h handoffRec) error { n++; return nil }); err != nil {
					return err
				}
				if n != tc.past {
					t.Errorf("%d handoffs left, want the %d past ones", n, tc.past)
				}
				return nil
			})
		})
	}
}

func TestArchivedHandoffsListAfterTheCurrentOneOldestFirst(t *testing.T) {
	opened := []time.Time{t0.Add(2 * time.Hour), t0, t0.Add(time.Hour)} // archived out of order
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, at := range opened {
			if err := ArchiveHandoff(ctx, w, "u1", at, handoffRec{"u1", "closed", at}); err != nil {
				return err
			}
		}
		// Archiving the same handoff again (a retried transaction) keeps one copy.
		if err := ArchiveHandoff(ctx, w, "u1", t0, handoffRec{"u1", "closed", t0}); err != nil {
			return err
		}
		if err := ArchiveHandoff(ctx, w, "u2", t0, handoffRec{"u2", "closed", t0}); err != nil {
			return err
		}
		return PutHandoff(ctx, w, "u1", handoffRec{"u1", "waiting", t0.Add(3 * time.Hour)})
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		var got []string
		err := EachHandoffOf(ctx, r, "u1", func(h handoffRec) error {
			got = append(got, h.Status+" "+h.CreatedAt.Sub(t0).String())
			return nil
		})
		if err != nil {
			return err
		}
		want := []string{"waiting 3h0m0s", "closed 0s", "closed 1h0m0s", "closed 2h0m0s"}
		if !slices.Equal(got, want) {
			t.Errorf("handoffs of u1 %q, want %q", got, want)
		}
		// The key layout handoffs were always kept under: data written
		// before these operations existed stays readable.
		ok, err := r.Has(docKey(DocHandoffPast, "u1/"+strconv.FormatInt(t0.UnixNano(), 10)))
		if err != nil {
			return err
		}
		if !ok {
			t.Errorf("past handoff not under <user>/<opened unix nanos>")
		}
		return nil
	})
}

func TestEachHandoffListsCurrentOnesOnly(t *testing.T) {
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, u := range []string{"u2", "u1", "u3"} {
			if err := PutHandoff(ctx, w, u, handoffRec{u, "waiting", t0}); err != nil {
				return err
			}
		}
		return ArchiveHandoff(ctx, w, "u1", t0.Add(-time.Hour), handoffRec{"u1", "closed", t0.Add(-time.Hour)})
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		var got []string
		if err := EachHandoff(ctx, r, func(h handoffRec) error { got = append(got, h.User+" "+h.Status); return nil }); err != nil {
			return err
		}
		if want := []string{"u1 waiting", "u2 waiting", "u3 waiting"}; !slices.Equal(got, want) {
			t.Errorf("handoffs %q, want %q", got, want)
		}
		return nil
	})
}

func TestHandoffWritesRefuseBadInputAndEndedContexts(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	cases := []struct {
		name    string
		op      func(w Writer) error
		wantErr string
	}{
		{"archive without user", func(w Writer) error { return ArchiveHandoff(live, w, "", t0, handoffRec{}) }, "empty user"},
		{"archive without opening time", func(w Writer) error { return ArchiveHandoff(live, w, "u1", time.Time{}, handoffRec{}) }, "no opening time"},
		{"put after the context ended", func(w Writer) error { return PutHandoff(ended, w, "u1", handoffRec{}) }, context.Canceled.Error()},
		{"delete after the context ended", func(w Writer) error { _, err := DeleteHandoff(ended, w, "u1"); return err }, context.Canceled.Error()},
		{"archive after the context ended", func(w Writer) error { return ArchiveHandoff(ended, w, "u1", t0, handoffRec{}) }, context.Canceled.Error()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := memDB(t)
			err := db.Write(live, UserScope("u1"), tc.op)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			read(t, db, func(ctx context.Context, r Reader) error {
				n := 0
				if err := EachHandoffOf(ctx, r, "u1", func(handoffRec) error { n++; return nil }); err != nil {
					return err
				}
				if n != 0 {
					t.Errorf("%d handoffs written by a refused operation", n)
				}
				return nil
			})
		})
	}
}
