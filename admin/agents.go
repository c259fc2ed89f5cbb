package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/store"
)

// Agent is a person who logs in to the console (Role is RoleAgent or
// RoleAdmin). The store owns the record; this package decides who may log
// in and what they may do.
type Agent = store.Agent

const (
	sessionCookie = "lifeline_session"
	sessionTTL    = 12 * time.Hour
	minPassword   = 10
	maxPassword   = 72 // bcrypt reads no further
)

// The refusals of account changes, the same from every route.
var (
	errRole     = reqbody.Invalidf(`"role" must be "agent" or "admin"`)
	errPassword = reqbody.Invalidf(`"password" must be %d to %d bytes long`, minPassword, maxPassword)
	// errWrongLogin does not say whether the name or the password was
	// wrong, nor that the account is disabled.
	errWrongLogin = apierr.Unauthenticatedf("wrong name or password")
)

// errAccountChanged: the account was disabled, removed or given a new
// password while a login was checking the old one.
var errAccountChanged = errors.New("account changed during login")

var agentIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// dummyHash is compared against when the login name does not exist, so a
// wrong name takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("lifeline-no-such-agent"), bcrypt.DefaultCost)

type agentView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	LastLogin time.Time `json:"last_login,omitzero"`
	// Permissions are what the account may do of incident work (null:
	// the role's default, see roles.go).
	Permissions []string `json:"permissions"`
}

func viewOf(a Agent) agentView {
	return agentView{ID: a.ID, Name: a.Name, Role: a.Role, Disabled: a.Disabled, CreatedAt: a.CreatedAt, LastLogin: a.LastLogin, Permissions: a.Permissions}
}

// CreateAgent stores a new agent account; the name must be free.
func CreateAgent(ctx context.Context, db *store.DB, id, name, role, password, by string, now time.Time, permissions ...string) (Agent, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	switch {
	case !agentIDPattern.MatchString(id):
		return Agent{}, reqbody.Invalidf(`"id" must be 2 to 32 lowercase letters, digits, dots, dashes or underscores`)
	case role != RoleAgent && role != RoleAdmin:
		return Agent{}, errRole
	case len(password) < minPassword || len(password) > maxPassword:
		return Agent{}, errPassword
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return Agent{}, fmt.Errorf("hash password: %w", err)
	}
	if strings.TrimSpace(name) == "" {
		name = id
	}
	a := Agent{ID: id, Name: strings.TrimSpace(name), Role: role, Hash: hash, CreatedAt: now, CreatedBy: by, Permissions: permissions}
	err = db.Write(ctx, store.DocScope(store.DocAgent, id), func(w store.Writer) error {
		if ok, err := store.HasAgent(ctx, w, id); err != nil || ok {
			if ok {
				return apierr.Conflictf("an account named %q exists already", id)
			}
			return err
		}
		return store.PutAgent(ctx, w, a)
	})
	if err != nil {
		return Agent{}, fmt.Errorf("create agent %s: %w", id, err)
	}
	return a, nil
}

func (s *Server) loadAgent(ctx context.Context, id string) (Agent, error) {
	var a Agent
	err := s.db.Read(ctx, func(r store.Reader) error {
		var err error
		a, err = store.GetAgent(ctx, r, id)
		return err
	})
	return a, err
}

// registerAgents adds accounts, login and logout.
func (s *Server) registerAgents(adm fiber.Router) {
	adm.Post("/login", s.login)
	adm.Post("/logout", s.logout)
	adm.Get("/me", s.require(RoleAgent, RoleAdmin), func(c *fiber.Ctx) error {
		p := principal(c)
		return c.JSON(fiber.Map{"id": p.ID, "name": p.Name, "role": p.Role, "permissions": p.Effective()})
	})
	// Agents see the list too: they pick a colleague when transferring.
	adm.Get("/agents", s.require(RoleAgent, RoleAdmin), s.listAgents)
	adm.Post("/agents", s.require(RoleAdmin), s.createAgent)
	adm.Patch("/agents/:id", s.require(RoleAdmin), s.updateAgent)
	s.registerSessions(adm)
}

func principal(c *fiber.Ctx) Principal {
	p, _ := c.Locals("principal").(Principal)
	return p
}

func (s *Server) listAgents(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var out []agentView
	err := s.db.Read(ctx, func(r store.Reader) error {
		out = []agentView{}
		return store.EachAgent(ctx, r, func(a Agent) error {
			out = append(out, viewOf(a))
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("list agents: %w", err)
	}
	return c.JSON(fiber.Map{"agents": out})
}

func (s *Server) createAgent(c *fiber.Ctx) error {
	var req struct {
		ID          string   `json:"id"`
		Name        string   `json:"name"`
		Role        string   `json:"role"`
		Password    string   `json:"password"`
		Permissions []string `json:"permissions"`
	}
	if err := reqbody.Decode(c, &req, `{"id": "amira", "name": "Amira", "role": "agent", "password": "...", "permissions": ["incidents", "drills"]}`); err != nil {
		return err
	}
	perms, err := checkPermissions(req.Permissions)
	if err != nil {
		return err
	}
	if req.Role == "" {
		req.Role = RoleAgent
	}
	a, err := CreateAgent(c.UserContext(), s.db, req.ID, req.Name, req.Role, req.Password, principal(c).ID, s.now(), perms...)
	if err != nil {
		return err
	}
	s.log.Info().Str("agent", a.ID).Str("role", a.Role).Str("by", principal(c).ID).Msg("agent account created")
	return c.Status(fiber.StatusCreated).JSON(viewOf(a))
}

// updateAgent changes an account's name, role or password, or disables it;
// disabling also ends its console sessions at their next request.
func (s *Server) updateAgent(c *fiber.Ctx) error {
	var req struct {
		Name     *string `json:"name"`
		Role     *string `json:"role"`
		Password *string `json:"password"`
		Disabled *bool   `json:"disabled"`
		// Permissions replace the account's; null in the body gives
		// back the role's default, leaving it out changes nothing.
		Permissions json.RawMessage `json:"permissions"`
	}
	if err := reqbody.Decode(c, &req, `{"name", "role", "password", "disabled", "permissions"} (any of them)`); err != nil {
		return err
	}
	var perms []string
	setPerms := req.Permissions != nil
	if setPerms {
		var list []string
		if err := json.Unmarshal(req.Permissions, &list); err != nil {
			return reqbody.Invalidf(`"permissions" must be a list of names or null`)
		}
		var err error
		if perms, err = checkPermissions(list); err != nil {
			return err
		}
	}
	var hash []byte
	if req.Password != nil {
		if len(*req.Password) < minPassword || len(*req.Password) > maxPassword {
			return errPassword
		}
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(*req.Password), bcrypt.DefaultCost); err != nil {
			return fmt.Errorf("hash password: %w", err)
		}
	}
	if req.Role != nil && *req.Role != RoleAgent && *req.Role != RoleAdmin {
		return errRole
	}
	id := c.Params("id")
	ctx := c.UserContext()
	var a Agent
	ended := 0
	err := s.db.Write(ctx, store.DocScope(store.DocAgent, id), func(w store.Writer) error {
		// Retried on a conflict: start from what is stored now, never
		// from what a failed try decoded.
		ended = 0
		var err error
		if a, err = store.GetAgent(ctx, w, id); err != nil {
			return err
		}
		s.hook("update-agent:read")
		if req.Name != nil && strings.TrimSpace(*req.Name) != "" {
			a.Name = strings.TrimSpace(*req.Name)
		}
		if req.Role != nil {
			a.Role = *req.Role
		}
		if hash != nil {
			a.Hash = hash
		}
		if req.Disabled != nil {
			a.Disabled = *req.Disabled
		}
		if setPerms {
			a.Permissions = perms
		}
		// A new password or a disabled account ends every console
		// session of the account, in the same transaction: re-enabling
		// it later revives none of them.
		if hash != nil || (req.Disabled != nil && *req.Disabled) {
			n, err := store.DeleteAgentSessions(ctx, w, a.ID, "")
			if err != nil {
				return err
			}
			ended = n
		}
		return store.PutAgent(ctx, w, a)
	})
	if err != nil {
		return fmt.Errorf("update agent: %w", err)
	}
	var changed []string
	for name, set := range map[string]bool{"name": req.Name != nil, "role": req.Role != nil, "password": hash != nil, "disabled": req.Disabled != nil, "permissions": setPerms} {
		if set {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	s.record(c, "agent.update", "agent="+a.ID, fmt.Sprintf("changed=%s disabled=%t sessions_ended=%d%s", strings.Join(changed, ","), a.Disabled, ended, permDetail(a.Permissions)))
	s.log.Info().Str("agent", a.ID).Str("by", principal(c).ID).Int("sessions_ended", ended).Msg("agent account changed")
	return c.JSON(viewOf(a))
}

// login checks a name and password and sets the session cookie. Failures
// count against the client's address, like bad tokens do.
func (s *Server) login(c *fiber.Ctx) error {
	var req struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := reqbody.Unmarshal(c.Body(), &req); err != nil || req.User == "" || req.Password == "" {
		return reqbody.Invalidf(`body must be JSON like {"user": "amira", "password": "..."}`)
	}
	now := s.now()
	if wait := s.loginLimiter.wait(c.IP(), now); wait > 0 {
		return apierr.Throttle("too many failed attempts; wait a minute", wait)
	}
	id := strings.ToLower(strings.TrimSpace(req.User))
	ctx := c.UserContext()
	a, err := s.loadAgent(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("load agent: %w", err)
	}
	hash := a.Hash
	if err != nil || a.Disabled {
		hash = dummyHash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || err != nil || a.Disabled {
		s.loginLimiter.fail(c.IP(), now)
		return errWrongLogin
	}
	s.hook("login:checked")
	secret, err := NewSecret()
	if err != nil {
		return err
	}
	sess := store.AgentSession{Agent: a.ID, CreatedAt: now, ExpiresAt: now.Add(sessionTTL)}
	checked := a.Hash
	err = s.db.Write(ctx, store.DocScope(store.DocAgent, id), func(w store.Writer) error {
		// bcrypt took tens of milliseconds on a copy read outside this
		// transaction: read the account again, and log in only if it is
		// still enabled with the password that was checked. Only
		// LastLogin changes; an admin's concurrent change stays.
		var err error
		if a, err = store.GetAgent(ctx, w, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return errAccountChanged
			}
			return err
		}
		if a.Disabled || !bytes.Equal(a.Hash, checked) {
			return errAccountChanged
		}
		if err := store.PutAgentSession(ctx, w, hashToken(secret), sess, sessionTTL); err != nil {
			return err
		}
		a.LastLogin = now
		return store.PutAgent(ctx, w, a)
	})
	if errors.Is(err, errAccountChanged) {
		s.loginLimiter.fail(c.IP(), now)
		return errWrongLogin
	}
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", Expires: sess.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: overTLS(c),
	})
	s.log.Info().Str("agent", a.ID).Msg("agent logged in")
	return c.JSON(fiber.Map{"id": a.ID, "name": a.Name, "role": a.Role})
}

func (s *Server) logout(c *fiber.Ctx) error {
	if secret := c.Cookies(sessionCookie); secret != "" {
		ctx := c.UserContext()
		err := endAgentSession(ctx, s.db, hashToken(secret), nil)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("end session: %w", err)
		}
	}
	s.clearSession(c)
	return c.JSON(fiber.Map{"status": "logged out"})
}

func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: overTLS(c)})
}

// overTLS reports whether the client reached us over HTTPS, directly or
// through a proxy that says so.
func overTLS(c *fiber.Ctx) bool {
	return c.Context().IsTLS() || strings.EqualFold(c.Get("X-Forwarded-Proto"), "https")
}

// requireSession authenticates a request by its console session cookie.
// Besides SameSite=Strict, a request that changes something must not
// come from another origin.
func (s *Server) requireSession(c *fiber.Ctx, secret string, roles []string) error {
	now := s.now()
	if wait := s.loginLimiter.wait(c.IP(), now); wait > 0 {
		return throttled(wait)
	}
	var sess store.AgentSession
	var a Agent
	ctx := c.UserContext()
	err := s.db.Read(ctx, func(r store.Reader) error {
		var err error
		if sess, err = store.GetAgentSession(ctx, r, hashToken(secret)); err != nil {
			return err
		}
		a, err = store.GetAgent(ctx, r, sess.Agent)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && (a.Disabled || !now.Before(sess.ExpiresAt))) {
		s.loginLimiter.fail(c.IP(), now)
		s.clearSession(c)
		return apierr.Unauthenticatedf("your session has ended; log in again")
	}
	if err != nil {
		return fmt.Errorf("check session: %w", err)
	}
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		if o := c.Get(fiber.HeaderOrigin); o != "" && !sameOrigin(o, c) {
			return apierr.Forbiddenf("cross-origin request refused")
		}
	}
	return allowRole(c, Principal{ID: a.ID, Name: a.Name, Role: a.Role, Permissions: a.Permissions}, roles)
}

func sameOrigin(origin string, c *fiber.Ctx) bool {
	host := c.Hostname()
	for _, scheme := range []string{"http://", "https://"} {
		if origin == scheme+host {
			return true
		}
	}
	return false
}

// allowRole lets p through when it has one of roles; 403 otherwise.
func allowRole(c *fiber.Ctx, p Principal, roles []string) error {
	if slices.Contains(roles, p.Role) {
		c.Locals("principal", p)
		return c.Next()
	}
	return apierr.Forbiddenf("role %q may not do this", p.Role)
}
