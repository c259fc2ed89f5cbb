package admin

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

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

// scanSessions calls fn with each stored session that has not expired;
// agent "" means every account's.
func scanSessions(tx *store.Txn, agent string, now time.Time, fn func(key store.Key, v sessionView) error) error {
	prefix := store.DocPrefix(store.DocAgentSession)
	return tx.Scan(prefix, func(k store.Key, b []byte) error {
		var sess agentSession
		if err := jsonUnmarshal(b, &sess); err != nil {
			return fmt.Errorf("decode session: %w", err)
		}
		if (agent != "" && sess.Agent != agent) || !now.Before(sess.ExpiresAt) {
			return nil
		}
		return fn(k, sessionView{ID: store.IDOf(k, prefix), Agent: sess.Agent, CreatedAt: sess.CreatedAt, ExpiresAt: sess.ExpiresAt})
	})
}

// endSessions deletes the sessions of agent (all of them when except is
// "", else all but that one) and says how many there were. Expired ones
// go too: badger's TTL removes them anyway.
func endSessions(tx *store.Txn, agent, except string) (int, error) {
	var keys []store.Key
	prefix := store.DocPrefix(store.DocAgentSession)
	err := tx.Scan(prefix, func(k store.Key, b []byte) error {
		var sess agentSession
		if err := jsonUnmarshal(b, &sess); err != nil {
			return fmt.Errorf("decode session: %w", err)
		}
		if sess.Agent == agent && store.IDOf(k, prefix) != except {
			keys = append(keys, append(store.Key(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

func (s *Server) listSessions(c *fiber.Ctx) error {
	agent := c.Params("id")
	out := []sessionView{}
	err := s.db.View(func(tx *store.Txn) error {
		if agent != "" {
			if ok, err := tx.Has(store.DocKey(store.DocAgent, agent)); err != nil || !ok {
				if err == nil {
					err = fiber.NewError(fiber.StatusNotFound, fmt.Sprintf("no account %q", agent))
				}
				return err
			}
		}
		return scanSessions(tx, agent, s.now(), func(_ store.Key, v sessionView) error {
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	return c.JSON(fiber.Map{"sessions": out})
}

// endSession ends one console session: its cookie stops working at once.
func (s *Server) endSession(c *fiber.Ctx) error {
	id := c.Params("id")
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		return fiber.NewError(fiber.StatusNotFound, "no such session")
	}
	var sess agentSession
	err := s.db.Update(func(tx *store.Txn) error {
		sess = agentSession{}
		key := store.DocKey(store.DocAgentSession, id)
		if err := tx.GetJSON(key, &sess); err != nil {
			return err
		}
		return tx.Delete(key)
	})
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	s.record(c, "session.end", "agent="+sess.Agent, "session="+id[:12])
	return c.JSON(fiber.Map{"ended": 1, "agent": sess.Agent})
}

// endAgentSessions ends every console session of one account.
func (s *Server) endAgentSessions(c *fiber.Ctx) error {
	agent := c.Params("id")
	n := 0
	err := s.db.Update(func(tx *store.Txn) error {
		n = 0
		if ok, err := tx.Has(store.DocKey(store.DocAgent, agent)); err != nil || !ok {
			if err == nil {
				err = fiber.NewError(fiber.StatusNotFound, fmt.Sprintf("no account %q", agent))
			}
			return err
		}
		var err error
		n, err = endSessions(tx, agent, "")
		return err
	})
	if err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	s.record(c, "session.end_all", "agent="+agent, fmt.Sprintf("sessions=%d", n))
	return c.JSON(fiber.Map{"ended": n, "agent": agent})
}
