package store

import (
	"context"
	"fmt"
)

// This file holds the operations on correction records: a correction of
// an FAQ answer (package correction is their one writer). The record
// keeps no phone numbers: who receives a correction is read again from
// the transcripts when it is shown or sent, so an erased person is gone
// from it too.
//
// The operations are generic in the value so that the record's type
// stays in its package; the store owns the keys, the encoding and every
// read and write.

// correctionSeq is the sequence correction ids are numbered from.
const correctionSeq = "correction"

func correctionKey(id string) Key { return docKey(DocCorrection, id) }

// NextCorrectionNumber draws the number of a new correction; numbers increase
// across restarts and may have gaps.
func NextCorrectionNumber(ctx context.Context, w Sequencer) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := w.NextSeq(correctionSeq)
	if err != nil {
		return 0, fmt.Errorf("number correction: %w", err)
	}
	return n, nil
}

// GetCorrection loads correction id, or ErrNotFound.
func GetCorrection[I any](ctx context.Context, r Reader, id string) (I, error) {
	if err := ctx.Err(); err != nil {
		var zero I
		return zero, err
	}
	v, err := getJSON[I](r, correctionKey(id))
	if err != nil {
		return v, fmt.Errorf("load correction %s: %w", id, err)
	}
	return v, nil
}

// PutCorrection stores correction id.
func PutCorrection(ctx context.Context, w Writer, id string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("save correction: empty id")
	}
	if err := putJSON(w, correctionKey(id), v, 0); err != nil {
		return fmt.Errorf("save correction %s: %w", id, err)
	}
	return nil
}

// EachCorrection calls fn with every correction in order of id, or newest
// first; ErrStop from fn ends the walk without error.
func EachCorrection[I any](ctx context.Context, r Reader, newestFirst bool, fn func(I) error) error {
	err := scanJSON(ctx, r, docPrefix(DocCorrection), newestFirst, func(_ Key, v I) error { return fn(v) })
	if err != nil {
		return fmt.Errorf("scan corrections: %w", err)
	}
	return nil
}
