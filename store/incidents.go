package store

import (
	"context"
	"fmt"
)

// This file holds the operations on incident records. Package incident
// is their one writer; the broadcast service reads one through its
// incident gate when a broadcast names it.
//
// The operations are generic in the value for the reason the broadcast
// ones are (see broadcasts.go): an incident carries its audience
// (bot/contacts, which imports store), so its type stays in its package
// and the store owns the keys, the encoding and every read and write.

// incidentSeq is the sequence incident ids are numbered from.
const incidentSeq = "incident"

func incidentKey(id string) Key { return docKey(DocIncident, id) }

// NextIncidentNumber draws the number of a new incident; numbers increase
// across restarts and may have gaps.
func NextIncidentNumber(ctx context.Context, w Sequencer) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := w.NextSeq(incidentSeq)
	if err != nil {
		return 0, fmt.Errorf("number incident: %w", err)
	}
	return n, nil
}

// GetIncident loads incident id, or ErrNotFound.
func GetIncident[I any](ctx context.Context, r Reader, id string) (I, error) {
	if err := ctx.Err(); err != nil {
		var zero I
		return zero, err
	}
	v, err := getJSON[I](r, incidentKey(id))
	if err != nil {
		return v, fmt.Errorf("load incident %s: %w", id, err)
	}
	return v, nil
}

// PutIncident stores incident id.
func PutIncident(ctx context.Context, w Writer, id string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("save incident: empty id")
	}
	if err := putJSON(w, incidentKey(id), v, 0); err != nil {
		return fmt.Errorf("save incident %s: %w", id, err)
	}
	return nil
}

// EachIncident calls fn with every incident in order of id, or newest
// first; ErrStop from fn ends the walk without error.
func EachIncident[I any](ctx context.Context, r Reader, newestFirst bool, fn func(I) error) error {
	err := scanJSON(ctx, r, docPrefix(DocIncident), newestFirst, func(_ Key, v I) error { return fn(v) })
	if err != nil {
		return fmt.Errorf("scan incidents: %w", err)
	}
	return nil
}
