package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/audit"
	"lifeline/admin/kbapi"
	"lifeline/admin/reqbody"
	"lifeline/bot/whatsapp"
	"lifeline/incident"
	"lifeline/store"
)

// incidentAPI serves incidents; the incident service does the work and
// writes each change's audit entry in the change's transaction.
type incidentAPI struct {
	s   *Server
	svc *incident.Service
}

// registerIncidents adds the incident routes. Admins open, change and
// close incidents, real ones with the "incidents" permission and drills
// with "drills" (roles.go); agents, who work the people an incident
// brings in, read them, their timeline and their report (with the
// unaccounted people's numbers masked).
func (s *Server) registerIncidents(adm fiber.Router, svc *incident.Service) {
	h := &incidentAPI{s: s, svc: svc}
	// Refused requests are recorded by the middleware; the service
	// records the changes it makes.
	adm.Use("/incidents", s.audit.Middleware("incident", s.actor))
	admin, readers := s.require(RoleAdmin), s.require(RoleAdmin, RoleAgent)
	// The permission of a change depends on the incident: a drill's is
	// "drills", a real one's "incidents".
	adm.Post("/incidents", admin, h.create)
	adm.Get("/incidents", readers, h.list)
	adm.Get("/incidents/:id", readers, h.get)
	adm.Patch("/incidents/:id", admin, s.permitIncident, h.update)
	adm.Post("/incidents/:id/close", admin, s.permitIncident, h.close)
	adm.Get("/incidents/:id/timeline", readers, h.timeline)
	adm.Get("/incidents/:id/report", readers, h.report)
	if s.kb != nil {
		adm.Post("/incidents/:id/faq", s.auditOverlayEntry)
		kbapi.RegisterOverlay(adm, kbapi.OverlayRoutes{KB: s.kb, Admit: incident.AdmitOverlay, Write: admin, Permit: s.permitIncident, Read: readers,
			Exists: func(ctx context.Context, id string) error { _, err := svc.Get(ctx, id); return err },
			Actor:  func(c *fiber.Ctx) string { return h.by(c).String() }})
	}
}

// auditOverlayEntry runs the overlay route and, when it stored the
// entry, writes the audit entry with the entry's id and language: the
// incident's timeline shows each overlay change from the audit log, an
// entry removed since included.
func (s *Server) auditOverlayEntry(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	status := c.Response().StatusCode()
	if status >= 300 {
		return nil
	}
	var e struct {
		ID   string `json:"id"`
		Lang string `json:"lang"`
	}
	if err := json.Unmarshal(c.Response().Body(), &e); err != nil || e.ID == "" {
		return nil // the route's own answer; the audit middleware records it without detail
	}
	id, name, role := s.actor(c)
	c.Locals("audited", true)
	s.audit.Record(c.UserContext(), audit.Entry{Actor: id, Name: name, Role: role, Action: "incident.faq.create",
		Target: "id=" + c.Params("id"), Detail: fmt.Sprintf("entry %s (%s)", e.ID, e.Lang), IP: c.IP(), Status: status})
	return nil
}

func (h *incidentAPI) by(c *fiber.Ctx) incident.Actor {
	id, name, role := h.s.actor(c)
	return incident.Actor{ID: id, Name: name, Role: role, IP: c.IP()}
}

const newIncidentExample = `{"name": "Dammam flood", "kind": "flood", "audience": {"regions": ["Dammam"]}, "drill": false}`

func (h *incidentAPI) create(c *fiber.Ctx) error {
	var n incident.New
	if err := reqbody.Decode(c, &n, newIncidentExample); err != nil {
		return err
	}
	if err := allow(c, incidentPerm(n.Drill)); err != nil {
		return err
	}
	in, err := h.svc.Create(c.UserContext(), n, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true) // the service wrote the entry
	c.Location("/admin/incidents/" + in.ID)
	return c.Status(fiber.StatusCreated).JSON(in)
}

func (h *incidentAPI) list(c *fiber.Ctx) error {
	f := incident.Filter{State: c.Query("state")}
	if v := c.Query("drill"); v != "" {
		d, err := strconv.ParseBool(v)
		if err != nil {
			return reqbody.Invalidf("drill %q: want true or false", v)
		}
		f.Drill = &d
	}
	ins, err := h.svc.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"incidents": ins, "summary": incident.Summarize(ins)})
}

func (h *incidentAPI) get(c *fiber.Ctx) error {
	in, err := h.svc.Get(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	h.mask(c, in.ClosingReport)
	return c.JSON(in)
}

func (h *incidentAPI) update(c *fiber.Ctx) error {
	var p incident.Patch
	if err := reqbody.Decode(c, &p, `{"name": "...", "notes": "...", "audience": {"regions": ["Dammam", "Khobar"]}, "sms": {"texts": {"en": "..."}}}`); err != nil {
		return err
	}
	in, err := h.svc.Update(c.UserContext(), c.Params("id"), p, h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.JSON(in)
}

// close closes the incident and answers with it and its closing report.
func (h *incidentAPI) close(c *fiber.Ctx) error {
	in, err := h.svc.Close(c.UserContext(), c.Params("id"), h.by(c))
	if err != nil {
		return err
	}
	c.Locals("audited", true)
	return c.JSON(in)
}

// timeline answers JSON, or CSV for ?format=csv or Accept: text/csv.
func (h *incidentAPI) timeline(c *fiber.Ctx) error {
	id := c.Params("id")
	t, err := h.svc.Timeline(c.UserContext(), id)
	if err != nil {
		return err
	}
	switch format := c.Query("format"); {
	case format == "csv" || (format == "" && strings.Contains(c.Get(fiber.HeaderAccept), "text/csv")):
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+id+`-timeline.csv"`)
		return t.WriteCSV(c.Response().BodyWriter())
	case format == "" || format == "json":
		return c.JSON(t)
	default:
		return reqbody.Invalidf("format %q: want json or csv", format)
	}
}

// report answers JSON, or a printable HTML page for ?format=html or
// Accept: text/html; ?unaccounted=omit leaves out the lists of the
// unaccounted (their counts stay, in accounted_for).
func (h *incidentAPI) report(c *fiber.Ctx) error {
	format := c.Query("format")
	html := format == "html" || (format == "" && strings.Contains(c.Get(fiber.HeaderAccept), "text/html"))
	if !html && format != "" && format != "json" {
		return reqbody.Invalidf("format %q: want json or html", format)
	}
	omit := c.Query("unaccounted")
	if omit != "" && omit != "omit" {
		return reqbody.Invalidf("unaccounted %q: want omit, or leave it out for the lists", omit)
	}
	id := c.Params("id")
	shared, err := sharedReports.get(c.UserContext(), reportKey{db: h.s.db, id: id}, func(ctx context.Context) (*incident.Report, error) {
		return h.svc.Report(ctx, id)
	})
	if err != nil {
		return err
	}
	rep := shared.Clone() // shared with the requests that joined its computation: masked and trimmed here on a copy
	if omit == "omit" {
		// The dashboard shows each check-in's unaccounted from its own
		// paged list: early in a large check-in these lists hold almost
		// everyone it reached, and it asks on every live event.
		rep.Unaccounted = []incident.Unaccounted{}
		for i := range rep.Broadcasts {
			rep.Broadcasts[i].Unaccounted = nil
		}
	}
	h.mask(c, rep)
	if !html {
		return c.JSON(rep)
	}
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	// The page is self-contained: nothing may run or be fetched.
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return rep.WriteHTML(c.Response().BodyWriter())
}

// reportKey names an incident's report: the store (each server has its
// own) and the incident.
type reportKey struct {
	db *store.DB
	id string
}

// sharedReports coalesces the computations of each incident's report
// (sharedRuns): every console open on an incident's dashboard asks for it
// after each live event, and for an incident affecting 100,000 people one
// computation takes about two seconds (BENCHMARKS.md).
var sharedReports = newSharedRuns[reportKey, *incident.Report]()

// mask hides the numbers of the unaccounted, of those who need help and
// of those who opened a handoff from anyone but an admin: an agent sees
// that someone is unaccounted or needs help, and works them through the
// queue.
func (h *incidentAPI) mask(c *fiber.Ctx, rep *incident.Report) {
	if rep == nil {
		return
	}
	if _, _, role := h.s.actor(c); role == RoleAdmin {
		return
	}
	m := func(us []incident.Unaccounted) {
		for i := range us {
			us[i].WaID = whatsapp.MaskPhone(us[i].WaID)
		}
	}
	m(rep.Unaccounted)
	for i := range rep.Broadcasts {
		m(rep.Broadcasts[i].Unaccounted)
	}
	for i := range rep.NeedHelp {
		rep.NeedHelp[i].WaID = whatsapp.MaskPhone(rep.NeedHelp[i].WaID)
	}
	for i, u := range rep.HandoffUsers {
		rep.HandoffUsers[i] = whatsapp.MaskPhone(u)
	}
}
