// Package kbapi is the admin HTTP API of the FAQ knowledge base: import,
// search, entries, versions, export, the unanswered report, candidate
// alternate questions and feedback. It knows nothing of authentication; the
// server mounts it behind the admin bearer token. Handlers return domain
// errors: the app that mounts the routes answers them with
// httpstatus.Handler as its error handler.
package kbapi

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"lifeline/admin/reqbody"
	"lifeline/csvtext"
	"lifeline/kb"
)

// Register mounts the routes on r (the server mounts r at /admin/kb).
func Register(r fiber.Router, k *kb.KB) {
	h := &handlers{kb: k}
	r.Post("/import", h.importFAQ)
	r.Get("/search", h.search)
	r.Get("/entries", h.listEntries)
	r.Post("/entries", h.createEntry)
	r.Get("/entries/:id", h.getEntry)
	r.Put("/entries/:id", h.updateEntry)
	r.Delete("/entries/:id", h.deleteEntry)
	r.Get("/versions", h.versions)
	r.Get("/versions/:v/diff", h.diff)
	r.Post("/versions/:v/rollback", h.rollback)
	r.Get("/export.csv", h.export)
	r.Get("/unanswered", h.unanswered)
	r.Get("/candidates", h.candidates)
	r.Post("/candidates/:id/approve", h.approve)
	r.Post("/candidates/:id/reject", h.reject)
	r.Get("/feedback", h.feedback)
}

type handlers struct{ kb *kb.KB }

// param returns a path parameter as a string of its own. Fiber's values
// point into a buffer that the next request reuses unless the app is
// Immutable, and the knowledge base keeps ids (an entry's id, in memory)
// long after the request: mounted on any app, these routes copy.
func param(c *fiber.Ctx, name string) string { return utils.CopyString(c.Params(name)) }

func (h *handlers) importFAQ(c *fiber.Ctx) error {
	format, ok := kb.FormatForContentType(c.Get(fiber.HeaderContentType))
	if !ok {
		return reqbody.Unsupported(
			"unsupported content type: use text/csv, text/tab-separated-values, application/json or text/markdown")
	}
	mode := kb.ImportMode(c.Query("mode", string(kb.ModeReplace)))
	if mode != kb.ModeReplace && mode != kb.ModeMerge {
		return reqbody.Invalidf("mode must be replace or merge")
	}
	data, err := csvtext.ToUTF8(c.Body(), c.Get(fiber.HeaderContentType))
	if err != nil {
		return reqbody.Invalidf("nothing imported: %v", err)
	}
	entries, rows, err := kb.ParseRows(data, format)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return reqbody.Invalidf("the file has no entries")
	}
	rep, err := h.kb.ImportRows(entries, rows, mode, "")
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// searchResult pins the answer shape: {"decision","lang","results":[{"id",
// "question","answer","lang","score"}]}.
type searchResult struct {
	Decision kb.Decision `json:"decision"`
	Lang     string      `json:"lang"`
	Results  []searchHit `json:"results"`
}

type searchHit struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Lang     string  `json:"lang"`
	Score    float64 `json:"score"`
	Incident string  `json:"incident,omitempty"` // an open incident's overlay entry
}

func (h *handlers) search(c *fiber.Ctx) error {
	q := utils.CopyString(c.Query("q"))
	if q == "" {
		return reqbody.Invalidf("q is required")
	}
	limit := c.QueryInt("limit", 10)
	if limit < 1 || limit > 100 {
		return reqbody.Invalidf("limit must be between 1 and 100")
	}
	res := h.kb.Search(q, utils.CopyString(c.Query("lang")), limit)
	out := searchResult{Decision: res.Decision, Lang: res.Lang, Results: make([]searchHit, 0, len(res.Results))}
	for _, hit := range res.Results {
		out.Results = append(out.Results, searchHit{ID: hit.ID, Question: hit.Question, Answer: hit.Answer, Lang: hit.Lang, Score: hit.Score, Incident: hit.Incident})
	}
	return c.JSON(out)
}

func (h *handlers) listEntries(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"version": h.kb.Version(), "entries": h.kb.Entries()})
}

func (h *handlers) getEntry(c *fiber.Ctx) error {
	e, ok := h.kb.Entry(param(c, "id"))
	if !ok {
		return fmt.Errorf("entry %w", kb.ErrNotFound) // "entry not found"
	}
	return c.JSON(e)
}

func (h *handlers) decodeEntry(c *fiber.Ctx) (kb.Entry, error) {
	var e kb.Entry
	if err := reqbody.Decode(c, &e, ""); err != nil {
		return e, err
	}
	return e, nil
}

func (h *handlers) createEntry(c *fiber.Ctx) error {
	e, err := h.decodeEntry(c)
	if err != nil {
		return err
	}
	e, err = h.kb.CreateEntry(e)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"entry": e, "version": h.kb.Version()})
}

func (h *handlers) updateEntry(c *fiber.Ctx) error {
	e, err := h.decodeEntry(c)
	if err != nil {
		return err
	}
	if e.ID != "" && e.ID != param(c, "id") {
		return reqbody.Invalidf("the body's id differs from the path's")
	}
	e, err = h.kb.UpdateEntry(param(c, "id"), e)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entry": e, "version": h.kb.Version()})
}

func (h *handlers) deleteEntry(c *fiber.Ctx) error {
	if err := h.kb.DeleteEntry(param(c, "id")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"deleted": param(c, "id"), "version": h.kb.Version()})
}

func (h *handlers) versions(c *fiber.Ctx) error {
	vs, err := h.kb.Versions()
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"live": h.kb.Version(), "versions": vs})
}

func versionParam(c *fiber.Ctx) (int, error) {
	v, err := strconv.Atoi(param(c, "v"))
	if err != nil || v < 1 {
		return 0, reqbody.Invalidf("version must be a positive number")
	}
	return v, nil
}

func (h *handlers) diff(c *fiber.Ctx) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	d, err := h.kb.DiffVersion(v)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *handlers) rollback(c *fiber.Ctx) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	nv, err := h.kb.Rollback(v)
	if err != nil {
		return err
	}
	return c.JSON(nv)
}

func (h *handlers) export(c *fiber.Ctx) error {
	b, err := h.kb.ExportCSV()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="faq.csv"`)
	return c.Send(b)
}

func (h *handlers) unanswered(c *fiber.Ctx) error {
	hours := c.QueryInt("hours", 24)
	if hours < 1 || hours > 24*90 {
		return reqbody.Invalidf("hours must be between 1 and 2160")
	}
	now := time.Now()
	return c.JSON(fiber.Map{"hours": hours, "groups": h.kb.UnansweredAt(now.Add(-time.Duration(hours)*time.Hour), now)})
}

func (h *handlers) candidates(c *fiber.Ctx) error {
	status := c.Query("status", kb.CandidatePending)
	if status == "all" {
		status = ""
	}
	cs, err := h.kb.Candidates(status)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"candidates": cs})
}

func (h *handlers) approve(c *fiber.Ctx) error {
	cd, err := h.kb.ApproveCandidate(param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"candidate": cd, "version": h.kb.Version()})
}

func (h *handlers) reject(c *fiber.Ctx) error {
	cd, err := h.kb.RejectCandidate(param(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"candidate": cd})
}

func (h *handlers) feedback(c *fiber.Ctx) error {
	fs, err := h.kb.Feedback()
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"feedback": fs})
}
