package store

import (
	"context"
	"fmt"
)

// This file holds the operations on places (shelters, clinics, water
// points, ...). Package places is their one writer and keeps the
// in-memory index the conversation searches; the operations are generic
// in the value so that the record's type stays in its package, as for
// incidents (see incidents.go), while the store owns keys and encoding.

// placeSeq is the sequence generated place ids are numbered from.
const placeSeq = "place"

func placeKey(id string) Key { return docKey(DocPlace, id) }

// NextPlaceNumber draws the number of a new place; numbers increase
// across restarts and may have gaps.
func NextPlaceNumber(ctx context.Context, w Sequencer) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := w.NextSeq(placeSeq)
	if err != nil {
		return 0, fmt.Errorf("number place: %w", err)
	}
	return n, nil
}

// GetPlace loads place id, or ErrNotFound.
func GetPlace[P any](ctx context.Context, r Reader, id string) (P, error) {
	if err := ctx.Err(); err != nil {
		var zero P
		return zero, err
	}
	v, err := getJSON[P](r, placeKey(id))
	if err != nil {
		return v, fmt.Errorf("load place %s: %w", id, err)
	}
	return v, nil
}

// HasPlace reports whether place id exists.
func HasPlace(ctx context.Context, r Reader, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := r.Has(placeKey(id))
	if err != nil {
		return false, fmt.Errorf("look up place %s: %w", id, err)
	}
	return ok, nil
}

// PutPlace stores place id.
func PutPlace(ctx context.Context, w Writer, id string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("save place: empty id")
	}
	if err := putJSON(w, placeKey(id), v, 0); err != nil {
		return fmt.Errorf("save place %s: %w", id, err)
	}
	return nil
}

// DeletePlace removes place id; a missing place is ErrNotFound.
func DeletePlace(ctx context.Context, w Writer, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ok, err := w.Has(placeKey(id))
	if err != nil {
		return fmt.Errorf("delete place %s: %w", id, err)
	}
	if !ok {
		return fmt.Errorf("delete place %s: %w", id, ErrNotFound)
	}
	if err := w.Delete(placeKey(id)); err != nil {
		return fmt.Errorf("delete place %s: %w", id, err)
	}
	return nil
}

// EachPlace calls fn with every place in order of id; ErrStop from fn
// ends the walk without error.
func EachPlace[P any](ctx context.Context, r Reader, fn func(P) error) error {
	err := scanJSON(ctx, r, docPrefix(DocPlace), false, func(_ Key, v P) error { return fn(v) })
	if err != nil {
		return fmt.Errorf("scan places: %w", err)
	}
	return nil
}

// IncidentState reads only the state of incident id ("open", "closed"),
// for whoever must know whether an incident still runs without loading
// (or importing the type of) the whole record; ErrNotFound when there is
// no such incident.
func IncidentState(ctx context.Context, r Reader, id string) (string, error) {
	v, err := GetIncident[struct {
		State string `json:"state"`
	}](ctx, r, id)
	if err != nil {
		return "", err
	}
	return v.State, nil
}
