package admin

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/audit"
	"lifeline/admin/reqbody"
	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// registerContacts adds the contact routes: CSV import (all rows or none),
// listing and reading one contact, clearing its unreachable mark.
func (s *Server) registerContacts(adm fiber.Router) {
	g := adm.Group("/contacts", s.require(RoleAdmin))
	g.Post("/import", s.importContacts)
	g.Get("/", s.listContacts)
	g.Get("/:wa_id", s.getContact)
	g.Post("/:wa_id/reachable", s.markReachable)
	g.Post("/:wa_id/consent", s.recordConsent)
}

// importContacts takes CSV as the raw body (text/csv) or as the "file"
// field of a multipart form. A bad row rejects the whole file with 400 and
// every bad row named; a file that is not text in its declared encoding
// (UTF-8 when none) is refused with the line named. The rows apply all or
// none, one import at a time (409 for a second), and the audit entry is
// written in the transaction that commits them.
func (s *Server) importContacts(c *fiber.Ctx) error {
	text, err := uploadedCSV(c)
	if err != nil {
		return err
	}
	p, _ := c.Locals("principal").(Principal)
	id, name, role := s.actor(c)
	ip := c.IP()
	ctx := c.UserContext()
	res, err := s.importer.Import(bytes.NewReader(text), contacts.ImportOptions{
		Source: "import by " + p.Name, Now: s.now(),
		Commit: func(tx store.Writer, info contacts.ImportInfo) error {
			_, err := s.audit.Event(ctx, tx, store.ContactImportScope(), audit.Entry{Actor: id, Name: name, Role: role, Action: "contact.import",
				Target: "import=" + info.ID, IP: ip, Status: fiber.StatusOK, Detail: fmt.Sprintf("rows=%d", info.Rows)})
			return err
		},
	})
	if err != nil {
		return err
	}
	c.Locals("audited", true) // the commit wrote the entry
	s.log.Info().Int("rows", res.Rows).Int("created", res.Created).Int("updated", res.Updated).Str("by", p.ID).Msg("contacts imported")
	return c.JSON(res)
}

// listContacts pages through contacts in key order:
// ?after=<wa_id>&limit=100&tag=employees&lang=ar&region=Dammam&opted_in=yes&q=sara.
// q matches part of the number or the name; the other filters match
// whole values. next is the after= of the following page ("" at the end).
// ?format=csv answers every contact the filters select at once, as a CSV
// file in the import's format.
func (s *Server) listContacts(c *fiber.Ctx) error {
	limit, _ := strconv.Atoi(c.Query("limit", "100"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	tag := strings.ToLower(c.Query("tag"))
	aud := contacts.Audience{All: tag == ""}
	if tag != "" {
		aud.TagsAny = []string{tag}
	}
	f, err := contactFilterOf(c)
	if err != nil {
		return err
	}
	switch format := c.Query("format"); format {
	case "", "json":
	case "csv":
		return s.exportContacts(c, aud, f)
	default:
		return reqbody.Invalidf("format %q: want json or csv", format)
	}
	ctx := c.UserContext()
	after := strings.TrimPrefix(c.Query("after"), "+")
	var out []store.Contact
	next := ""
	err = s.db.Read(ctx, func(r store.Reader) error {
		out, next = []store.Contact{}, ""
		return store.EachContact(ctx, r, after, func(ct *store.Contact) error {
			if ok, why := aud.Match(ct); (!ok && why == "") || !f.match(ct) {
				return nil
			}
			out = append(out, *ct)
			if len(out) >= limit {
				next = ct.WaID
				return store.ErrStop
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("list contacts: %w", err)
	}
	return c.JSON(fiber.Map{"contacts": out, "next": next})
}

// contactFilter is what the contacts page filters by, beside the tag.
type contactFilter struct {
	q, lang, region string
	optedIn         *bool
}

func contactFilterOf(c *fiber.Ctx) (contactFilter, error) {
	f := contactFilter{
		q:      strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Query("q")), "+")),
		lang:   strings.ToLower(strings.TrimSpace(c.Query("lang"))),
		region: strings.TrimSpace(c.Query("region")),
	}
	switch v := strings.ToLower(c.Query("opted_in")); v {
	case "":
	case "yes", "true":
		f.optedIn = new(bool)
		*f.optedIn = true
	case "no", "false":
		f.optedIn = new(bool)
	default:
		return f, reqbody.Invalidf("opted_in %q: want yes or no", v)
	}
	return f, nil
}

func (f contactFilter) match(ct *store.Contact) bool {
	if f.q != "" && !strings.Contains(ct.WaID, f.q) && !strings.Contains(strings.ToLower(ct.Name), f.q) {
		return false
	}
	if f.lang != "" && !strings.EqualFold(ct.Language, f.lang) {
		return false
	}
	if f.region != "" && !strings.EqualFold(ct.Region, f.region) {
		return false
	}
	return f.optedIn == nil || ct.OptedIn == *f.optedIn
}

func (s *Server) getContact(c *fiber.Ctx) error {
	id := strings.TrimPrefix(c.Params("wa_id"), "+")
	ctx := c.UserContext()
	var out contactView
	err := s.db.Read(ctx, func(r store.Reader) error {
		var err error
		if out.Contact, err = store.GetContact(ctx, r, id); err != nil {
			return err
		}
		if out.Consent, err = store.ConsentLog(ctx, r, id); err != nil {
			return err
		}
		out.SMS, err = store.GetSMSContact(ctx, r, id)
		return err
	})
	if err != nil {
		return err
	}
	if out.Consent == nil {
		out.Consent = []store.ConsentEvent{}
	}
	return c.JSON(out)
}

// contactView is a contact with its consent log (every opt-in and
// opt-out per channel, with time, source and wording) and its SMS record.
type contactView struct {
	store.Contact
	Consent []store.ConsentEvent `json:"consent"`
	SMS     store.SMSContact     `json:"sms"`
}

// consentRequest is an admin's record of consent given or withdrawn
// outside Lifeline (a signed form, a phone call).
type consentRequest struct {
	Channel string `json:"channel"` // whatsapp or sms
	OptIn   *bool  `json:"opt_in"`
	Wording string `json:"wording"` // how the person gave or withdrew it
}

// recordConsent records an opt-in or opt-out on the person's behalf,
// source "admin", in the consent log and on the contact, with the audit
// entry in the same transaction. The person's own STOP outranks it: an
// admin opt-in leaves a WhatsApp opt-out in place (the answer says so),
// and an SMS opt-out is undone only by the person's START (409).
func (s *Server) recordConsent(c *fiber.Ctx) error {
	id := strings.TrimPrefix(c.Params("wa_id"), "+")
	var req consentRequest
	if err := reqbody.Decode(c, &req, ""); err != nil {
		return err
	}
	switch {
	case req.Channel != store.ChannelWhatsApp && req.Channel != store.ChannelSMS:
		return reqbody.Invalidf("channel %q: want whatsapp or sms", req.Channel)
	case req.OptIn == nil:
		return reqbody.Invalidf("opt_in: give true (consent given) or false (withdrawn)")
	case strings.TrimSpace(req.Wording) == "":
		return reqbody.Invalidf("wording: say how the person gave or withdrew consent (a signed form, a call on 2026-03-01, ...)")
	case len(req.Wording) > 500:
		return reqbody.Invalidf("wording: at most 500 characters")
	case req.Channel == store.ChannelSMS && *req.OptIn:
		return apierr.Conflictf("an SMS opt-in is the absence of an SMS STOP: only the person's START undoes one")
	}
	actor, name, role := s.actor(c)
	ip, ctx, now := c.IP(), c.UserContext(), s.now()
	var (
		ct      store.Contact
		changed bool
	)
	// The audit entry is an event of the person's scope, committed with
	// the change and folded into the log after it (audit.Log.Event).
	scope := store.UserScope(id)
	err := s.db.Write(ctx, scope, func(w store.Writer) error {
		var err error
		if ct, err = store.GetContact(ctx, w, id); err != nil {
			return err
		}
		ev := store.ConsentEvent{Channel: req.Channel, OptIn: *req.OptIn, At: now, Source: store.SourceAdmin, Wording: req.Wording, By: actor}
		if changed, err = store.RecordConsent(ctx, w, id, &ct, ev); err != nil {
			return err
		}
		if changed && req.Channel == store.ChannelWhatsApp {
			ct.UpdatedAt = now
			if err := store.PutContact(ctx, w, ct); err != nil {
				return err
			}
		}
		_, err = s.audit.Event(ctx, w, scope, audit.Entry{Actor: actor, Name: name, Role: role, Action: "contact.consent",
			Target: "wa_id=" + whatsapp.MaskPhone(id), IP: ip, Status: fiber.StatusOK,
			Detail: fmt.Sprintf("channel=%s opt_in=%t changed=%t", req.Channel, *req.OptIn, changed)})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		err = &apierr.NotFound{What: "contact", By: "WhatsApp id", Err: err}
	}
	if err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	c.Locals("audited", true)
	return c.JSON(fiber.Map{"wa_id": id, "changed": changed, "opted_in": ct.OptedIn, "opted_out": ct.OptedOut})
}

// markReachable clears a contact's unreachable mark (a 131026 left them out
// of broadcasts) when an admin knows the number works again, for example
// after the person installed WhatsApp. The audit entry is written in the
// transaction that clears the mark; clearing a contact that is not marked
// changes nothing and is still recorded.
func (s *Server) markReachable(c *fiber.Ctx) error {
	id := strings.TrimPrefix(c.Params("wa_id"), "+")
	actor, name, role := s.actor(c)
	ip := c.IP()
	ctx := c.UserContext()
	var cleared bool
	// The audit entry is an event of the person's scope, committed with
	// the change and folded into the log after it (audit.Log.Event).
	scope := store.UserScope(id)
	err := s.db.Write(ctx, scope, func(w store.Writer) error {
		var err error
		if cleared, err = store.MarkReachable(ctx, w, id, s.now()); err != nil {
			return err
		}
		_, err = s.audit.Event(ctx, w, scope, audit.Entry{Actor: actor, Name: name, Role: role, Action: "contact.reachable",
			Target: "wa_id=" + whatsapp.MaskPhone(id), IP: ip, Status: fiber.StatusOK, Detail: fmt.Sprintf("cleared=%t", cleared)})
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		err = &apierr.NotFound{What: "contact", By: "WhatsApp id", Err: err}
	}
	if err != nil {
		return fmt.Errorf("mark contact reachable: %w", err)
	}
	c.Locals("audited", true) // the transaction wrote the entry
	return c.JSON(fiber.Map{"wa_id": id, "cleared": cleared})
}
