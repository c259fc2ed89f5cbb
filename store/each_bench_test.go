package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// BenchmarkIngestShape compares a webhook group of 256 people's events
// written as one transaction over any keys with one scoped write per
// person (WriteEach), on disk.
func BenchmarkIngestShape(b *testing.B) {
	ctx := context.Background()
	raw := make([]byte, 1400)
	event := func(w Writer, id string) error {
		if _, err := MarkSeen(ctx, w, id, time.Now(), time.Hour); err != nil {
			return err
		}
		_, err := AddInbox(ctx, w, raw)
		return err
	}
	const people = 256
	for _, shape := range []string{"one transaction", "one write per person"} {
		b.Run(shape, func(b *testing.B) {
			db, err := Open(Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			n := 0
			for b.Loop() {
				n++
				if shape == "one transaction" {
					err = db.WriteAny(ctx, func(w Writer) error {
						for p := range people {
							if err := event(w, fmt.Sprintf("m:%d.%d", n, p)); err != nil {
								return err
							}
						}
						return nil
					})
				} else {
					writes := make([]ScopedWrite, people)
					for p := range people {
						id := fmt.Sprintf("m:%d.%d", n, p)
						writes[p] = ScopedWrite{Scope: UserScope(fmt.Sprint(p)), Fn: func(w Writer) error { return event(w, id) }}
					}
					_, err = db.WriteEach(ctx, writes)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
