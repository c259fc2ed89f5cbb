package store

import (
	"context"
	"fmt"
	"time"
)

// This file holds the records of the people and systems that use the
// admin API and the console: API tokens, agent accounts and console
// sessions. Package admin decides who may do what; these operations are
// the only code that reads or writes the records.

// AdminToken is an API token as stored: only the SHA-256 of the secret
// is kept, so nothing here reveals the secret.
type AdminToken struct {
	ID        string    `json:"id"` // hex SHA-256 of the secret
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used,omitzero"`
	Revoked   bool      `json:"revoked,omitempty"`
	// Permissions narrow what the token may do in incident work (package
	// admin names them); null grants an admin token all of them, [] none.
	Permissions []string `json:"permissions"`
	// RequiresApproval makes every broadcast the token creates wait for
	// a second admin's approval, whatever the audience's size and the
	// organisation's setting.
	RequiresApproval bool `json:"requires_approval,omitempty"`
}

// GetAdminToken loads the token stored under id, or ErrNotFound.
func GetAdminToken(ctx context.Context, r Reader, id string) (AdminToken, error) {
	if err := ctx.Err(); err != nil {
		return AdminToken{}, err
	}
	t, err := getJSON[AdminToken](r, docKey(DocAdminToken, id))
	if err != nil {
		return AdminToken{}, fmt.Errorf("load token: %w", err)
	}
	return t, nil
}

// PutAdminToken stores t under its id.
func PutAdminToken(ctx context.Context, w Writer, t AdminToken) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.ID == "" {
		return fmt.Errorf("save token %q: empty id", t.Name)
	}
	if err := putJSON(w, docKey(DocAdminToken, t.ID), t, 0); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// EachAdminToken calls fn with every stored token, revoked ones included.
func EachAdminToken(ctx context.Context, r Reader, fn func(AdminToken) error) error {
	err := scanJSON(ctx, r, docPrefix(DocAdminToken), false, func(_ Key, t AdminToken) error { return fn(t) })
	if err != nil {
		return fmt.Errorf("scan tokens: %w", err)
	}
	return nil
}

// Agent is a person who logs in to the console. Only the bcrypt hash of
// the password is stored.
type Agent struct {
	ID        string    `json:"id"` // login name
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Hash      []byte    `json:"hash"`
	Disabled  bool      `json:"disabled,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	LastLogin time.Time `json:"last_login,omitzero"`
	// Permissions are as on AdminToken.
	Permissions []string `json:"permissions"`
}

// GetAgent loads an agent account, or ErrNotFound.
func GetAgent(ctx context.Context, r Reader, id string) (Agent, error) {
	if err := ctx.Err(); err != nil {
		return Agent{}, err
	}
	a, err := getJSON[Agent](r, docKey(DocAgent, id))
	if err != nil {
		return Agent{}, fmt.Errorf("load agent %s: %w", id, err)
	}
	return a, nil
}

// HasAgent reports whether an account named id exists.
func HasAgent(ctx context.Context, r Reader, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := r.Has(docKey(DocAgent, id))
	if err != nil {
		return false, fmt.Errorf("look up agent %s: %w", id, err)
	}
	return ok, nil
}

// PutAgent stores a under its id.
func PutAgent(ctx context.Context, w Writer, a Agent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if a.ID == "" {
		return fmt.Errorf("save agent: empty id")
	}
	if err := putJSON(w, docKey(DocAgent, a.ID), a, 0); err != nil {
		return fmt.Errorf("save agent %s: %w", a.ID, err)
	}
	return nil
}

// EachAgent calls fn with every account in order of id.
func EachAgent(ctx context.Context, r Reader, fn func(Agent) error) error {
	err := scanJSON(ctx, r, docPrefix(DocAgent), false, func(_ Key, a Agent) error { return fn(a) })
	if err != nil {
		return fmt.Errorf("scan agents: %w", err)
	}
	return nil
}

// AgentSession is a console login, stored under the SHA-256 of the
// cookie value (its id): the id names the session without opening it.
type AgentSession struct {
	Agent     string    `json:"agent"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PutAgentSession stores a session under id. The store drops it after
// ttl; readers still compare ExpiresAt, since expiry must not depend on
// when the store gets round to it.
func PutAgentSession(ctx context.Context, w Writer, id string, s AgentSession, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" || s.Agent == "" {
		return fmt.Errorf("save session: id and agent are required")
	}
	if err := checkOwner(w, "set", docKey(DocAgentSession, id), DocScope(DocAgent, s.Agent)); err != nil {
		return fmt.Errorf("save session of %s: %w", s.Agent, err)
	}
	if err := putJSON(w, docKey(DocAgentSession, id), s, ttl); err != nil {
		return fmt.Errorf("save session of %s: %w", s.Agent, err)
	}
	return nil
}

// GetAgentSession loads the session stored under id, or ErrNotFound.
func GetAgentSession(ctx context.Context, r Reader, id string) (AgentSession, error) {
	if err := ctx.Err(); err != nil {
		return AgentSession{}, err
	}
	s, err := getJSON[AgentSession](r, docKey(DocAgentSession, id))
	if err != nil {
		return AgentSession{}, fmt.Errorf("load session: %w", err)
	}
	return s, nil
}

// DeleteAgentSession ends one session; ending a missing one is not an error.
func DeleteAgentSession(ctx context.Context, w Writer, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.Delete(docKey(DocAgentSession, id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// EachAgentSession calls fn with the id and value of every stored
// session, expired ones included (the caller knows the time).
func EachAgentSession(ctx context.Context, r Reader, fn func(id string, s AgentSession) error) error {
	prefix := docPrefix(DocAgentSession)
	err := scanJSON(ctx, r, prefix, false, func(k Key, s AgentSession) error { return fn(idOf(k, prefix), s) })
	if err != nil {
		return fmt.Errorf("scan sessions: %w", err)
	}
	return nil
}

// DeleteAgentSessions ends the sessions of agent, all of them when except
// is "", else all but the one with that id, and says how many it ended.
func DeleteAgentSessions(ctx context.Context, w Writer, agent, except string) (int, error) {
	var ids []string
	err := EachAgentSession(ctx, w, func(id string, s AgentSession) error {
		if s.Agent == agent && id != except {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := DeleteAgentSession(ctx, w, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
