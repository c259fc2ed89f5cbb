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
