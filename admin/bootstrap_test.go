package admin

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRevokedBootstrapTokenStaysRevoked restarts (BootstrapToken again,
// as every start does) after the environment's token was revoked.
func TestRevokedBootstrapTokenStaysRevoked(t *testing.T) {
	s := newTestServer(t, true) // s.token: a generated admin token
	const env = "ll_bootstrap-token-from-the-environment"
	if _, err := BootstrapToken(context.Background(), s.db, env, time.Now()); err != nil {
		t.Fatalf("first start with the token: %v", err)
	}
	if code, _ := s.do(t, "GET", "/admin/tokens", env, nil); code != 200 {
		t.Fatalf("environment token = %d, want 200", code)
	}
	if code, _ := s.do(t, "DELETE", "/admin/tokens/"+hashToken(env), s.token, nil); code != 200 {
		t.Fatalf("revoke = %d", code)
	}
	for start := 2; start <= 3; start++ {
		_, err := BootstrapToken(context.Background(), s.db, env, time.Now())
		if !errors.Is(err, ErrBootstrapRevoked) {
			t.Errorf("start %d with the revoked token: err %v, want ErrBootstrapRevoked", start, err)
		}
		if code, _ := s.do(t, "GET", "/admin/tokens", env, nil); code != 401 {
			t.Errorf("after start %d the revoked token answers %d, want 401", start, code)
		}
	}
}
