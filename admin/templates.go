package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/templates"
)

// registerTemplates adds the template list routes: admins and agents
// read it (agents send templates once the 24-hour window has closed);
// admins sync it on demand.
func (s *Server) registerTemplates(adm fiber.Router, svc *templates.Service) {
	if svc == nil {
		return
	}
	adm.Use("/templates", s.audit.Middleware("template", s.actor))
	admin := s.require(RoleAdmin)
	// Agents read the list for the console's template picker.
	adm.Get("/templates", s.require(RoleAdmin, RoleAgent), func(c *fiber.Ctx) error {
		ts, last, err := svc.List(c.UserContext())
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"templates": ts, "last_sync": last})
	})
	adm.Post("/templates/sync", admin, func(c *fiber.Ctx) error {
		rep, err := svc.Sync(c.UserContext())
		switch {
		case errors.Is(err, templates.ErrNoSource):
			return apierr.Conflictf("%s", err.Error())
		case err != nil:
			// WhatsApp or the file failed: the stored list is unchanged.
			return &apierr.Unavailable{Msg: err.Error() + " (the stored template list is unchanged)"}
		}
		return c.JSON(rep)
	})
}
