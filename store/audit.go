package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one audited action. The audit log is append-only and
// written in its own scope only: by AppendAudit, for an action recorded
// after it happened (admin/audit records the requests of people and
// tokens, the broadcast service some of its own actions), and by
// FoldAuditEvents, which moves in the entries written as events inside
// the transaction of the change they record (AppendAuditEvent).
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`            // "token:<id prefix>", "agent:<id>", or "anonymous" for failed logins
	Name   string    `json:"name,omitempty"`   // the token's or agent's display name
	Role   string    `json:"role,omitempty"`   // role at the time of the action
	Action string    `json:"action"`           // e.g. "token.create", "kb.import", "contact.erase"
	Target string    `json:"target,omitempty"` // what was acted on: a token id, a wa_id (masked), a route
	IP     string    `json:"ip,omitempty"`
	Status int       `json:"status,omitempty"` // HTTP status of the request, when the action was one
	Detail string    `json:"detail,omitempty"`
}

// auditKey orders entries by sequence number: big-endian, so that they
// list in the order they were appended.
func auditKey(seq uint64) Key {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return docKey(DocAudit, string(b[:]))
}

// AppendAudit writes e as the next entry of the audit log, in w's
// transaction, which must be the log's (AuditScope): a change in another
// scope records its entry with AppendAuditEvent. It fills in Seq and
// returns the entry as stored. e must name its action, actor and time.
func AppendAudit(ctx context.Context, w Writer, e AuditEntry) (AuditEntry, error) {
	if err := checkAuditEntry(ctx, e); err != nil {
		return AuditEntry{}, err
	}
	seq, err := w.NextSeq(auditEventSeq)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	e.Seq = seq
	if err := putJSON(w, auditKey(seq), e, 0); err != nil {
		return AuditEntry{}, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	return e, nil
}

func checkAuditEntry(ctx context.Context, e AuditEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case e.Action == "":
		return fmt.Errorf("append audit entry: no action")
	case e.Actor == "":
		return fmt.Errorf("append audit %s: no actor", e.Action)
	case e.At.IsZero():
		return fmt.Errorf("append audit %s: no time", e.Action)
	}
	return nil
}

// AuditFilter selects entries; zero fields match everything.
type AuditFilter struct {
	Actor  string
	Action string // exact, or a prefix ending in "." such as "kb."
	Target string // the subject acted on, exactly as recorded
	Since  time.Time
	Until  time.Time
	Before uint64 // paging: only entries with a smaller seq
}

// Match reports whether e passes the filter (Before aside).
func (f AuditFilter) Match(e *AuditEntry) bool {
	switch {
	case f.Actor != "" && e.Actor != f.Actor:
		return false
	case f.Action != "" && e.Action != f.Action && !(strings.HasSuffix(f.Action, ".") && strings.HasPrefix(e.Action, f.Action)):
		return false
	case f.Target != "" && e.Target != f.Target:
		return false
	case !f.Since.IsZero() && e.At.Before(f.Since):
		return false
	case !f.Until.IsZero() && !e.At.Before(f.Until):
		return false
	}
	return true
}

// ListAudit returns up to limit matching entries (all when limit <= 0),
// newest first, and the seq to pass as Before for the next page (0 when
// there is none). Events not yet folded into the log are listed as the
// entries they become, under the same number, so the log reads complete
// whether or not the fold has run.
func ListAudit(ctx context.Context, r Reader, f AuditFilter, limit int) ([]AuditEntry, uint64, error) {
	pending, err := PendingAuditEvents(ctx, r)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	out := []AuditEntry{}
	var next uint64
	// add takes the entries newest first; ErrStop once a page is full.
	add := func(e AuditEntry) error {
		if (f.Before != 0 && e.Seq >= f.Before) || !f.Match(&e) {
			return nil
		}
		if limit > 0 && len(out) == limit {
			next = out[len(out)-1].Seq
			return ErrStop
		}
		out = append(out, e)
		return nil
	}
	// pending is oldest first: the newest still waiting is its last.
	addPendingAbove := func(seq uint64) error {
		for len(pending) > 0 && pending[len(pending)-1].Entry.Seq >= seq {
			ev := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			if ev.Entry.Seq == seq {
				continue // folded, not yet deleted: the entry is listed
			}
			if err := add(ev.Entry); err != nil {
				return err
			}
		}
		return nil
	}
	err = r.ScanReverse(docPrefix(DocAudit), func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, err := decodeAudit(k, b)
		if err != nil {
			return err
		}
		if err := addPendingAbove(e.Seq); err != nil {
			return err
		}
		return add(e)
	})
	if err == nil {
		err = addPendingAbove(0)
	}
	if err != nil && !errors.Is(err, ErrStop) {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	return out, next, nil
}

// AuditOf returns the newest entries about one subject (an entry's
// Target), newest first.
func AuditOf(ctx context.Context, r Reader, target string, limit int) ([]AuditEntry, error) {
	if target == "" {
		return nil, fmt.Errorf("list audit log: no subject")
	}
	out, _, err := ListAudit(ctx, r, AuditFilter{Target: target}, limit)
	return out, err
}

func decodeAudit(k Key, b []byte) (AuditEntry, error) {
	var e AuditEntry
	if err := jsonUnmarshal(b, &e); err != nil {
		return e, fmt.Errorf("decode %s: %w", printable(k), err)
	}
	return e, nil
}
