// Package kbapi is the admin HTTP API of the FAQ knowledge base: import,
// search, entries, versions, export, the unanswered report, candidate
// alternate questions and feedback. It knows nothing of authentication; the
// server mounts it behind the admin bearer token.
package kbapi

import (
	"errors"
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
	r.Post("/import", wrap(h.importFAQ))
	r.Get("/search", wrap(h.search))
	r.Get("/entries", wrap(h.listEntries))
	r.Post("/entries", wrap(h.createEntry))
	r.Get("/entries/:id", wrap(h.getEntry))
	r.Put("/entries/:id", wrap(h.updateEntry))
	r.Delete("/entries/:id", wrap(h.deleteEntry))
	r.Get("/versions", wrap(h.versions))
	r.Get("/versions/:v/diff", wrap(h.diff))
	r.Post("/versions/:v/rollback", wrap(h.rollback))
	r.Get("/export.csv", wrap(h.export))
	r.Get("/unanswered", wrap(h.unanswered))
	r.Get("/candidates", wrap(h.candidates))
	r.Post("/candidates/:id/approve", wrap(h.approve))
	r.Post("/candidates/:id/reject", wrap(h.reject))
	r.Get("/feedback", wrap(h.feedback))
}

type handlers struct{ kb *kb.KB }

// param returns a path parameter as a string of its own. Fiber's values
// point into a buffer that the next request reuses unless the app is
// Immutable, and the knowledge base keeps ids (an entry's id, in memory)
// long after the request: mounted on any app, these routes copy.
func param(c *fiber.Ctx, name string) string { return utils.CopyString(c.Params(name)) }

// httpError carries a status chosen by a handler.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(msg string) error { return &httpError{fiber.StatusBadRequest, msg} }

// wrap turns a handler's error into a JSON answer; statuses are decided
// here, in one place.
func wrap(fn func(*fiber.Ctx) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := fn(c)
		if err == nil {
			return nil
		}
		var he *httpError
		var ie *kb.ImportError
		var fe *fiber.Error
		switch {
		case errors.As(err, &he):
			return c.Status(he.status).JSON(fiber.Map{"error": he.msg})
		case errors.As(err, &ie):
			return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": "invalid rows, nothing imported", "rows": ie.Rows})
		case errors.As(err, &fe):
			return c.Status(fe.Code).JSON(fiber.Map{"error": fe.Message})
		case errors.Is(err, kb.ErrNotFound):
			return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"error": err.Error()})
		case errors.Is(err, kb.ErrConflict):
			return c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": err.Error()})
		case errors.Is(err, kb.ErrInvalid):
			return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": err.Error()})
		default:
			return c.Status(fiber.StatusInternalServerError).JSON(fiber.Map{"error": "internal error"})
		}
	}
}

func (h *handlers) importFAQ(c *fiber.Ctx) error {
	format, ok := kb.FormatForContentType(c.Get(fiber.HeaderContentType))
	if !ok {
		return &httpError{fiber.StatusUnsupportedMediaType,
			"unsupported content type: use text/csv, text/tab-separated-values, application/json or text/markdown"}
	}
	mode := kb.ImportMode(c.Query("mode", string(kb.ModeReplace)))
	if mode != kb.ModeReplace && mode != kb.ModeMerge {
		return badRequest("mode must be replace or merge")
	}
	data, err := csvtext.ToUTF8(c.Body(), c.Get(fiber.HeaderContentType))
	if err != nil {
		return badRequest("nothing imported: " + err.Error())
	}
	entries, err := kb.Parse(data, format)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return badRequest("the file has no entries")
	}
	rep, err := h.kb.Import(entries, mode, "")
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
}

func (h *handlers) search(c *fiber.Ctx) error {
	q := utils.CopyString(c.Query("q"))
	if q == "" {
		return badRequest("q is required")
	}
	limit := c.QueryInt("limit", 10)
	if limit < 1 || limit > 100 {
		return badRequest("limit must be between 1 and 100")
	}
	res := h.kb.Search(q, utils.CopyString(c.Query("lang")), limit)
	out := searchResult{Decision: res.Decision, Lang: res.Lang, Results: make([]searchHit, 0, len(res.Results))}
	for _, hit := range res.Results {
		out.Results = append(out.Results, searchHit{ID: hit.ID, Question: hit.Question, Answer: hit.Answer, Lang: hit.Lang, Score: hit.Score})
	}
	return c.JSON(out)
}

func (h *handlers) listEntries(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"version": h.kb.Version(), "entries": h.kb.Entries()})
}

func (h *handlers) getEntry(c *fiber.Ctx) error {
	e, ok := h.kb.Entry(param(c, "id"))
	if !ok {
		return &httpError{fiber.StatusNotFound, "entry not found"}
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
		return badRequest("the body's id differs from the path's")
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
		return 0, badRequest("version must be a positive number")
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
		return badRequest("hours must be between 1 and 2160")
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
