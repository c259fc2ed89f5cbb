package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// This file holds the writes of the handoff record that the agent desk
// (package bot/handoffs) owns; the reads shared with privacy and admin
// (GetHandoff, EachHandoff, EachHandoffOf, DeleteHandoffsOf) are in
// people.go. The record's type stays in its package (see people.go), so
// these operations are generic in it too; the store keeps the keys.

// PutHandoff saves the current handoff of user, replacing the one there.
func PutHandoff[H any](ctx context.Context, w Writer, user string, h H) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if user == "" {
		return fmt.Errorf("save handoff: empty user")
	}
	if err := putJSON(w, docKey(DocHandoff, user), h, 0); err != nil {
		return fmt.Errorf("save handoff: %w", err)
	}
	return nil
}

// DeleteHandoff removes the current handoff of user, keeping the past
// ones, and reports whether there was one.
func DeleteHandoff(ctx context.Context, w Writer, user string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	key := docKey(DocHandoff, user)
	ok, err := w.Has(key)
	if err != nil {
		return false, fmt.Errorf("look up handoff: %w", err)
	}
	if !ok {
		return false, nil
	}
	if err := w.Delete(key); err != nil {
		return false, fmt.Errorf("delete handoff: %w", err)
	}
	return true, nil
}

// ArchiveHandoff keeps a closed handoff of user that a new one is about
// to replace, under the time it was opened: past handoffs of one user
// list in the order they were opened (EachHandoffOf), and archiving the
// same one again overwrites it rather than keeping a copy.
func ArchiveHandoff[H any](ctx context.Context, w Writer, user string, opened time.Time, h H) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if user == "" {
		return fmt.Errorf("keep closed handoff: empty user")
	}
	if opened.IsZero() {
		return fmt.Errorf("keep closed handoff: no opening time")
	}
	if err := putJSON(w, pastHandoffKey(user, opened), h, 0); err != nil {
		return fmt.Errorf("keep closed handoff: %w", err)
	}
	return nil
}

// pastHandoffKey is <user>/<opened unix nanos> under DocHandoffPast. The
// number is decimal without padding, as it always was: changing it would
// reorder the handoffs already kept.
func pastHandoffKey(user string, opened time.Time) Key {
	return docKey(DocHandoffPast, user+"/"+strconv.FormatInt(opened.UnixNano(), 10))
}
