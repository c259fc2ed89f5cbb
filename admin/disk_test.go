package admin

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/kb"
	"lifeline/store"
	"lifeline/store/storetest"
)

// seen reports whether the store remembers inbound id (or an id that
// begins with it) as accepted.
func seen(t *testing.T, db *store.DB, id string) bool {
	t.Helper()
	n := 0
	storetest.Read(t, db, func(ctx context.Context, r store.Reader) error {
		var err error
		n, err = store.CountSeen(ctx, r, id)
		return err
	})
	return n > 0
}

// lockedBuffer collects log lines written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestFullDiskRefusesNewWorkKeepsReadsAndRecovers simulates the disk
// filling up under a running server (the free-space source is injected):
// below the reserve, webhooks and admin writes get 503, reads still work,
// /readyz and the metrics say why, one ALERT is logged; when space comes
// back the server takes work again by itself.
func TestFullDiskRefusesNewWorkKeepsReadsAndRecovers(t *testing.T) {
	const (
		reserve = 256 << 20
		plenty  = 10 << 30
		low     = 100 << 20
		user    = "15550004444"
		secret  = "app-secret"
	)
	var free atomic.Uint64
	free.Store(plenty)
	logs := &lockedBuffer{}
	db, err := store.Open(store.Options{Dir: t.TempDir(), Logger: zerolog.New(logs), DiskReserve: reserve,
		FreeSpace: func(string) (uint64, error) { return free.Load(), nil }, DiskCheckEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	faq, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	engine := startEngine(t, db, faq)
	token, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(),
		Webhook: WebhookConfig{Enabled: true, AppSecret: secret, VerifyToken: "v"}}), db: db, engine: engine, token: token}
	webhook := func(id string) int {
		body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"123"},"messages":[{"from":%q,"id":%q,"timestamp":"%d","type":"text","text":{"body":"hello"}}]}}]}]}`, user, id, time.Now().Unix()))
		req := httptest.NewRequest("POST", "/webhook", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, secret))
		resp, err := s.App().Test(req, 10000)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	metric := func(name string) string {
		code, body := s.raw(t, "GET", "/metrics", token)
		if code != 200 {
			t.Fatalf("/metrics = %d %q", code, body)
		}
		for _, l := range strings.Split(string(body), "\n") {
			if v, ok := strings.CutPrefix(l, name+" "); ok {
				return v
			}
		}
		return "absent"
	}

	if code := webhook("wamid.before"); code != 200 {
		t.Fatalf("webhook with space = %d", code)
	}
	engine.WaitIdle()

	free.Store(low)
	steps := []struct {
		name   string
		code   func() int
		want   int
		reason string
	}{
		{"webhook", func() int { return webhook("wamid.during") }, 503, ""},
		{"admin write", func() int {
			c, _ := s.do(t, "POST", "/admin/tokens", token, map[string]any{"name": "x", "role": "viewer"})
			return c
		}, 503, ""},
		{"sandbox message", func() int {
			c, _ := s.do(t, "POST", "/sandbox/messages", token, map[string]any{"from": user, "text": "hi"})
			return c
		}, 503, ""},
		{"read a conversation", func() int { c, _ := s.do(t, "GET", "/admin/conversations/"+user, token, nil); return c }, 200, ""},
		{"readyz", func() int {
			c, out := s.do(t, "GET", "/readyz", "", nil)
			if !strings.Contains(fmt.Sprint(out["reason"]), "disk space low") {
				t.Errorf("readyz reason %v does not name the disk", out["reason"])
			}
			return c
		}, 503, ""},
	}
	for _, st := range steps {
		if got := st.code(); got != st.want {
			t.Errorf("disk below the reserve: %s = %d, want %d", st.name, got, st.want)
		}
	}
	if v := metric("lifeline_disk_low"); v != "1" {
		t.Errorf("lifeline_disk_low = %s, want 1", v)
	}
	if v := metric("lifeline_disk_free_bytes"); v != strconv.FormatFloat(low, 'g', -1, 64) {
		t.Errorf("lifeline_disk_free_bytes = %s, want %d", v, low)
	}
	if seen(t, db, "m:wamid.during") {
		t.Error("the refused message was marked as seen: Meta's redelivery would be dropped")
	}
	if n := strings.Count(logs.String(), "ALERT"); n != 1 {
		t.Errorf("%d ALERT lines for one low-disk episode, want 1:\n%s", n, logs.String())
	}

	// Space comes back: the monitor notices without any request.
	free.Store(plenty)
	deadline := time.Now().Add(10 * time.Second)
	for db.Disk().Low {
		if time.Now().After(deadline) {
			t.Fatal("the disk monitor did not notice the space coming back")
		}
		time.Sleep(time.Millisecond)
	}
	if code := webhook("wamid.during"); code != 200 {
		t.Errorf("Meta's redelivery after space came back = %d, want 200", code)
	}
	if code, _ := s.do(t, "GET", "/readyz", "", nil); code != 200 {
		t.Errorf("readyz after space came back = %d", code)
	}
	if v := metric("lifeline_disk_low"); v != "0" {
		t.Errorf("lifeline_disk_low = %s after recovery, want 0", v)
	}
}
