package store

import (
	"context"
	"fmt"
	"time"
)

// This file holds canned replies: short texts in one language that
// admins write and agents pick in the console, with variables such as
// {name} that the console fills from the conversation. The admin routes
// check the rules (language, length, known variables); the store keeps
// the records and their keys.

// cannedReplySeq numbers canned replies.
const cannedReplySeq = "canned"

// CannedReply is one canned reply.
type CannedReply struct {
	ID        string    `json:"id"`
	Lang      string    `json:"lang"`  // the language it is written in: en, ar, ...
	Title     string    `json:"title"` // what the console's button shows
	Text      string    `json:"text"`  // with variables: {name}, {agent}, ...
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func cannedReplyKey(id string) Key { return docKey(DocCannedReply, id) }

// NextCannedReplyID draws the id of a new canned reply ("cr000001"); ids
// increase across restarts and may have gaps.
func NextCannedReplyID(ctx context.Context, w Sequencer) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	n, err := w.NextSeq(cannedReplySeq)
	if err != nil {
		return "", fmt.Errorf("number canned reply: %w", err)
	}
	return fmt.Sprintf("cr%06d", n), nil
}

// GetCannedReply loads canned reply id, or ErrNotFound.
func GetCannedReply(ctx context.Context, r Reader, id string) (CannedReply, error) {
	if err := ctx.Err(); err != nil {
		return CannedReply{}, err
	}
	c, err := getJSON[CannedReply](r, cannedReplyKey(id))
	if err != nil {
		return c, fmt.Errorf("load canned reply %s: %w", id, err)
	}
	return c, nil
}

// PutCannedReply stores c under its id, replacing what was there.
func PutCannedReply(ctx context.Context, w Writer, c CannedReply) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.ID == "" {
		return fmt.Errorf("save canned reply: empty id")
	}
	if err := putJSON(w, cannedReplyKey(c.ID), c, 0); err != nil {
		return fmt.Errorf("save canned reply %s: %w", c.ID, err)
	}
	return nil
}

// DeleteCannedReply removes canned reply id; a missing one is ErrNotFound.
func DeleteCannedReply(ctx context.Context, w Writer, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ok, err := w.Has(cannedReplyKey(id))
	if err != nil {
		return fmt.Errorf("delete canned reply %s: %w", id, err)
	}
	if !ok {
		return fmt.Errorf("delete canned reply %s: %w", id, ErrNotFound)
	}
	if err := w.Delete(cannedReplyKey(id)); err != nil {
		return fmt.Errorf("delete canned reply %s: %w", id, err)
	}
	return nil
}

// EachCannedReply calls fn with every canned reply in order of id.
func EachCannedReply(ctx context.Context, r Reader, fn func(CannedReply) error) error {
	err := scanJSON(ctx, r, docPrefix(DocCannedReply), false, func(_ Key, c CannedReply) error { return fn(c) })
	if err != nil {
		return fmt.Errorf("scan canned replies: %w", err)
	}
	return nil
}
