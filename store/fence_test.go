package store

import (
	"context"
	"errors"
	"testing"

	"github.com/rs/zerolog"
)

type fencedProgress struct {
	Sent  int    `json:"sent"`
	Token uint64 `json:"token,omitempty"`
}

func (p *fencedProgress) FencingToken() uint64 { return p.Token }

// A progress write (and the fence check of a run's other writes) is
// refused, and writes nothing, only when the stored progress was written
// under a newer fencing token.
func TestPutBroadcastProgressFenced(t *testing.T) {
	cases := []struct {
		name    string
		stored  *fencedProgress // nil: nothing stored yet
		write   fencedProgress
		refused bool
	}{
		{"first write", nil, fencedProgress{Sent: 1, Token: 1}, false},
		{"same holder again", &fencedProgress{Sent: 1, Token: 3}, fencedProgress{Sent: 2, Token: 3}, false},
		{"a later holder", &fencedProgress{Sent: 1, Token: 3}, fencedProgress{Sent: 2, Token: 4}, false},
		{"stored before tokens existed", &fencedProgress{Sent: 1}, fencedProgress{Sent: 2, Token: 1}, false},
		{"an older holder", &fencedProgress{Sent: 5, Token: 4}, fencedProgress{Sent: 2, Token: 3}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			if c.stored != nil {
				if err := db.WriteAny(ctx, func(w Writer) error { return PutBroadcastProgress(ctx, w, "b1", c.stored) }); err != nil {
					t.Fatal(err)
				}
			}
			// The check alone, as the other writes of a run make it, refuses the same.
			err = db.Read(ctx, func(r Reader) error { return CheckBroadcastFence[*fencedProgress](ctx, r, "b1", c.write.Token) })
			if refused := errors.Is(err, ErrFenced); refused != c.refused || (err != nil && !refused) {
				t.Fatalf("check: err %v, want refused=%v", err, c.refused)
			}
			w := c.write
			err = db.WriteAny(ctx, func(tx Writer) error { return PutBroadcastProgressFenced(ctx, tx, "b1", &w) })
			var fe *FencedError
			if got := errors.As(err, &fe); got != c.refused || (err != nil && !c.refused) {
				t.Fatalf("err %v, want refused=%v", err, c.refused)
			}
			if c.refused && (!errors.Is(err, ErrFenced) || fe.Own != c.write.Token || fe.Stored != c.stored.Token) {
				t.Fatalf("refusal %#v (%v), want own %d stored %d matching ErrFenced", fe, err, c.write.Token, c.stored.Token)
			}
			var got fencedProgress
			err = db.Read(ctx, func(r Reader) (err error) {
				got, _, err = GetBroadcastProgress[fencedProgress](ctx, r, "b1")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := c.write
			if c.refused {
				want = *c.stored
			}
			if got != want {
				t.Fatalf("stored %+v, want %+v", got, want)
			}
		})
	}
}
