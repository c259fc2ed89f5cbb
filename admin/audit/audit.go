// Package audit owns the append-only audit log: who did what, to what,
// when and from where. Entries are written under store.DocAudit with
// big-endian sequence numbers, so they list in the order they happened.
// The package offers Append and List and nothing else: no one can change
// or remove an entry through the product.
package audit

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"

	"lifeline/admin/httpstatus"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Entry is one audited action.
type Entry struct {
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

// Log appends and lists audit entries.
type Log struct {
	db  *store.DB
	log zerolog.Logger
	now func() time.Time
}

// New returns the audit log kept in db.
func New(db *store.DB, log zerolog.Logger, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{db: db, log: log.With().Str("comp", "audit").Logger(), now: now}
}

func key(seq uint64) store.Key {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return store.DocKey(store.DocAudit, string(b[:]))
}

// Append records e, filling in Seq and, when zero, At.
func (l *Log) Append(e Entry) (Entry, error) {
	seq, err := l.db.NextSeq("audit")
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: %w", e.Action, err)
	}
	e.Seq = seq
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	if err := l.db.Update(func(tx *store.Txn) error { return tx.SetJSON(key(seq), e, 0) }); err != nil {
		return Entry{}, fmt.Errorf("audit %s: %w", e.Action, err)
	}
	l.log.Info().Uint64("seq", seq).Str("actor", e.Actor).Str("action", e.Action).Int("status", e.Status).Msg("audit")
	return e, nil
}

// AppendIn records e inside tx, so that the entry exists exactly when
// the change it records does (a contact import's commit).
func (l *Log) AppendIn(tx *store.Txn, e Entry) (Entry, error) {
	seq, err := l.db.NextSeq("audit")
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: %w", e.Action, err)
	}
	e.Seq = seq
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	if err := tx.SetJSON(key(seq), e, 0); err != nil {
		return Entry{}, fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return e, nil
}

// Record appends e and logs a failure instead of returning it: the action
// being audited has already happened and its answer must not change.
func (l *Log) Record(e Entry) {
	if _, err := l.Append(e); err != nil {
		l.log.Error().Err(err).Str("action", e.Action).Msg("audit entry not written")
	}
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Actor  string
	Action string // exact, or a prefix ending in "." such as "kb."
	Target string
	Since  time.Time
	Until  time.Time
	Before uint64 // paging: only entries with a smaller seq
}

func (f Filter) match(e *Entry) bool {
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

// List returns up to limit matching entries, newest first, and the seq to
// pass as Before for the next page (0 when there is none).
func (l *Log) List(f Filter, limit int) ([]Entry, uint64, error) {
	out := []Entry{}
	var next uint64
	err := l.db.View(func(tx *store.Txn) error {
		return tx.ScanReverse(store.DocPrefix(store.DocAudit), func(_ store.Key, v []byte) error {
			var e Entry
			if err := jsonUnmarshal(v, &e); err != nil {
				return err
			}
			if f.Before != 0 && e.Seq >= f.Before {
				return nil
			}
			if !f.match(&e) {
				return nil
			}
			if limit > 0 && len(out) == limit {
				next = out[len(out)-1].Seq
				return store.ErrStop
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	return out, next, nil
}

// Actor says who makes a request; the admin server supplies it, since it
// owns authentication.
type Actor func(c *fiber.Ctx) (id, name, role string)

// Middleware records every POST, PUT, PATCH and DELETE on the routes it
// wraps, after they ran, with an action named from the route (see
// ActionName: "kb.import", "handoff.claim", "broadcast.create").
// Reads are not recorded. Use it on route groups owned by other packages,
// so that they are audited without each handler knowing about it.
func (l *Log) Middleware(prefix string, who Actor) fiber.Handler {
	return func(c *fiber.Ctx) error {
		m := c.Method()
		if m != fiber.MethodPost && m != fiber.MethodPut && m != fiber.MethodPatch && m != fiber.MethodDelete {
			return c.Next()
		}
		status, err := httpstatus.After(c, c.Next())
		if done, _ := c.Locals("audited").(bool); done {
			return err // the handler wrote a more specific entry
		}
		id, name, role := who(c)
		if role == "" {
			// Not authenticated: nothing happened, and recording every
			// anonymous request would let anyone fill the log. Failed
			// logins are recorded by the login route itself.
			return err
		}
		l.Record(Entry{Actor: id, Name: name, Role: role, IP: c.IP(), Status: status,
			Action: ActionName(prefix, m, c.Route().Path), Target: targetOf(c)})
		return err
	}
}

// ActionName names a change from its route: the prefix (which names the
// resource), then the route's fixed words, then a verb from the method
// when the route ends with the resource or its id. POST
// /admin/handoffs/:id/claim is "handoff.claim", DELETE
// /admin/kb/entries/:id is "kb.entries.delete", POST /admin/broadcasts is
// "broadcast.create", and POST /admin/logout under "session" is
// "session.logout".
func ActionName(prefix, method, route string) string {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(route, "/admin"), "/"), "/")
	words := []string{prefix}
	endsWithParam := true
	for i, s := range segs {
		param := strings.HasPrefix(s, ":") || s == "*"
		endsWithParam = param
		if param || s == "" || (i == 0 && strings.HasPrefix(s, prefix)) {
			continue // the resource, which the prefix names
		}
		words = append(words, s)
	}
	if endsWithParam || len(words) == 1 {
		verb := map[string]string{"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}[method]
		if verb == "" {
			verb = strings.ToLower(method)
		}
		words = append(words, verb)
	}
	return strings.Join(words, ".")
}

// targetOf names what a request acted on from its route parameters,
// masking anything that looks like a phone number.
func targetOf(c *fiber.Ctx) string {
	var parts []string
	for _, p := range c.Route().Params {
		v := c.Params(p)
		if v == "" {
			continue
		}
		parts = append(parts, p+"="+MaskIfPhone(v))
	}
	return strings.Join(parts, " ")
}

// MaskIfPhone masks a value made of seven or more digits (a WhatsApp id)
// the way logs do; the audit log says which person without spelling out
// their number.
func MaskIfPhone(v string) string {
	d := strings.TrimPrefix(v, "+")
	if len(d) < 7 || strings.Trim(d, "0123456789") != "" {
		return v
	}
	return whatsapp.MaskPhone(v)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
