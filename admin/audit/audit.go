// Package audit owns the append-only audit log: who did what, to what,
// when and from where, for the requests of people and tokens (the
// middleware, logins). The entries are store records (store.AuditEntry)
// with one writer, store.AppendAudit: this package and the broadcast
// service both append through it, and nothing can change or remove an
// entry through the product.
package audit

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"

	"lifeline/admin/httpstatus"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Entry is one audited action; the store owns the record (see
// store.AuditEntry) and its one writer, store.AppendAudit.
type Entry = store.AuditEntry

// Filter selects entries; zero fields match everything.
type Filter = store.AuditFilter

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

// Append records e in a transaction of its own, filling in Seq and,
// when zero, At.
func (l *Log) Append(ctx context.Context, e Entry) (Entry, error) {
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	var out Entry
	err := l.db.Write(ctx, store.AuditScope(), func(w store.Writer) error {
		var err error
		out, err = store.AppendAudit(ctx, w, e)
		return err
	})
	if err != nil {
		return Entry{}, err
	}
	l.log.Info().Uint64("seq", out.Seq).Str("actor", out.Actor).Str("action", out.Action).Int("status", out.Status).Msg("audit")
	return out, nil
}

// AppendIn records e inside w's transaction, so that the entry exists
// exactly when the change it records does (a contact import's commit).
func (l *Log) AppendIn(ctx context.Context, w store.Writer, e Entry) (Entry, error) {
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	return store.AppendAudit(ctx, w, e)
}

// Record appends e and logs a failure instead of returning it: the action
// being audited has already happened and its answer must not change.
func (l *Log) Record(ctx context.Context, e Entry) {
	if _, err := l.Append(ctx, e); err != nil {
		l.log.Error().Err(err).Str("action", e.Action).Msg("audit entry not written")
	}
}

// List returns up to limit matching entries, newest first, and the seq to
// pass as Before for the next page (0 when there is none).
func (l *Log) List(ctx context.Context, f Filter, limit int) ([]Entry, uint64, error) {
	var out []Entry
	var next uint64
	err := l.db.Read(ctx, func(r store.Reader) error {
		var err error
		out, next, err = store.ListAudit(ctx, r, f, limit)
		return err
	})
	if err != nil {
		return nil, 0, err
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
		l.Record(c.UserContext(), Entry{Actor: id, Name: name, Role: role, IP: c.IP(), Status: status,
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
