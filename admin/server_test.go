package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/kb"
	"lifeline/store"
)

type testServer struct {
	*Server
	db     *store.DB
	engine *bot.Engine
	token  string
}

// openStore opens an in-memory store with the sample FAQ, closed when the
// test ends (after whatever the test registers later, such as an engine).
func openStore(t *testing.T) (*store.DB, *kb.KB) {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	faq, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return db, faq
}

// startEngine runs a one-worker engine over db in sandbox mode, answering
// from faq, closed when the test ends.
func startEngine(t *testing.T, db *store.DB, faq *kb.KB) *bot.Engine {
	t.Helper()
	engine := bot.New(bot.Config{Workers: 1}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Logger: zerolog.Nop()})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.Close)
	return engine
}

// newTestServer runs the whole server in sandbox mode on an in-memory store.
func newTestServer(t *testing.T, sandbox bool) *testServer {
	t.Helper()
	db, faq := openStore(t)
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	token, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil || token == "" {
		t.Fatalf("bootstrap token: %q %v", token, err)
	}
	s := New(Deps{DB: db, Engine: engine, KB: faq, Sandbox: sandbox, Logger: zerolog.Nop()})
	t.Cleanup(func() { engine.Close() })
	return &testServer{Server: s, db: db, engine: engine, token: token}
}

func (s *testServer) do(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.App().Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func replyTexts(t *testing.T, out map[string]any) []string {
	t.Helper()
	rs, _ := out["replies"].([]any)
	var texts []string
	for _, r := range rs {
		m := r.(map[string]any)
		texts = append(texts, m["kind"].(string)+":"+m["text"].(string))
	}
	return texts
}

func TestHealthAndReadiness(t *testing.T) {
	s := newTestServer(t, true)
	if code, _ := s.do(t, "GET", "/healthz", "", nil); code != 200 {
		t.Errorf("healthz = %d", code)
	}
	if code, out := s.do(t, "GET", "/readyz", "", nil); code != 200 || out["status"] != "ready" {
		t.Errorf("readyz = %d %v", code, out)
	}
}

func TestSandboxChatInEnglishAndArabic(t *testing.T) {
	s := newTestServer(t, true)
	code, out := s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "15550001234", "name": "Sam", "text": "hello"})
	if code != 200 {
		t.Fatalf("hello = %d %v", code, out)
	}
	if got := replyTexts(t, out); len(got) != 1 || !strings.HasPrefix(got[0], "buttons:Hello Sam") {
		t.Fatalf("hello replies %q", got)
	}
	_, out = s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "15550001234", "text": "is the tap water safe to drink?"})
	got := replyTexts(t, out)
	if len(got) < 2 || !strings.HasPrefix(got[len(got)-1], "buttons:Was this helpful?") {
		t.Fatalf("shelter question replies %q", got)
	}
	_, out = s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "966512345678", "text": "هل مياه الصنبور آمنة للشرب؟"})
	got = replyTexts(t, out)
	if len(got) < 2 || !strings.HasPrefix(got[len(got)-1], "buttons:هل كانت الإجابة مفيدة؟") {
		t.Fatalf("arabic question replies %q", got)
	}
	_, out = s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "966512345678", "text": "إيقاف"})
	if got := replyTexts(t, out); len(got) != 1 || !strings.Contains(got[0], "لن تصلك") {
		t.Fatalf("arabic stop replies %q", got)
	}
	code, out = s.do(t, "GET", "/sandbox/conversations/15550001234", "", nil)
	if msgs, _ := out["messages"].([]any); code != 200 || len(msgs) < 4 {
		t.Fatalf("transcript = %d with %d messages", code, len(msgs))
	}
}

func TestSandboxRejectsBadInput(t *testing.T) {
	s := newTestServer(t, true)
	for _, body := range []map[string]any{
		{"from": "", "text": "hi"},
		{"from": "+1 555 abc", "text": "hi"},
		{"from": "15550001234"},
	} {
		if code, out := s.do(t, "POST", "/sandbox/messages", "", body); code != 400 || out["error"] == "" {
			t.Errorf("%v: %d %v, want 400 with an error", body, code, out)
		}
	}
}

func TestSandboxNeedsAdminOutsideSandboxMode(t *testing.T) {
	s := newTestServer(t, false)
	if code, _ := s.do(t, "POST", "/sandbox/messages", "", map[string]any{"from": "1555", "text": "hi"}); code != 401 {
		t.Errorf("without token = %d, want 401", code)
	}
	if code, _ := s.do(t, "POST", "/sandbox/messages", s.token, map[string]any{"from": "1555", "text": "hi"}); code != 200 {
		t.Errorf("with admin token = %d, want 200", code)
	}
}

func TestAdminRoutesNeedAToken(t *testing.T) {
	s := newTestServer(t, true)
	viewer, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SaveToken(context.Background(), s.db, viewer, "viewer", RoleViewer, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin/kb/search?q=water", "/admin/conversations/15550001234"} {
		if code, out := s.do(t, "GET", path, "", nil); code != 401 || out["error"] == nil {
			t.Errorf("%s without token = %d %v, want 401", path, code, out)
		}
		if code, _ := s.do(t, "GET", path, "not-a-token", nil); code != 401 {
			t.Errorf("%s with a wrong token = %d, want 401", path, code)
		}
		if code, _ := s.do(t, "GET", path, viewer, nil); code != 403 {
			t.Errorf("%s as viewer = %d, want 403", path, code)
		}
		if code, _ := s.do(t, "GET", path, s.token, nil); code != 200 {
			t.Errorf("%s as admin = %d, want 200", path, code)
		}
	}
}

func TestBootstrapTokenIsPrintedOnlyOnce(t *testing.T) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil || !strings.HasPrefix(first, "ll_") {
		t.Fatalf("first start: %q %v", first, err)
	}
	again, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil || again != "" {
		t.Fatalf("second start generated %q (%v), want nothing", again, err)
	}
}
