// Package audit owns the append-only audit log: who did what, to what,
// when and from where, for the requests of people and tokens (the
// middleware, logins). The entries are store records (store.AuditEntry)
// and this package is the log's one writer: it appends the entries of
// requests (Append), and its folder moves in the entries that other
// packages write as events inside the scoped transaction of the change
// they record (store.AppendAuditEvent, or Event here), so that an entry
// exists exactly when its change does without a transaction across
// scopes. Nothing can change or remove an entry through the product.
package audit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"

	"lifeline/admin/httpstatus"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Entry is one audited action; the store owns the record (see
// store.AuditEntry).
type Entry = store.AuditEntry

// Filter selects entries; zero fields match everything.
type Filter = store.AuditFilter

// Log appends and lists audit entries.
type Log struct {
	db  *store.DB
	log zerolog.Logger
	now func() time.Time
	// foldMu lets one fold run at a time, so that the events of a scope
	// enter the log in their order.
	foldMu sync.Mutex
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

// Event records e inside w's transaction, which is scope's, as an event
// of that scope: the entry exists exactly when the change it records does
// (a contact import's commit, a consent change), and the folder moves it
// into the log after the commit. It fills in At when zero.
func (l *Log) Event(ctx context.Context, w store.Writer, scope store.Scope, e Entry) (Entry, error) {
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	return store.AppendAuditEvent(ctx, w, scope, e)
}

// Start makes this log the folder of the store's audit events: it moves
// in what a crash left pending, then folds after every commit that writes
// an event, before that commit's Write returns, so an entry is in the log
// when the request that made the change answers. A failed fold is logged
// and leaves the events pending: ListAudit lists them all the same, and
// the next fold moves them. Stop ends the folding.
func (l *Log) Start(ctx context.Context) error {
	l.db.SetAuditFolder(func(ctx context.Context) {
		if _, err := l.Fold(ctx); err != nil {
			l.log.Error().Err(err).Msg("audit events not folded: they stay pending and are retried at the next change or start")
		}
	})
	n, err := l.Fold(ctx)
	if err != nil {
		return fmt.Errorf("fold pending audit events: %w", err)
	}
	if n > 0 {
		l.log.Info().Int("entries", n).Msg("audit events left by a stop folded into the log")
	}
	return nil
}

// Stop ends the folding after commits; pending events wait for the next
// Start.
func (l *Log) Stop() { l.db.SetAuditFolder(nil) }

// Fold moves every pending audit event into the log, one fold at a time,
// and returns how many entries it appended.
func (l *Log) Fold(ctx context.Context) (int, error) {
	l.foldMu.Lock()
	defer l.foldMu.Unlock()
	return store.FoldAuditEvents(ctx, l.db)
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
