package admin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/bot/contacts"
	"lifeline/csvtext"
	"lifeline/store"
)

// contactColumns are the import's own columns, in the order the README's
// example file has them: an export imports again unchanged (custom
// fields follow, each under its own name).
var contactColumns = []string{"phone", "name", "language", "tags", "region", "opted_in", "opt_in_source", "user_id"}

// exportContacts writes the contacts the list's filters select as CSV in
// the import's format, every page at once. The custom fields' names are
// known only once every contact is read, and every row has the same
// columns, so the contacts are read first and written after (the
// response is held whole before it is sent either way). The export is
// audited with its filters and its row count: it is everyone's numbers
// in one file.
func (s *Server) exportContacts(c *fiber.Ctx, aud contacts.Audience, f contactFilter) error {
	ctx := c.UserContext()
	var list []store.Contact
	var fields []string
	err := s.db.Read(ctx, func(r store.Reader) error {
		list, fields = nil, nil
		return store.EachContact(ctx, r, "", func(ct *store.Contact) error {
			if ok, why := aud.Match(ct); (!ok && why == "") || !f.match(ct) {
				return nil
			}
			for k := range ct.Fields {
				if !slices.Contains(fields, k) && !slices.Contains(contactColumns, k) {
					fields = append(fields, k)
				}
			}
			list = append(list, *ct)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("export contacts: %w", err)
	}
	slices.Sort(fields)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="contacts.csv"`)
	w := csvtext.NewWriter(c.Response().BodyWriter())
	if err := w.Write(append(slices.Clone(contactColumns), fields...)); err != nil {
		return err
	}
	for i := range list {
		ct := &list[i]
		phone := ct.WaID
		if !strings.Contains(phone, ":") { // a username user without a number keeps its key
			phone = "+" + phone
		}
		optedIn := "no"
		if ct.OptedIn {
			optedIn = "yes"
		}
		rec := []string{phone, ct.Name, ct.Language, strings.Join(ct.Tags, "|"), ct.Region, optedIn, ct.OptInSource, ct.UserID}
		for _, k := range fields {
			rec = append(rec, ct.Fields[k])
		}
		if err := w.Write(rec); err != nil {
			return fmt.Errorf("export contacts: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("export contacts: %w", err)
	}
	s.record(c, "contacts.export", "filter="+f.String(aud), fmt.Sprintf("rows=%d", len(list)))
	return nil
}

// String names the filters for the audit log; the search text is left
// out (it may be part of someone's number or name).
func (f contactFilter) String(aud contacts.Audience) string {
	var parts []string
	if len(aud.TagsAny) > 0 {
		parts = append(parts, "tag="+strings.Join(aud.TagsAny, "|"))
	}
	if f.lang != "" {
		parts = append(parts, "lang="+f.lang)
	}
	if f.region != "" {
		parts = append(parts, "region="+f.region)
	}
	if f.optedIn != nil {
		parts = append(parts, fmt.Sprintf("opted_in=%t", *f.optedIn))
	}
	if f.q != "" {
		parts = append(parts, "q=(search)")
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, ",")
}
