package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/reqbody"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/correction"
)

// correctionAPI serves corrections of FAQ answers; the correction
// service does the work and writes each step's audit entry.
type correctionAPI struct {
	s   *Server
	svc *correction.Service
}

// registerCorrections adds the correction routes (admins only: a
// correction messages people) and the unaccounted list of a check-in
// (admins and agents, who work it).
func (s *Server) registerCorrections(adm fiber.Router, svc *correction.Service, bc *broadcast.Service) {
	if svc == nil || bc == nil {
		return
	}
	h := &correctionAPI{s: s, svc: svc}
	adm.Use("/corrections", s.audit.Middleware("correction", s.actor))
	admin, workers := s.require(RoleAdmin), s.require(RoleAdmin, RoleAgent)
	// Creating and sending need the "correct" permission (roles.go).
	adm.Post("/corrections", admin, permit(PermCorrect), h.create)
	adm.Get("/corrections", admin, h.list)
	adm.Get("/corrections/:id", admin, h.get)
	adm.Post("/corrections/:id/send", admin, permit(PermCorrect), h.send)

	u := &unaccountedAPI{s: s, svc: bc}
	adm.Get("/broadcasts/:id/unaccounted", workers, u.list)
	adm.Post("/broadcasts/:id/unaccounted/:who/reached", workers, u.reached)
}

func (h *correctionAPI) by(c *fiber.Ctx) correction.Actor {
	id, name, role := h.s.actor(c)
	return correction.Actor{ID: id, Name: name, Role: role, MayApprove: principal(c).May(PermApprove)}
}

const newCorrectionExample = `{"entry": "drinking-water", "since": "48h", "messages": {"en": "Correction: boil tap water for one minute before drinking.", "ar": "..."}, "templates": {"en": {"name": "answer_correction", "language": "en_US"}}, "incident": "inc000001"}`

func (h *correctionAPI) create(c *fiber.Ctx) error {
	var n correction.New
	if err := reqbody.Decode(c, &n, newCorrectionExample); err != nil {
		return err
	}
	v, err := h.svc.Create(c.UserContext(), n, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	c.Location("/admin/corrections/" + v.ID)
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *correctionAPI) list(c *fiber.Ctx) error {
	cs, err := h.svc.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"corrections": cs})
}

func (h *correctionAPI) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *correctionAPI) send(c *fiber.Ctx) error {
	var o correction.SendOptions
	if len(c.Body()) > 0 {
		if err := reqbody.Decode(c, &o, `{"templates": {"en": {"name": "answer_correction", "language": "en_US"}}}`); err != nil {
			return err
		}
	}
	v, err := h.svc.Send(c.UserContext(), c.Params("id"), o, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.JSON(v)
}

// unaccountedAPI serves the people a check-in has no answer from.
type unaccountedAPI struct {
	s   *Server
	svc *broadcast.Service
}

// list answers the check-in's unaccounted, at most ?limit= of them (the
// counts are of everyone); agents see numbers masked and name a person by
// their ref.
func (h *unaccountedAPI) list(c *fiber.Ctx) error {
	limit := 0
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return reqbody.Invalidf("limit %q: want a whole number, at least 1", v)
		}
		limit = n
	}
	l, err := h.svc.UnaccountedPage(c.Params("id"), limit)
	if err != nil {
		return err
	}
	if _, _, role := h.s.actor(c); role != RoleAdmin {
		for i := range l.People {
			l.People[i].WaID = whatsapp.MaskPhone(l.People[i].WaID)
		}
	}
	return c.JSON(l)
}

// reached marks a person reached by staff; who is their wa_id or their
// ref ("r12") from the list.
func (h *unaccountedAPI) reached(c *fiber.Ctx) error {
	var body struct {
		Note string `json:"note"`
	}
	if len(c.Body()) > 0 {
		if err := reqbody.Decode(c, &body, `{"note": "called, safe at her sister's"}`); err != nil {
			return err
		}
	}
	p, err := h.svc.MarkReached(c.Params("id"), c.Params("who"), body.Note, broadcastActor(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	if _, _, role := h.s.actor(c); role != RoleAdmin {
		p.WaID = whatsapp.MaskPhone(p.WaID)
	}
	return c.JSON(p)
}
