package admin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/admin/metrics"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/sms"
	"lifeline/sms/smstest"
	"lifeline/store"
)

// hookReceiver is an integration's webhook endpoint: it keeps the type
// of every event it is sent.
type hookReceiver struct {
	mu    sync.Mutex
	types []string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev broadcast.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.types = append(h.types, ev.Type)
	h.mu.Unlock()
}

func (h *hookReceiver) count(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, t := range h.types {
		if t == typ {
			n++
		}
	}
	return n
}

// emergencyServer is the server of `lifeline serve` with SMS, metrics and
// the integration webhooks pointed at a receiver of its own.
type emergencyServer struct {
	*testServer
	hooks *hookReceiver
	token string
}

func newEmergencyServer(t *testing.T) *emergencyServer {
	t.Helper()
	hooks := &hookReceiver{}
	recv := httptest.NewServer(hooks)
	t.Cleanup(recv.Close)
	db, faq := openStore(t)
	m := metrics.New()
	engine := bot.New(bot.Config{Workers: 1}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Logger: zerolog.Nop(), Observer: m})
	svc := broadcast.New(broadcast.Config{WebhookURLs: []string{recv.URL}, WebhookSecret: "integration-secret"},
		broadcast.Options{DB: db, Sender: &bot.SandboxSender{}, Logger: zerolog.Nop()})
	engine.NotifyEmergencies(svc)
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); engine.Close() })
	token, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg := sms.Config{AccountSID: smstest.AccountSID, AuthToken: smstest.AuthToken, From: []string{"+15005550006"},
		CallbackURL: smsBase, APIURL: "http://127.0.0.1:1"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), SMS: &cfg, Metrics: m})
	return &emergencyServer{testServer: &testServer{Server: s, db: db, engine: engine, token: token}, hooks: hooks, token: token}
}

// delivered waits until no integration event is left to deliver: every
// event queued by what has committed so far has reached the receiver.
func (s *emergencyServer) delivered(t *testing.T) {
	t.Helper()
	waitFor(t, "integration events delivered", func() bool {
		left := 0
		if err := s.db.Read(context.Background(), func(r store.Reader) error {
			return store.EachBroadcastEvent(context.Background(), r, func(uint64, json.RawMessage) error { left++; return nil })
		}); err != nil {
			t.Fatal(err)
		}
		return left == 0
	})
}

// emergencies is the sum of lifeline_emergencies_total over languages.
func (s *emergencyServer) emergencies(t *testing.T) int {
	t.Helper()
	code, body := s.raw(t, "GET", "/metrics", s.token)
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "lifeline_emergencies_total{") {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		n += int(v)
	}
	return n
}

// Danger by SMS is an emergency as on WhatsApp (issue 10: the emergency
// event and metric for danger in any channel): the handoff it makes
// urgent sends one "emergency" event to the integration webhooks and
// counts one emergency; danger again while that handoff is urgent is no
// new emergency, on either channel, and the live stream says
// "emergency" as often as the metric counts.
func TestDangerBySMSIsAnEmergencyAsOnWhatsApp(t *testing.T) {
	const danger = "my father collapsed and is not breathing"
	type step struct {
		channel string // "sms" or "whatsapp"
		text    string
		want    int // emergencies so far: events received and metric
	}
	cases := []struct {
		label string
		steps []step
	}{
		{"whatsapp: danger, then danger again", []step{{"whatsapp", danger, 1}, {"whatsapp", danger, 1}}},
		{"sms: danger, then danger again", []step{{"sms", danger, 1}, {"sms", danger, 1}}},
		{"sms: a request for a person, then danger raises it", []step{{"sms", "I want to talk to a person", 0}, {"sms", danger, 1}, {"sms", danger, 1}}},
		{"whatsapp danger, then danger by sms", []step{{"whatsapp", danger, 1}, {"sms", danger, 1}}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			s := newEmergencyServer(t)
			const user = "447700900400"
			sub, err := s.engine.Bus().Subscribe(bot.EventsTopic, 256)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(sub.Close)
			live := 0 // "emergency" events on the live stream
			for i, st := range c.steps {
				id := strconv.Itoa(i)
				switch st.channel {
				case "sms":
					if code := s.postSMS(t, sms.InboundPath, smstest.InboundForm("SM"+id, "+"+user, "+15005550006", st.text), "sign"); code != 200 {
						t.Fatalf("step %d: inbound SMS %d", i, code)
					}
				case "whatsapp":
					if _, err := s.engine.Submit(whatsapp.Message{ID: "wamid.in." + id, From: user, Type: "text", Text: st.text, Timestamp: time.Now()}, 10*time.Second); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
				s.delivered(t)
				if n := s.hooks.count("emergency"); n != st.want {
					t.Errorf("step %d (%s %q): %d emergency events at the webhook, want %d", i, st.channel, st.text, n, st.want)
				}
				if n := s.emergencies(t); n != st.want {
					t.Errorf("step %d (%s %q): lifeline_emergencies_total %d, want %d", i, st.channel, st.text, n, st.want)
				}
			}
			// Both channels publish after their commit, before they
			// return: what was published is on the subscription now.
			for len(sub.C) > 0 {
				ev, err := bot.DecodeEvent(<-sub.C)
				if err != nil {
					t.Fatal(err)
				}
				if ev.Kind == "emergency" {
					live++
				}
			}
			if want := c.steps[len(c.steps)-1].want; live != want {
				t.Errorf("%d emergency events on the live stream, want %d", live, want)
			}
		})
	}
}
