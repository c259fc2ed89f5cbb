package store

import (
	"context"
	"errors"
	"testing"
)

func TestWriteEachCommitsEachScopeOnItsOwnUpToTheFirstFailure(t *testing.T) {
	ctx := context.Background()
	put := func(id string) ScopedWrite {
		return ScopedWrite{Scope: UserScope(id), Fn: func(w Writer) error { return PutContact(ctx, w, Contact{WaID: id}) }}
	}
	boom := errors.New("boom")
	cases := []struct {
		label     string
		writes    []ScopedWrite
		committed int
		err       error // nil, ErrOutOfScope or boom
		stored    []string
		absent    []string
	}{
		{"every write commits", []ScopedWrite{put("966500000001"), put("966500000002")}, 2, nil,
			[]string{"966500000001", "966500000002"}, nil},
		{"a failing write stops the rest and keeps what came before", []ScopedWrite{put("966500000001"),
			{Scope: UserScope("966500000002"), Fn: func(w Writer) error {
				if err := PutContact(ctx, w, Contact{WaID: "966500000002"}); err != nil {
					return err
				}
				return boom
			}}, put("966500000003")}, 1, boom,
			[]string{"966500000001"}, []string{"966500000002", "966500000003"}},
		{"each write is checked against its own scope", []ScopedWrite{put("966500000001"),
			{Scope: UserScope("966500000002"), Fn: func(w Writer) error { return PutContact(ctx, w, Contact{WaID: "966500000003"}) }}},
			1, ErrOutOfScope, []string{"966500000001"}, []string{"966500000003"}},
		{"an invalid scope is refused before it runs", []ScopedWrite{{Scope: UserScope(""), Fn: func(Writer) error { return nil }}, put("966500000001")},
			0, nil, nil, []string{"966500000001"}},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			db := memDB(t)
			n, err := db.WriteEach(ctx, tc.writes)
			if n != tc.committed {
				t.Errorf("committed %d, want %d", n, tc.committed)
			}
			switch {
			case tc.err != nil && !errors.Is(err, tc.err):
				t.Errorf("err %v, want %v", err, tc.err)
			case tc.err == nil && tc.committed == len(tc.writes) && err != nil:
				t.Errorf("err %v", err)
			case tc.committed < len(tc.writes) && err == nil:
				t.Errorf("no error after %d of %d writes", n, len(tc.writes))
			}
			read(t, db, func(ctx context.Context, r Reader) error {
				for _, id := range tc.stored {
					if _, err := GetContact(ctx, r, id); err != nil {
						t.Errorf("contact %s: %v", id, err)
					}
				}
				for _, id := range tc.absent {
					if _, err := GetContact(ctx, r, id); !errors.Is(err, ErrNotFound) {
						t.Errorf("contact %s: %v, want not found", id, err)
					}
				}
				return nil
			})
		})
	}
}

// A retention rewrite writes each person's records in their scope, one
// write per person. Cut short after the first of them (here: its
// context ends while the second is written), the next run rewrites only
// what is left, and each record is counted once.
func TestRewriteCutShortBetweenOwnersIsCompletedByTheNextRun(t *testing.T) {
	type session struct {
		LastQuery string `json:"q"`
	}
	db := memDB(t)
	users := []string{"966500000001", "966500000002", "966500000003"}
	for _, u := range users {
		if err := db.Write(context.Background(), UserScope(u), func(w Writer) error {
			return PutSession(context.Background(), w, u, session{LastQuery: "where is the shelter"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	counted := 0
	change := func(cancel func(), calls *int) func(s *session, final bool) bool {
		return func(s *session, final bool) bool {
			if s.LastQuery == "" {
				return false
			}
			if !final {
				*calls++
				// One decision per record to find them, then one per
				// write: the second write's ends the run.
				if *calls == len(users)+2 && cancel != nil {
					cancel()
				}
			} else {
				counted++
			}
			s.LastQuery = ""
			return true
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var calls int
	if err := Rewrite(ctx, db, Sessions, change(cancel, &calls)); !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v, want it cut short", err)
	}
	left := 0
	read(t, db, func(ctx context.Context, r Reader) error {
		for _, u := range users {
			s, err := GetSession[session](ctx, r, u)
			if err != nil {
				return err
			}
			if s.LastQuery != "" {
				left++
			}
		}
		return nil
	})
	if left != 1 || counted != 2 {
		t.Fatalf("after the cut: %d sessions left to rewrite, %d counted; want 1 and 2", left, counted)
	}
	calls = 0
	if err := Rewrite(context.Background(), db, Sessions, change(nil, &calls)); err != nil {
		t.Fatal(err)
	}
	if counted != len(users) {
		t.Errorf("%d rewrites counted, want each of the %d sessions once", counted, len(users))
	}
}
