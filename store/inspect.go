package store

import (
	"context"
	"fmt"
)

// Record is one stored value as EachRecord shows it: its kind and its id
// within the kind rather than its key, whose layout stays this package's.
type Record struct {
	Kind RecordKind
	Doc  DocKind // which document, when Kind is KindDoc
	// ID is what the key says after the kind: its parts joined by "/",
	// numbers in decimal (a transcript entry is "<user>/<seq>").
	ID    string
	Value []byte // as stored: JSON for every record but sequences and seen markers
}

// EachRecord calls fn with every record in the store, in key order,
// expired ones excepted. It is for inspection of the whole store: a
// count by kind to compare a restore with its source, or a check that
// erasing a person left nothing of them. Values are personal data:
// callers compare them, they do not log them. ErrStop from fn ends the
// walk without error.
func EachRecord(ctx context.Context, r Reader, fn func(Record) error) error {
	err := r.Scan(nil, func(k Key, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		kind, doc, id := parseKey(k)
		return fn(Record{Kind: kind, Doc: doc, ID: id, Value: v})
	})
	if err != nil {
		return fmt.Errorf("walk the store: %w", err)
	}
	return nil
}
