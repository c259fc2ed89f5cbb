package admin

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/store"
)

// Canned replies: admins write them per language; agents pick them in
// the console, which fills the variables from the conversation.

// CannedVariables are the variables a canned reply may use, and what the
// console puts in their place.
var cannedVariables = map[string]string{
	"name":     "the person's profile name (their number when they have none)",
	"number":   "the person's WhatsApp number",
	"agent":    "the agent's name",
	"position": "the person's place in the waiting queue",
	"wait":     "how long the person has waited",
}

const (
	maxCannedTitle = 60
	maxCannedText  = 1024
	maxCanned      = 500
)

var (
	cannedLang = regexp.MustCompile(`^[a-z]{2,3}(-[a-z]{2,8})?$`)
	cannedVar  = regexp.MustCompile(`\{([^{}\s]*)\}`)
)

type cannedInput struct {
	Lang  string `json:"lang"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// check trims in and refuses what an agent could not send as written.
func (in *cannedInput) check() error {
	in.Lang, in.Title, in.Text = strings.ToLower(strings.TrimSpace(in.Lang)), strings.TrimSpace(in.Title), strings.TrimSpace(in.Text)
	switch {
	case !cannedLang.MatchString(in.Lang):
		return reqbody.Invalidf(`"lang" must be a language code such as "en", "ar" or "ar-latn", got %q`, in.Lang)
	case in.Text == "":
		return reqbody.Invalidf(`"text" is missing`)
	case utf8.RuneCountInString(in.Text) > maxCannedText:
		return reqbody.Invalidf(`"text" is longer than %d characters`, maxCannedText)
	case utf8.RuneCountInString(in.Title) > maxCannedTitle:
		return reqbody.Invalidf(`"title" is longer than %d characters`, maxCannedTitle)
	}
	for _, m := range cannedVar.FindAllStringSubmatch(in.Text, -1) {
		if _, ok := cannedVariables[m[1]]; !ok {
			return reqbody.Invalidf("unknown variable {%s}: the console fills only %s", m[1], knownVariables())
		}
	}
	if in.Title == "" {
		// The button shows the start of the text.
		in.Title = in.Text
		if utf8.RuneCountInString(in.Title) > 28 {
			in.Title = string([]rune(in.Title)[:27]) + "…"
		}
	}
	return nil
}

func knownVariables() string {
	names := make([]string, 0, len(cannedVariables))
	for n := range cannedVariables {
		names = append(names, "{"+n+"}")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// registerCannedReplies adds the canned reply routes: everyone who
// answers people reads them; admins write them, and each write is audited.
func (s *Server) registerCannedReplies(adm fiber.Router) {
	adm.Use("/canned-replies", s.audit.Middleware("canned", s.actor))
	admin, readers := s.require(RoleAdmin), s.require(RoleAdmin, RoleAgent)
	adm.Get("/canned-replies", readers, s.listCanned)
	adm.Post("/canned-replies", admin, s.createCanned)
	adm.Put("/canned-replies/:id", admin, s.updateCanned)
	adm.Delete("/canned-replies/:id", admin, s.deleteCanned)
}

const cannedExample = `{"lang": "en", "title": "Greeting", "text": "Hello {name}, I am {agent}. I am here to help you."}`

// listCanned answers ?lang=ar with that language's replies, or every reply.
func (s *Server) listCanned(c *fiber.Ctx) error {
	lang := strings.ToLower(strings.TrimSpace(c.Query("lang")))
	ctx := c.UserContext()
	out := []store.CannedReply{}
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachCannedReply(ctx, r, func(cr store.CannedReply) error {
			if lang == "" || cr.Lang == lang {
				out = append(out, cr)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"canned_replies": out, "variables": cannedVariables})
}

func (s *Server) createCanned(c *fiber.Ctx) error {
	var in cannedInput
	if err := reqbody.Decode(c, &in, cannedExample); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	ctx := c.UserContext()
	var cr store.CannedReply
	// The number names the new reply's scope, so it is drawn first; a
	// refused create leaves a gap, which numbers allow.
	id, err := store.NextCannedReplyID(ctx, s.db)
	if err != nil {
		return fmt.Errorf("create canned reply: %w", err)
	}
	// The count of replies is read, not fenced: two creates at once may
	// pass the cap by one, which the console survives.
	err = s.db.Write(ctx, store.DocScope(store.DocCannedReply, id), func(w store.Writer) error {
		n := 0
		if err := store.EachCannedReply(ctx, w, func(store.CannedReply) error { n++; return nil }); err != nil {
			return err
		}
		if n >= maxCanned {
			return apierr.Conflictf("there are %d canned replies already, the most the console shows; delete some first", n)
		}
		cr = store.CannedReply{ID: id, Lang: in.Lang, Title: in.Title, Text: in.Text, UpdatedAt: s.now(), UpdatedBy: principal(c).ID}
		return store.PutCannedReply(ctx, w, cr)
	})
	if err != nil {
		return fmt.Errorf("create canned reply: %w", err)
	}
	c.Location("/admin/canned-replies/" + cr.ID)
	return c.Status(fiber.StatusCreated).JSON(cr)
}

func (s *Server) updateCanned(c *fiber.Ctx) error {
	var in cannedInput
	if err := reqbody.Decode(c, &in, cannedExample); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	ctx, id := c.UserContext(), c.Params("id")
	var cr store.CannedReply
	err := s.db.Write(ctx, store.DocScope(store.DocCannedReply, id), func(w store.Writer) error {
		var err error
		if cr, err = store.GetCannedReply(ctx, w, id); err != nil {
			return cannedMissing(id, err)
		}
		cr.Lang, cr.Title, cr.Text, cr.UpdatedAt, cr.UpdatedBy = in.Lang, in.Title, in.Text, s.now(), principal(c).ID
		return store.PutCannedReply(ctx, w, cr)
	})
	if err != nil {
		return fmt.Errorf("update canned reply %s: %w", id, err)
	}
	return c.JSON(cr)
}

func (s *Server) deleteCanned(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), c.Params("id")
	err := s.db.Write(ctx, store.DocScope(store.DocCannedReply, id), func(w store.Writer) error {
		return cannedMissing(id, store.DeleteCannedReply(ctx, w, id))
	})
	if err != nil {
		return fmt.Errorf("delete canned reply %s: %w", id, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func cannedMissing(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &apierr.NotFound{What: "canned reply", ID: id, Err: err}
	}
	return err
}
