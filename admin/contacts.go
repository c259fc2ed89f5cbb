package admin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/bot/contacts"
	"lifeline/store"
)

// registerContacts adds the contact routes: CSV import (all rows or none),
// listing and reading one contact.
func (s *Server) registerContacts(adm fiber.Router) {
	g := adm.Group("/contacts", s.require(RoleAdmin))
	g.Post("/import", s.importContacts)
	g.Get("/", s.listContacts)
	g.Get("/:wa_id", s.getContact)
}

// importContacts takes CSV as the raw body (text/csv) or as the "file"
// field of a multipart form. A bad row rejects the whole file with 400 and
// every bad row named.
func (s *Server) importContacts(c *fiber.Ctx) error {
	var r io.Reader = bytes.NewReader(c.Body())
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "multipart upload needs a \"file\" field with the CSV")
		}
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		r = f
	}
	p, _ := c.Locals("principal").(Principal)
	res, err := contacts.Import(s.db, r, "import by "+p.Name, s.now())
	var ie *contacts.ImportError
	if errors.As(err, &ie) {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "nothing imported: fix the rows listed and send the whole file again", "rows": ie.Rows})
	}
	if err != nil {
		return err
	}
	s.log.Info().Int("rows", res.Rows).Int("created", res.Created).Int("updated", res.Updated).Str("by", p.ID).Msg("contacts imported")
	return c.JSON(res)
}

// listContacts pages through contacts in key order: ?after=<wa_id>&limit=100&tag=employees.
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
	out := []store.Contact{}
	next := ""
	err := s.db.View(func(tx *store.Txn) error {
		return contacts.Each(tx, strings.TrimPrefix(c.Query("after"), "+"), func(ct *store.Contact) error {
			if ok, why := aud.Match(ct); !ok && why == "" {
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

func (s *Server) getContact(c *fiber.Ctx) error {
	id := strings.TrimPrefix(c.Params("wa_id"), "+")
	var ct store.Contact
	err := s.db.View(func(tx *store.Txn) error {
		var err error
		ct, err = contacts.Get(tx, id)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(ct)
}
