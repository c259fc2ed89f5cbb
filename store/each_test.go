package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestWriteEachCommitsEachScopeOnItsOwn(t *testing.T) {
	ctx := context.Background()
	put := func(id string) ScopedWrite {
		return ScopedWrite{Scope: UserScope(id), Fn: func(w Writer) error { return PutContact(ctx, w, Contact{WaID: id}) }}
	}
	boom := errors.New("boom")
	cases := []struct {
		label  string
		writes []ScopedWrite
		done   []bool
		err    error // nil, ErrOutOfScope or boom
		stored []string
		absent []string
	}{
		{"every write commits", []ScopedWrite{put("966500000001"), put("966500000002")}, []bool{true, true}, nil,
			[]string{"966500000001", "966500000002"}, nil},
		{"a failing write stops the rest and keeps what came before", []ScopedWrite{put("966500000001"),
			{Scope: UserScope("966500000002"), Fn: func(w Writer) error {
				if err := PutContact(ctx, w, Contact{WaID: "966500000002"}); err != nil {
					return err
				}
				return boom
			}}, put("966500000003")}, []bool{true, false, false}, boom,
			[]string{"966500000001"}, []string{"966500000002", "966500000003"}},
		{"each write is checked against its own scope", []ScopedWrite{put("966500000001"),
			{Scope: UserScope("966500000002"), Fn: func(w Writer) error { return PutContact(ctx, w, Contact{WaID: "966500000003"}) }}},
			[]bool{true, false}, ErrOutOfScope, []string{"966500000001"}, []string{"966500000003"}},
		{"an invalid scope is refused before it runs", []ScopedWrite{{Scope: UserScope(""), Fn: func(Writer) error { return nil }}, put("966500000001")},
			[]bool{false, false}, nil, nil, []string{"966500000001"}},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			db := memDB(t)
			done, err := db.WriteEach(ctx, tc.writes)
			if fmt.Sprint(done) != fmt.Sprint(tc.done) {
				t.Errorf("done %v, want %v", done, tc.done)
			}
			all := !slices.Contains(tc.done, false)
			switch {
			case tc.err != nil && !errors.Is(err, tc.err):
				t.Errorf("err %v, want %v", err, tc.err)
			case all && err != nil:
				t.Errorf("err %v", err)
			case !all && err == nil:
				t.Errorf("no error with %v done", done)
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

// Writes of one group that read and change the same record each start
// from what the write before left: every change lands.
func TestWriteEachWritesStartFromWhatTheWriteBeforeLeft(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	const who = "966500000001"
	if err := db.Write(ctx, UserScope(who), func(w Writer) error { return PutContact(ctx, w, Contact{WaID: who}) }); err != nil {
		t.Fatal(err)
	}
	tag := func(tag string) ScopedWrite {
		return ScopedWrite{Scope: UserScope(who), Fn: func(w Writer) error {
			c, err := GetContact(ctx, w, who)
			if err != nil {
				return err
			}
			c.Tags = append(c.Tags, tag)
			return PutContact(ctx, w, c)
		}}
	}
	done, err := db.WriteEach(ctx, []ScopedWrite{tag("a"), tag("b"), tag("c")})
	if err != nil || slices.Contains(done, false) {
		t.Fatalf("done %v, err %v", done, err)
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		c, err := GetContact(ctx, r, who)
		if err == nil && len(c.Tags) != 3 {
			t.Errorf("tags %v, want all three changes", c.Tags)
		}
		return err
	})
}

// A retention rewrite writes each person's records in their scope, one
// write per person. A run cut short after the first of them (here: the
// first person's session already rewritten, as that write alone would
// have left it) is completed by the next run, which rewrites and counts
// only what is left.
func TestRewriteCutShortBetweenOwnersIsCompletedByTheNextRun(t *testing.T) {
	type session struct {
		LastQuery string `json:"q"`
	}
	ctx := context.Background()
	db := memDB(t)
	users := []string{"966500000001", "966500000002", "966500000003"}
	for i, u := range users {
		q := "where is the shelter"
		if i == 0 {
			q = "" // the write of the cut-short run that committed
		}
		if err := db.Write(ctx, UserScope(u), func(w Writer) error { return PutSession(ctx, w, u, session{LastQuery: q}) }); err != nil {
			t.Fatal(err)
		}
	}
	counted := 0
	err := Rewrite(ctx, db, Sessions, func(s *session, final bool) bool {
		if s.LastQuery == "" {
			return false
		}
		if final {
			counted++
		}
		s.LastQuery = ""
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if counted != 2 {
		t.Errorf("%d rewrites counted, want the 2 left by the cut-short run", counted)
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		for _, u := range users {
			s, err := GetSession[session](ctx, r, u)
			if err != nil {
				return err
			}
			if s.LastQuery != "" {
				t.Errorf("session of %s still holds its query", u)
			}
		}
		return nil
	})
}
