package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/store"
)

// Roles.
const (
	RoleAdmin       = "admin"
	RoleAgent       = "agent"
	RoleIntegration = "integration"
	RoleViewer      = "viewer"
)

// Token is an API token as stored, and as the token routes list it: only
// the SHA-256 of the secret is kept, so nothing here reveals the secret.
// Tokens are 256 random bits, so a fast hash is enough; passwords would
// need bcrypt. The store owns the record; this package issues, checks
// and revokes tokens.
type Token = store.AdminToken

// TokenID is the id a token's secret is stored and listed under.
func TokenID(secret string) string { return hashToken(secret) }

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// NewSecret returns a fresh random token secret.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return "ll_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// SaveToken stores a token under the hash of secret.
func SaveToken(ctx context.Context, db *store.DB, secret, name, role string, now time.Time, permissions ...string) (Token, error) {
	t := Token{Name: name, Role: role, CreatedAt: now}
	if permissions != nil {
		t.Permissions = permissions
	}
	return saveToken(ctx, db, secret, t)
}

// saveToken stores t under the hash of secret.
func saveToken(ctx context.Context, db *store.DB, secret string, t Token) (Token, error) {
	t.ID = hashToken(secret)
	err := db.Write(ctx, store.DocScope(store.DocAdminToken, t.ID), func(w store.Writer) error { return store.PutAdminToken(ctx, w, t) })
	if err != nil {
		return Token{}, fmt.Errorf("save token %s: %w", t.Name, err)
	}
	return t, nil
}

// ErrBootstrapRevoked: the token in LIFELINE_ADMIN_TOKEN was revoked. It
// stays revoked; the server starts without it and says so.
var ErrBootstrapRevoked = errors.New("LIFELINE_ADMIN_TOKEN was revoked: it stays revoked and is refused; " +
	"remove it from the environment or set a new one")

// BootstrapToken makes sure an admin token exists. A token given in the
// environment is registered on its first start and left as it is after
// that: revoked, it stays revoked (ErrBootstrapRevoked, which the caller
// reports and may start anyway). Without one, on the very first start, a
// token is generated and returned so that it can be printed once.
func BootstrapToken(ctx context.Context, db *store.DB, fromEnv string, now time.Time) (generated string, err error) {
	if fromEnv != "" {
		t := Token{ID: hashToken(fromEnv), Name: "bootstrap (LIFELINE_ADMIN_TOKEN)", Role: RoleAdmin, CreatedAt: now}
		revoked := false
		err := db.Write(ctx, store.DocScope(store.DocAdminToken, t.ID), func(w store.Writer) error {
			revoked = false
			switch old, err := store.GetAdminToken(ctx, w, t.ID); {
			case err == nil:
				revoked = old.Revoked
				return nil // known: keep it as it is, revoked or not
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			return store.PutAdminToken(ctx, w, t)
		})
		if err != nil {
			return "", fmt.Errorf("register LIFELINE_ADMIN_TOKEN: %w", err)
		}
		if revoked {
			return "", ErrBootstrapRevoked
		}
		return "", nil
	}
	found := false
	err = db.Read(ctx, func(r store.Reader) error {
		return store.EachAdminToken(ctx, r, func(Token) error {
			found = true
			return store.ErrStop
		})
	})
	if err != nil || found {
		return "", err
	}
	secret, err := NewSecret()
	if err != nil {
		return "", err
	}
	if _, err := SaveToken(ctx, db, secret, "bootstrap (generated)", RoleAdmin, now); err != nil {
		return "", err
	}
	return secret, nil
}

// Principal is who made a request.
type Principal struct {
	ID   string
	Name string
	Role string
	// Permissions as stored on the token or account (see roles.go).
	Permissions []string
	// RequiresApproval: the token's broadcasts wait for a second admin.
	RequiresApproval bool
}

var errNoToken = errors.New("no such token")

// authenticate resolves a bearer token.
func (s *Server) authenticate(ctx context.Context, secret string) (Principal, error) {
	id := hashToken(secret)
	var t Token
	err := s.db.Read(ctx, func(r store.Reader) error {
		var err error
		t, err = store.GetAdminToken(ctx, r, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Revoked) {
		return Principal{}, errNoToken
	}
	if err != nil {
		return Principal{}, err
	}
	s.touchToken(id)
	return Principal{ID: "token:" + id[:12], Name: t.Name, Role: t.Role, Permissions: t.Permissions, RequiresApproval: t.RequiresApproval}, nil
}

// touchToken records last use at most once a minute per token, so that
// authentication does not turn every request into a write.
func (s *Server) touchToken(id string) {
	now := s.now()
	s.mu.Lock()
	last := s.lastTouch[id]
	if now.Sub(last) < time.Minute {
		s.mu.Unlock()
		return
	}
	s.lastTouch[id] = now
	s.mu.Unlock()
	// In the background, so with a context of its own: the request's
	// ends with the request.
	go func() {
		ctx := context.Background()
		_ = s.db.Write(ctx, store.DocScope(store.DocAdminToken, id), func(w store.Writer) error {
			t, err := store.GetAdminToken(ctx, w, id)
			if err != nil {
				return err
			}
			t.LastUsed = now
			return store.PutAdminToken(ctx, w, t)
		})
	}()
}

// require lets a request through when it carries a valid bearer token,
// or the console's session cookie, of one of the roles; 401 without valid
// credentials, 403 with the wrong role.
func (s *Server) require(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := c.Get(fiber.HeaderAuthorization)
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || secret == "" {
			if cookie := c.Cookies(sessionCookie); cookie != "" && h == "" {
				return s.requireSession(c, cookie, roles)
			}
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="lifeline"`)
			return apierr.Unauthenticatedf("authentication required: send Authorization: Bearer <token>")
		}
		if wait := s.tokenLimiter.wait(c.IP(), s.now()); wait > 0 {
			return throttled(wait)
		}
		p, err := s.authenticate(c.UserContext(), secret)
		if err != nil {
			s.tokenLimiter.fail(c.IP(), s.now())
			if errors.Is(err, errNoToken) {
				return apierr.Unauthenticatedf("invalid or revoked token")
			}
			return fmt.Errorf("check token: %w", err)
		}
		return allowRole(c, p, roles)
	}
}

// throttled refuses a client with too many failed bearer tokens or
// session cookies; it may try again after wait.
func throttled(wait time.Duration) error {
	return apierr.Throttle("too many failed authentication attempts; wait a minute", wait)
}
