package kbapi

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/reqbody"
	"lifeline/kb"
)

// OverlayRoutes are the FAQ overlay's routes under an incident:
//
//	POST   /incidents/:id/faq         add an entry (admins)
//	GET    /incidents/:id/faq         list its entries, closed ones with closed_at
//	DELETE /incidents/:id/faq/:entry  remove an entry (admins)
type OverlayRoutes struct {
	KB *kb.KB
	// Admit refuses an incident that does not exist or is closed
	// (incident.AdmitOverlay).
	Admit kb.OverlayAdmit
	// Exists refuses an incident that does not exist, open or closed.
	Exists func(ctx context.Context, id string) error
	// Actor names who makes a change, kept on the entry.
	Actor func(c *fiber.Ctx) string
	// Write and Read guard the routes (roles); Permit, when set, runs
	// after Write (the incident's permission).
	Write, Read fiber.Handler
	Permit      fiber.Handler
}

const overlayExample = `{"id": "plant-open", "lang": "en", "question": "Is the Dammam plant open tomorrow?", ` +
	`"answer": "No: the plant is closed until Thursday.", "translations": {"ar": {"question": "...", "answer": "..."}}}`

// RegisterOverlay mounts the overlay routes on r (the /admin group).
func RegisterOverlay(r fiber.Router, o OverlayRoutes) {
	write := []fiber.Handler{o.Write}
	if o.Permit != nil {
		write = append(write, o.Permit)
	}
	r.Post("/incidents/:id/faq", append(write, o.add)...)
	r.Get("/incidents/:id/faq", o.Read, o.list)
	r.Delete("/incidents/:id/faq/:entry", append(write, o.remove)...)
}

func (o OverlayRoutes) add(c *fiber.Ctx) error {
	var e kb.Entry
	if err := reqbody.Decode(c, &e, overlayExample); err != nil {
		return err
	}
	oe, err := o.KB.AddOverlay(c.UserContext(), param(c, "id"), e, o.Actor(c), o.Admit)
	if err != nil {
		return err
	}
	c.Location("/admin/incidents/" + oe.Incident + "/faq/" + oe.ID)
	return c.Status(fiber.StatusCreated).JSON(oe)
}

func (o OverlayRoutes) list(c *fiber.Ctx) error {
	id := param(c, "id")
	// A read of an incident that does not exist is a 404 like its other
	// routes, not an empty list.
	if err := o.Exists(c.UserContext(), id); err != nil {
		return err
	}
	es, err := o.KB.Overlay(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"incident": id, "entries": es})
}

func (o OverlayRoutes) remove(c *fiber.Ctx) error {
	if err := o.KB.DeleteOverlay(c.UserContext(), param(c, "id"), param(c, "entry"), o.Admit); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
