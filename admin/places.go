package admin

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/reqbody"
	"lifeline/places"
)

// placeAPI serves places; the places service does the work and writes
// each change's audit entry in the change's transaction.
type placeAPI struct {
	s   *Server
	svc *places.Service
}

// registerPlaces adds the place routes. Admins add, change, open and
// close places and import them; agents, who tell people where to go,
// read them.
func (s *Server) registerPlaces(adm fiber.Router, svc *places.Service) {
	h := &placeAPI{s: s, svc: svc}
	// Refused requests are recorded by the middleware; the service
	// records the changes it makes.
	adm.Use("/places", s.audit.Middleware("place", s.actor))
	admin, readers := s.require(RoleAdmin), s.require(RoleAdmin, RoleAgent)
	adm.Post("/places/import", admin, h.importCSV)
	adm.Post("/places", admin, h.create)
	adm.Get("/places", readers, h.list)
	adm.Get("/places/:id", readers, h.get)
	adm.Patch("/places/:id", admin, h.update)
	adm.Delete("/places/:id", admin, h.remove)
	adm.Post("/places/:id/state", admin, h.state)
}

func (h *placeAPI) by(c *fiber.Ctx) places.Actor {
	id, name, role := h.s.actor(c)
	return places.Actor{ID: id, Name: name, Role: role, IP: c.IP()}
}

const newPlaceExample = `{"name": {"default": "Town hall shelter", "ar": "ملجأ دار البلدية"}, "kind": "shelter", "lat": 26.4207, "lon": 50.0888, "address": "1 King Fahd Rd", "capacity": 300}`

func (h *placeAPI) create(c *fiber.Ctx) error {
	var in places.Input
	if err := reqbody.Decode(c, &in, newPlaceExample); err != nil {
		return err
	}
	p, err := h.svc.Create(c.UserContext(), in, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true) // the service wrote the entry
	c.Location("/admin/places/" + p.ID)
	return c.Status(fiber.StatusCreated).JSON(p)
}

// list answers ?kind=shelter&state=open&incident=inc000001.
func (h *placeAPI) list(c *fiber.Ctx) error {
	ps, err := h.svc.List(c.UserContext(), places.Filter{Kind: places.Kind(c.Query("kind")), State: places.State(c.Query("state")), Incident: c.Query("incident")})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"places": ps})
}

func (h *placeAPI) get(c *fiber.Ctx) error {
	p, err := h.svc.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *placeAPI) update(c *fiber.Ctx) error {
	var pt places.Patch
	if err := reqbody.Decode(c, &pt, `{"address": "...", "capacity": 250, "notes": {"default": "Bring blankets"}}`); err != nil {
		return err
	}
	p, err := h.svc.Update(c.UserContext(), c.Params("id"), pt, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.JSON(p)
}

func (h *placeAPI) remove(c *fiber.Ctx) error {
	if err := h.svc.Delete(c.UserContext(), c.Params("id"), h.by(c)); err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.SendStatus(fiber.StatusNoContent)
}

// state opens, fills or closes a place: {"state": "full"}. The next
// person who asks is answered without it.
func (h *placeAPI) state(c *fiber.Ctx) error {
	var body struct {
		State places.State `json:"state"`
	}
	if err := reqbody.Decode(c, &body, `{"state": "open"} (or "full", "closed")`); err != nil {
		return err
	}
	p, err := h.svc.SetState(c.UserContext(), c.Params("id"), body.State, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.JSON(p)
}

// importCSV takes CSV as the raw body (text/csv) or as the "file" field
// of a multipart form, as the contact import does. A bad row rejects the
// whole file with 400 and every bad row named by line and column.
func (h *placeAPI) importCSV(c *fiber.Ctx) error {
	text, err := uploadedCSV(c)
	if err != nil {
		return err
	}
	res, err := h.svc.Import(c.UserContext(), bytes.NewReader(text), h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.JSON(res)
}
