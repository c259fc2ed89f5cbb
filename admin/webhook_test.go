package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
	"lifeline/store/storetest"
)

const (
	webhookSecret = "test-app-secret"
	webhookVerify = "verify-me"
	webhookUser   = "15550009999"
)

// newWebhookServer serves the webhook with cfg over a fresh store; logs
// collects what the server logs.
func newWebhookServer(t *testing.T, cfg WebhookConfig, logs io.Writer) *testServer {
	t.Helper()
	db, faq := openStore(t)
	engine := startEngine(t, db, faq)
	return &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.New(logs), Webhook: cfg}), db: db, engine: engine}
}

// pendingInbox counts the inbound events waiting in the inbox, readable
// or not.
func pendingInbox(t *testing.T, db *store.DB) int {
	t.Helper()
	n := 0
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachPendingInbox(ctx, r, func(uint64, json.RawMessage, error) error { n++; return nil })
	})
	return n
}

// transcriptLen counts the messages of user's conversation.
func transcriptLen(t *testing.T, db *store.DB, user string) int {
	t.Helper()
	n := 0
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		return store.EachTranscriptEntry(ctx, r, user, func(store.Entry) error { n++; return nil })
	})
	return n
}

// postWebhook POSTs body with the X-Hub-Signature-256 header sig (none
// when empty) and returns the status and body of the answer.
func (s *testServer) postWebhook(t *testing.T, body []byte, sig string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(whatsapp.SignatureHeader, sig)
	}
	resp, err := s.App().Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every request the webhook refuses gets a status Meta understands and a
// body that says what is wrong, and nothing of it is stored.
func TestWebhookRejectsBadRequestsAndStoresNothing(t *testing.T) {
	const words = "my neighbour Josephine is trapped"
	good := webhookText("wamid.R1", webhookUser, words, time.Now())
	big := webhookText("wamid.R2", webhookUser, strings.Repeat("a", 2<<20), time.Now())
	on := WebhookConfig{Enabled: true, VerifyToken: webhookVerify, AppSecret: webhookSecret, MaxBody: 1 << 20}
	cases := []struct {
		name     string
		cfg      WebhookConfig
		body     []byte
		sig      string
		status   int
		wantBody string // exact, or a prefix when it ends in "*"
	}{
		{"sandbox mode", WebhookConfig{}, good, whatsapp.Sign(good, webhookSecret), 503,
			`{"error":"webhook not configured: the server runs in sandbox mode; set WA_ACCESS_TOKEN, WA_PHONE_NUMBER_ID, WA_APP_SECRET and WA_VERIFY_TOKEN to connect WhatsApp"}`},
		{"missing signature", on, good, "", 401, `{"error":"missing X-Hub-Signature-256 header"}`},
		{"wrong secret", on, good, whatsapp.Sign(good, "other-secret"), 401, `{"error":"invalid X-Hub-Signature-256 signature"}`},
		{"signature of another body", on, good, whatsapp.Sign([]byte("{}"), webhookSecret), 401, `{"error":"invalid X-Hub-Signature-256 signature"}`},
		{"sha1 header value", on, good, "sha1=0000", 401, `{"error":"invalid X-Hub-Signature-256 signature"}`},
		{"malformed json", on, []byte(`{"object":`), whatsapp.Sign([]byte(`{"object":`), webhookSecret), 400, `{"error":"malformed webhook: decode envelope: *`},
		{"not whatsapp", on, []byte(`{"object":"page","entry":[]}`), whatsapp.Sign([]byte(`{"object":"page","entry":[]}`), webhookSecret), 400,
			`{"error":"malformed webhook: object \"page\" is not whatsapp_business_account"}`},
		{"oversized body", on, big, whatsapp.Sign(big, webhookSecret), 413, fmt.Sprintf(`{"error":"body of %d bytes is over the 1048576-byte limit"}`, len(big))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs := &lockedBuffer{}
			s := newWebhookServer(t, tc.cfg, logs)
			code, body := s.postWebhook(t, tc.body, tc.sig)
			want, prefix := strings.CutSuffix(tc.wantBody, "*")
			if code != tc.status || (prefix && !strings.HasPrefix(body, want)) || (!prefix && body != want) {
				t.Fatalf("got %d %s, want %d %s", code, body, tc.status, tc.wantBody)
			}
			if n := pendingInbox(t, s.db); n != 0 {
				t.Errorf("inbox holds %d entries", n)
			}
			if n := transcriptLen(t, s.db, webhookUser); n != 0 {
				t.Errorf("transcript holds %d entries", n)
			}
			if tc.sig != "" && tc.status == 401 && !strings.Contains(logs.String(), "webhook signature mismatch") {
				t.Errorf("a forged signature is not logged:\n%s", logs.String())
			}
			// An unverified body is personal data: never logged.
			for _, secret := range []string{webhookUser, "Josephine"} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("logs hold %q:\n%s", secret, logs.String())
				}
			}
		})
	}
}

// A signed body is acknowledged with 200 once its events are stored, and
// the message is then answered.
func TestWebhookAcceptsASignedBody(t *testing.T) {
	s := newWebhookServer(t, WebhookConfig{Enabled: true, AppSecret: webhookSecret}, io.Discard)
	body := webhookText("wamid.A1", webhookUser, "hello", time.Now())
	code, answer := s.postWebhook(t, body, whatsapp.Sign(body, webhookSecret))
	if code != 200 || answer != "EVENT_RECEIVED" {
		t.Fatalf("got %d %q, want 200 EVENT_RECEIVED", code, answer)
	}
	s.engine.WaitIdle()
	if n := transcriptLen(t, s.db, webhookUser); n < 2 {
		t.Errorf("transcript holds %d entries, want the message and a reply", n)
	}
}

func TestVerificationHandshake(t *testing.T) {
	cases := []struct {
		label  string
		cfg    WebhookConfig
		query  string
		status int
		body   string
	}{
		{"right token", WebhookConfig{Enabled: true, VerifyToken: webhookVerify}, "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"wrong token", WebhookConfig{Enabled: true, VerifyToken: webhookVerify}, "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", 403,
			`{"error":"verification failed: wrong hub.mode or hub.verify_token"}`},
		{"wrong mode", WebhookConfig{Enabled: true, VerifyToken: webhookVerify}, "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403,
			`{"error":"verification failed: wrong hub.mode or hub.verify_token"}`},
		{"no token configured", WebhookConfig{Enabled: true}, "hub.mode=subscribe&hub.verify_token=&hub.challenge=1", 403,
			`{"error":"verification failed: wrong hub.mode or hub.verify_token"}`},
		{"sandbox mode", WebhookConfig{}, "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1", 503,
			`{"error":"webhook not configured: the server runs in sandbox mode; set WA_ACCESS_TOKEN, WA_PHONE_NUMBER_ID, WA_APP_SECRET and WA_VERIFY_TOKEN to connect WhatsApp"}`},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			s := newWebhookServer(t, tc.cfg, io.Discard)
			resp, err := s.App().Test(httptest.NewRequest("GET", "/webhook?"+tc.query, nil))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || string(b) != tc.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, b, tc.status, tc.body)
			}
		})
	}
}
