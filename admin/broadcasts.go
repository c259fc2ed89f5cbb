package admin

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot/broadcast"
)

// broadcastAPI serves broadcasts; the service does the work.
type broadcastAPI struct {
	s   *Server
	svc *broadcast.Service
}

// registerBroadcasts adds the broadcast routes. Admins do everything; an
// integration token (a CRM, a logistics system) may start one and follow it.
func (s *Server) registerBroadcasts(adm fiber.Router, svc *broadcast.Service) {
	if svc == nil {
		return
	}
	h := &broadcastAPI{s: s, svc: svc}
	admin, starter := s.require(RoleAdmin), s.require(RoleAdmin, RoleIntegration)
	adm.Post("/broadcasts", starter, h.create)
	adm.Post("/broadcasts/preview", admin, h.previewSpec)
	adm.Get("/broadcasts", admin, h.list)
	adm.Get("/broadcasts/:id", starter, h.status)
	adm.Get("/broadcasts/:id/preview", admin, h.previewExisting)
	adm.Get("/broadcasts/:id/series", admin, h.series)
	adm.Get("/broadcasts/:id/recipients.csv", admin, h.recipients)
	// How many people a correction of the broadcast would reach now.
	adm.Get("/broadcasts/:id/reached", admin, h.reached)
	adm.Post("/broadcasts/:id/pause", admin, h.control(svc.Pause))
	adm.Post("/broadcasts/:id/resume", admin, h.control(svc.Resume))
	adm.Post("/broadcasts/:id/cancel", admin, h.control(svc.Cancel))
	// Two-person approval: another admin than the creator approves or
	// rejects a broadcast pending approval, after reading its preview.
	// Approving needs the "approve" permission (roles.go).
	adm.Post("/broadcasts/:id/approve", admin, permit(PermApprove), h.decide(svc.Approve))
	adm.Post("/broadcasts/:id/reject", admin, permit(PermApprove), h.decide(svc.Reject))
}

// broadcastActor is the caller as the broadcast service names actors.
func broadcastActor(c *fiber.Ctx) broadcast.Actor {
	p, _ := c.Locals("principal").(Principal)
	return broadcast.Actor{ID: p.ID, Name: p.Name, Role: p.Role, RequiresApproval: p.RequiresApproval}
}

func actor(c *fiber.Ctx) string {
	p, _ := c.Locals("principal").(Principal)
	if p.Name == "" {
		return p.ID
	}
	return p.Name + " (" + p.ID + ")"
}

func (h *broadcastAPI) parseSpec(c *fiber.Ctx) (broadcast.Spec, error) {
	var spec broadcast.Spec
	if err := reqbody.Decode(c, &spec, ""); err != nil {
		return spec, err
	}
	return spec, nil
}

// create answers 202 with the id; sending starts in the background.
// An Idempotency-Key header makes retried requests return the same broadcast.
func (h *broadcastAPI) create(c *fiber.Ctx) error {
	spec, err := h.parseSpec(c)
	if err != nil {
		return err
	}
	// A drill, asked for or by its incident, needs "drills".
	if h.s.drillBroadcast(c.UserContext(), spec.Drill, spec.Incident) {
		if err := allow(c, PermDrills); err != nil {
			return err
		}
	}
	b, err := h.svc.CreateBy(spec, broadcastActor(c), c.Get("Idempotency-Key"))
	if err != nil {
		return correctionNotFound(spec, err)
	}
	// The service wrote the audit entry, with what the broadcast reaches
	// and why, in the transaction that stored it: the middleware must not
	// add a second one. A refused request wrote none, and the middleware
	// records it.
	c.Locals("audited", true)
	c.Location("/admin/broadcasts/" + b.ID)
	out := fiber.Map{"id": b.ID, "state": b.State}
	if len(b.Warnings) > 0 {
		out["warnings"] = b.Warnings
	}
	return c.Status(fiber.StatusAccepted).JSON(out)
}

func (h *broadcastAPI) previewSpec(c *fiber.Ctx) error {
	spec, err := h.parseSpec(c)
	if err != nil {
		return err
	}
	pv, err := h.svc.PreviewSpec(spec)
	if err != nil {
		return correctionNotFound(spec, err)
	}
	return c.JSON(pv)
}

// correctionNotFound names the broadcast a correction names when it does
// not exist: the store's own not found says nothing of what was missing.
func correctionNotFound(spec broadcast.Spec, err error) error {
	if errors.Is(err, broadcast.ErrNotFound) && strings.TrimSpace(spec.CorrectionOf) != "" {
		return &apierr.NotFound{What: "broadcast", ID: strings.TrimSpace(spec.CorrectionOf),
			Why: fmt.Sprintf("correction_of %q: no such broadcast", strings.TrimSpace(spec.CorrectionOf)), Err: err}
	}
	return err
}

func (h *broadcastAPI) previewExisting(c *fiber.Ctx) error {
	pv, err := h.svc.PreviewBroadcast(c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(pv)
}

func (h *broadcastAPI) list(c *fiber.Ctx) error {
	limit, _ := strconv.Atoi(c.Query("limit", "50"))
	bs, err := h.svc.List(limit)
	if err != nil {
		return fmt.Errorf("list broadcasts: %w", err)
	}
	out := make([]*broadcast.Status, 0, len(bs))
	for _, b := range bs {
		st, err := h.svc.Status(b.ID)
		if err != nil {
			return err
		}
		out = append(out, st)
	}
	return c.JSON(fiber.Map{"broadcasts": out})
}

func (h *broadcastAPI) status(c *fiber.Ctx) error {
	st, err := h.svc.Status(c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *broadcastAPI) recipients(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := h.svc.Get(id); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+id+`-recipients.csv"`)
	return h.svc.WriteRecipientsCSV(id, c.Response().BodyWriter())
}

// reached counts the people the broadcast reached: the audience a
// correction of it (correction_of) would have now.
func (h *broadcastAPI) reached(c *fiber.Ctx) error {
	id := c.Params("id")
	b, err := h.svc.Get(id)
	if err != nil {
		return err
	}
	people, err := h.svc.Reached(id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"id": b.ID, "state": b.State, "incident": b.Spec.Incident, "reached": len(people)})
}

// decide approves or rejects; the service refuses the creator (409).
func (h *broadcastAPI) decide(fn func(id string, by broadcast.Actor) (*broadcast.Broadcast, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		b, err := fn(c.Params("id"), broadcastActor(c))
		if err != nil {
			return err
		}
		c.Locals("audited", true) // the service wrote the entry
		return c.JSON(fiber.Map{"id": b.ID, "state": b.State, "approval": b.Approval})
	}
}

func (h *broadcastAPI) control(fn func(id, by string) (*broadcast.Broadcast, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		b, err := fn(c.Params("id"), actor(c))
		if err != nil {
			return err
		}
		c.Locals("audited", true) // the service wrote the entry
		return c.JSON(fiber.Map{"id": b.ID, "state": b.State})
	}
}
