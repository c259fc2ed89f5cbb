package admin

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/audit"
	"lifeline/admin/httpstatus"
	"lifeline/admin/reqbody"
	"lifeline/bot/whatsapp"
	"lifeline/csvtext"
	"lifeline/privacy"
	"lifeline/store"
)

// This file holds the operator's routes: API tokens, the audit log,
// per-person export and erasure, backups, metrics and the API description.

//go:embed openapi.yaml
var openAPI []byte

// registerOps adds the operator's routes and puts the audit middleware in
// front of the route groups other files own. It runs before those groups
// are registered: fiber runs handlers in the order they were added.
func (s *Server) registerOps(adm fiber.Router) {
	s.audit = audit.New(s.db, s.log, s.now)
	// The admin server is the audit log's writer: it folds the events
	// other packages write with their changes, starting with any a stop
	// left. A failure leaves them pending and listed; the next change
	// folds them.
	if err := s.audit.Start(context.Background()); err != nil {
		s.log.Error().Err(err).Msg("audit log folder")
	}

	// Audit every change made through routes owned elsewhere.
	for prefix, action := range map[string]string{
		"/kb": "kb", "/handoffs": "handoff", "/agents": "agent", "/contacts": "contact", "/broadcasts": "broadcast",
		"/checkins": "checkin",
	} {
		adm.Use(prefix, s.audit.Middleware(action, s.actor))
	}
	adm.Use("/login", s.auditLogin)
	adm.Use("/logout", s.audit.Middleware("session", s.actor))

	adm.Get("/openapi.yaml", s.require(RoleAdmin, RoleAgent, RoleIntegration, RoleViewer), func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/yaml")
		return c.Send(openAPI)
	})

	adm.Post("/tokens", s.require(RoleAdmin), s.createToken)
	adm.Get("/tokens", s.require(RoleAdmin), s.listTokens)
	adm.Delete("/tokens/:id", s.require(RoleAdmin), s.revokeToken)

	adm.Get("/audit", s.require(RoleAdmin), s.listAudit)
	adm.Get("/audit.csv", s.require(RoleAdmin), s.auditCSV)

	adm.Get("/contacts/:wa_id/export", s.require(RoleAdmin), s.exportPerson)
	adm.Post("/contacts/:wa_id/erase", s.require(RoleAdmin), s.erasePerson)

	adm.Get("/backup", s.require(RoleAdmin), s.backup)

	s.app.Get("/metrics", s.require(RoleAdmin, RoleViewer), s.metrics.Handler())
}

// webhookMetrics measures /webhook.
func (s *Server) webhookMetrics(c *fiber.Ctx) error { return s.metrics.Webhook()(c) }

// actor says who made a request, for the audit log.
func (s *Server) actor(c *fiber.Ctx) (id, name, role string) {
	if p, ok := c.Locals("principal").(Principal); ok {
		return p.ID, p.Name, p.Role
	}
	return "anonymous", "", ""
}

// record appends an audit entry for the request c and marks the request as
// audited, so that a group's middleware does not record it twice.
func (s *Server) record(c *fiber.Ctx, action, target, detail string) {
	id, name, role := s.actor(c)
	c.Locals("audited", true)
	s.audit.Record(c.UserContext(), audit.Entry{Actor: id, Name: name, Role: role, Action: action, Target: target, Detail: detail,
		IP: c.IP(), Status: fiber.StatusOK})
}

// auditLogin records console logins, successful or not, with the name
// that was tried (never the password).
func (s *Server) auditLogin(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	var req struct {
		User string `json:"user"`
	}
	_ = jsonUnmarshal(c.Body(), &req)
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = httpstatus.Of(err).Status
	}
	action := "login.failure"
	if status < 300 {
		action = "login.success"
	}
	user := strings.ToLower(strings.TrimSpace(req.User))
	if len(user) > 64 {
		user = user[:64]
	}
	s.audit.Record(c.UserContext(), audit.Entry{Actor: "agent:" + user, Action: action, IP: c.IP(), Status: status})
	return err
}

var roles = map[string]bool{RoleAdmin: true, RoleAgent: true, RoleIntegration: true, RoleViewer: true}

func (s *Server) createToken(c *fiber.Ctx) error {
	var req struct {
		Name        string   `json:"name"`
		Role        string   `json:"role"`
		Permissions []string `json:"permissions"`
		// RequiresApproval: every broadcast the token creates waits for
		// a second admin, whatever its audience.
		RequiresApproval bool `json:"requires_approval"`
	}
	if err := reqbody.Decode(c, &req, `{"name": "grafana", "role": "viewer"}`); err != nil {
		return err
	}
	perms, err := checkPermissions(req.Permissions)
	if err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 100 {
		return reqbody.Invalidf(`"name" is required (at most 100 characters)`)
	}
	if !roles[req.Role] {
		return reqbody.Invalidf(`"role" must be admin, agent, integration or viewer`)
	}
	secret, err := NewSecret()
	if err != nil {
		return err
	}
	if req.RequiresApproval && req.Role != RoleAdmin && req.Role != RoleIntegration {
		return reqbody.Invalidf(`"requires_approval": only admin and integration tokens create broadcasts; leave it out for a %s token`, req.Role)
	}
	t, err := saveToken(c.UserContext(), s.db, secret, Token{Name: req.Name, Role: req.Role, CreatedAt: s.now().UTC(),
		Permissions: perms, RequiresApproval: req.RequiresApproval})
	if err != nil {
		return err
	}
	detail := "role=" + t.Role + " name=" + t.Name + permDetail(t.Permissions)
	if t.RequiresApproval {
		detail += " requires_approval=true"
	}
	s.record(c, "token.create", "token="+t.ID[:12], detail)
	return c.Status(fiber.StatusCreated).JSON(struct {
		Token
		Secret string `json:"secret"`
		Note   string `json:"note"`
	}{t, secret, "the secret is shown only this once; only its hash is stored"})
}

func (s *Server) loadTokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := s.db.Read(ctx, func(r store.Reader) error {
		out = nil
		return store.EachAdminToken(ctx, r, func(t Token) error {
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

func (s *Server) listTokens(c *fiber.Ctx) error {
	ts, err := s.loadTokens(c.UserContext())
	if err != nil {
		return fmt.Errorf("list tokens: %w", err)
	}
	if ts == nil {
		ts = []Token{}
	}
	return c.JSON(fiber.Map{"tokens": ts})
}

// revokeToken marks a token revoked; it stays listed. The last working
// admin token cannot be revoked: that would lock every admin out.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	id := c.Params("id")
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		return &apierr.NotFound{What: "token"}
	}
	ctx := c.UserContext()
	var t Token
	// The count of admin tokens is read in the scope of this token only:
	// two admins revoking each other's tokens at once could both pass it.
	// A backend with per-document streams must fence the token list (one
	// document) to keep the last-admin rule; badger still conflicts on it.
	err := s.db.Write(ctx, store.DocScope(store.DocAdminToken, id), func(w store.Writer) error {
		// The store runs this again after a conflict: everything is read
		// afresh, never taken from what a failed try left.
		var err error
		if t, err = store.GetAdminToken(ctx, w, id); err != nil {
			return err
		}
		s.hook("revoke-token:read")
		if t.Revoked {
			return nil
		}
		if t.Role == RoleAdmin {
			admins := 0
			if err := store.EachAdminToken(ctx, w, func(o Token) error {
				if o.Role == RoleAdmin && !o.Revoked {
					admins++
				}
				return nil
			}); err != nil {
				return err
			}
			if admins <= 1 {
				return apierr.Conflictf("this is the last admin token; create another admin token before revoking it")
			}
		}
		t.Revoked = true
		return store.PutAdminToken(ctx, w, t)
	})
	if errors.Is(err, store.ErrNotFound) {
		err = &apierr.NotFound{What: "token", Err: err}
	}
	if err != nil {
		return err
	}
	s.record(c, "token.revoke", "token="+id[:12], "role="+t.Role+" name="+t.Name)
	return c.JSON(t)
}

// auditFilter reads the filters shared by the JSON and CSV listings.
func auditFilter(c *fiber.Ctx) (audit.Filter, error) {
	f := audit.Filter{Actor: c.Query("actor"), Action: c.Query("action"), Target: c.Query("target")}
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, reqbody.Invalidf("%s=%q: want an RFC 3339 time such as 2025-01-31T00:00:00Z", name, v)
			}
			*dst = t
		}
	}
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return f, reqbody.Invalidf(`before must be the "next" number of a previous page`)
		}
		f.Before = n
	}
	return f, nil
}

func (s *Server) listAudit(c *fiber.Ctx) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.Query("limit", "100"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	entries, next, err := s.audit.List(c.UserContext(), f, limit)
	if err != nil {
		return err
	}
	out := fiber.Map{"entries": entries}
	if next != 0 {
		out["next"] = next
	}
	return c.JSON(out)
}

func (s *Server) auditCSV(c *fiber.Ctx) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	entries, _, err := s.audit.List(c.UserContext(), f, 0)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="lifeline-audit.csv"`)
	w := csvtext.NewWriter(c)
	_ = w.Write([]string{"seq", "at", "actor", "name", "role", "action", "target", "ip", "status", "detail"})
	for _, e := range entries {
		_ = w.Write([]string{strconv.FormatUint(e.Seq, 10), e.At.Format(time.RFC3339Nano), e.Actor, e.Name, e.Role,
			e.Action, e.Target, e.IP, strconv.Itoa(e.Status), e.Detail})
	}
	return w.Flush()
}

func (s *Server) exportPerson(c *fiber.Ctx) error {
	x, err := privacy.ExportPerson(c.UserContext(), s.db, c.Params("wa_id"), s.now())
	if err != nil {
		return err
	}
	s.record(c, "contact.export", "wa_id="+whatsapp.MaskPhone(x.WaID), fmt.Sprintf("messages=%d", len(x.Transcript)))
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="lifeline-export.json"`)
	return c.JSON(x)
}

func (s *Server) erasePerson(c *fiber.Ctx) error {
	id := strings.TrimPrefix(c.Params("wa_id"), "+")
	// Sends to the person under way finish first; whatever is still queued
	// for them, in memory or in the store, is gone when sending resumes.
	defer s.engine.HoldPerson(id)()
	if s.broadcasts != nil {
		defer s.broadcasts.HoldPerson(id)()
	}
	n, err := privacy.ErasePerson(c.UserContext(), s.db, id, s.now())
	if err != nil {
		return err
	}
	if n == (privacy.Erased{}) {
		return privacy.ErrNoSuchPerson
	}
	s.record(c, "contact.erase", "wa_id="+whatsapp.MaskPhone(id),
		fmt.Sprintf("messages=%d handoffs=%d kept_opt_out=%t", n.Messages, n.Handoffs, n.KeptOptOut))
	return c.JSON(fiber.Map{"erased": n})
}

// backup streams badger's online backup of the whole store, or with
// ?since=N of what changed after version N (the server logs the version
// each backup reached). The server keeps serving meanwhile.
func (s *Server) backup(c *fiber.Ctx) error {
	var since uint64
	if v := c.Query("since"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return reqbody.Invalidf("since must be a number")
		}
		since = n
	}
	if s.backupOf != nil {
		return s.gatheredBackup(c, since)
	}
	if err := s.db.BackupSupported(); err != nil {
		return err // before the stream starts: the client gets the reason
	}
	s.record(c, "backup", "", fmt.Sprintf("since=%d", since))
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="lifeline.backup"`)
	db, log := s.db, s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		v, err := db.Backup(w, since)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			log.Error().Err(err).Msg("backup stream failed; the client has an incomplete file")
			return
		}
		log.Info().Uint64("version", v).Msg("backup streamed")
	})
	return nil
}

// gatheredBackup is the backup of a store that cannot stream its own (a
// cluster, Deps.Backup): gathered whole before the response starts, so
// that a failure is answered with its reason, then streamed.
func (s *Server) gatheredBackup(c *fiber.Ctx, since uint64) error {
	if since != 0 {
		return reqbody.Invalidf("since: this server's backup is always whole (an incremental backup needs LIFELINE_BACKEND=badger)")
	}
	// Recorded first, as the badger stream is: the backup holds its own
	// audit entry.
	s.record(c, "backup", "", "since=0")
	write, err := s.backupOf(c.UserContext())
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="lifeline.backup"`)
	log := s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		err := write(w)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			log.Error().Err(err).Msg("backup stream failed; the client has an incomplete file")
			return
		}
		log.Info().Msg("backup streamed")
	})
	return nil
}
