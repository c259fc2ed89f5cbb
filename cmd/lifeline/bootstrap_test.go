package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"lifeline/admin"
	"lifeline/store"
	"lifeline/store/storetest"
)

// TestStartWithARevokedAdminToken: the server starts (people in a crisis
// still reach the bot), the token stays revoked, and the log says why it
// fails.
func TestStartWithARevokedAdminToken(t *testing.T) {
	const token = "ll_bootstrap-token-for-this-test"
	env := map[string]string{"LIFELINE_DATA_DIR": t.TempDir(), "LIFELINE_ADMIN_TOKEN": token, "LIFELINE_ADDR": "127.0.0.1:0"}
	cfg, err := loadConfig(nil, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	in, err := start(cfg, newLogger(io.Discard, "info"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// Revoke it as DELETE /admin/tokens/{id} does.
	storetest.Write(t, in.db, func(ctx context.Context, w store.Writer) error {
		tok, err := store.GetAdminToken(ctx, w, admin.TokenID(token))
		if err != nil {
			return err
		}
		tok.Revoked = true
		return store.PutAdminToken(ctx, w, tok)
	})
	if err := in.close(); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	in, err = start(cfg, newLogger(&logs, "info"), io.Discard)
	if err != nil {
		t.Fatalf("restart with the revoked token: %v", err)
	}
	defer in.close()
	if !strings.Contains(logs.String(), "LIFELINE_ADMIN_TOKEN was revoked") {
		t.Errorf("the log does not say the token was revoked:\n%s", logs.String())
	}
	var tok admin.Token
	if err := in.db.Read(context.Background(), func(r store.Reader) error {
		var err error
		tok, err = store.GetAdminToken(context.Background(), r, admin.TokenID(token))
		return err
	}); err != nil || !tok.Revoked {
		t.Errorf("after the restart the token is %+v (%v), want revoked", tok, err)
	}
}
