package admin

import (
	"context"
	"testing"
	"time"

	"lifeline/store"
	"lifeline/store/storetest"
)

// touchStored writes a token's record the way touchToken does, as a
// separate transaction: run inside another transaction that has read the
// record, it makes that one conflict and be retried.
func touchStored(t *testing.T, db *store.DB, id string, at time.Time) {
	t.Helper()
	storetest.Write(t, db, func(ctx context.Context, w store.Writer) error {
		tok, err := store.GetAdminToken(ctx, w, id)
		if err != nil {
			return err
		}
		tok.LastUsed = at
		return store.PutAdminToken(ctx, w, tok)
	})
}

// TestRevokeSurvivesAConflictingWrite commits a "last used" write to the
// token between the revoke's read and its commit, as a request made with
// the token at that moment does: the revoke is retried and must still
// revoke.
func TestRevokeSurvivesAConflictingWrite(t *testing.T) {
	for _, role := range []string{RoleViewer, RoleAdmin} {
		t.Run(role, func(t *testing.T) {
			s := newTestServer(t, true)
			victim, _ := NewSecret()
			tok, err := SaveToken(context.Background(), s.db, victim, "victim", role, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			tries := 0
			s.testHook = func(point string) {
				if point != "revoke-token:read" {
					return
				}
				tries++
				if tries == 1 {
					touchStored(t, s.db, tok.ID, time.Now())
				}
			}
			code, out := s.do(t, "DELETE", "/admin/tokens/"+tok.ID, s.token, nil)
			if code != 200 || out["revoked"] != true {
				t.Fatalf("revoke = %d %v", code, out)
			}
			if tries < 2 {
				t.Fatalf("the revoke ran %d time(s): the concurrent write did not force a retry", tries)
			}
			if code, _ := s.do(t, "GET", "/admin/openapi.yaml", victim, nil); code != 401 {
				t.Errorf("the revoked token still answers %d, want 401", code)
			}
			var stored Token
			storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) error {
				var err error
				stored, err = store.GetAdminToken(ctx, r, tok.ID)
				return err
			})
			if !stored.Revoked || stored.LastUsed.IsZero() {
				t.Errorf("stored token %+v: want revoked, with the concurrent last-used write kept", stored)
			}
		})
	}
}
