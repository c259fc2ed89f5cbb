package admin

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/store"
)

// This file holds the console sessions an admin can list and end.

// sessionView is a console session as the session routes show it. The id
// is the SHA-256 of the cookie, as stored: it names the session without
// being able to open it.
type sessionView struct {
	ID        string    `json:"id"`
	Agent     string    `json:"agent"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) registerSessions(adm fiber.Router) {
	adm.Get("/sessions", s.require(RoleAdmin), s.listSessions)
	adm.Delete("/sessions/:id", s.require(RoleAdmin), s.endSession)
	adm.Get("/agents/:id/sessions", s.require(RoleAdmin), s.listSessions)
	adm.Delete("/agents/:id/sessions", s.require(RoleAdmin), s.endAgentSessions)
}

func (s *Server) listSessions(c *fiber.Ctx) error {
	agent := c.Params("id")
	ctx := c.UserContext()
	now := s.now()
	var out []sessionView
	err := s.db.Read(ctx, func(r store.Reader) error {
		out = []sessionView{}
		if agent != "" {
			if err := hasAgent(ctx, r, agent); err != nil {
				return err
			}
		}
		// Expired sessions are left out: badger's TTL removes them anyway.
		return store.EachAgentSession(ctx, r, func(id string, sess store.AgentSession) error {
			if (agent == "" || sess.Agent == agent) && now.Before(sess.ExpiresAt) {
				out = append(out, sessionView{ID: id, Agent: sess.Agent, CreatedAt: sess.CreatedAt, ExpiresAt: sess.ExpiresAt})
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	return c.JSON(fiber.Map{"sessions": out})
}

// hasAgent returns nil when the account exists, and an *apierr.NotFound
// naming it when it does not.
func hasAgent(ctx context.Context, r store.Reader, id string) error {
	ok, err := store.HasAgent(ctx, r, id)
	if err == nil && !ok {
		err = &apierr.NotFound{What: "account", ID: id, Err: store.ErrNotFound}
	}
	return err
}

// endSession ends one console session: its cookie stops working at once.
func (s *Server) endSession(c *fiber.Ctx) error {
	id := c.Params("id")
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		return &apierr.NotFound{What: "session"}
	}
	ctx := c.UserContext()
	var sess store.AgentSession
	err := endAgentSession(ctx, s.db, id, &sess)
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	s.record(c, "session.end", "agent="+sess.Agent, "session="+id[:12])
	return c.JSON(fiber.Map{"ended": 1, "agent": sess.Agent})
}

// endAgentSessions ends every console session of one account.
func (s *Server) endAgentSessions(c *fiber.Ctx) error {
	agent := c.Params("id")
	ctx := c.UserContext()
	n := 0
	err := s.db.Write(ctx, store.DocScope(store.DocAgent, agent), func(w store.Writer) error {
		n = 0
		if err := hasAgent(ctx, w, agent); err != nil {
			return err
		}
		var err error
		n, err = store.DeleteAgentSessions(ctx, w, agent, "")
		return err
	})
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	s.record(c, "session.end_all", "agent="+agent, fmt.Sprintf("sessions=%d", n))
	return c.JSON(fiber.Map{"ended": n, "agent": agent})
}

// endAgentSession deletes console session id (the hash of its cookie) in
// the scope of its agent account, which owns it: the session is read
// first to learn whose it is, and again in the transaction. It returns
// ErrNotFound when there is no such session; ended, if not nil, receives it.
func endAgentSession(ctx context.Context, db *store.DB, id string, ended *store.AgentSession) error {
	var sess store.AgentSession
	err := db.Read(ctx, func(r store.Reader) (err error) {
		sess, err = store.GetAgentSession(ctx, r, id)
		return err
	})
	if err != nil {
		return err
	}
	err = db.Write(ctx, store.DocScope(store.DocAgent, sess.Agent), func(w store.Writer) error {
		cur, err := store.GetAgentSession(ctx, w, id)
		if err != nil {
			return err
		}
		if ended != nil {
			*ended = cur
		}
		return store.DeleteAgentSession(ctx, w, id)
	})
	return err
}
