package whatsapptest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest/latency"
)

// recordingT stands in for the test the fake would fail, so that a test
// can see the failures the fake reports.
type recordingT struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recordingT) Helper()          {}
func (r *recordingT) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingT) Errorf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(f, a...))
}

// end runs the cleanups as the test's end would and returns the failures.
func (r *recordingT) end() []string {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errs
}

func TestStrictFailsTheTestOnUnexpectedRequests(t *testing.T) {
	get := func(url string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	cases := []struct {
		name string
		opts []Option
		do   func(s *Server)
		want []string // substrings of the failures, in order; none for a pass
	}{
		{"a send to an allowed recipient", []Option{AllowRecipients("966512345678")}, func(s *Server) {
			post(t, s.URL+"/v23.0/100/messages", "", msg)
		}, nil},
		{"a read receipt names no recipient", []Option{AllowRecipients("1")}, func(s *Server) {
			post(t, s.URL+"/v23.0/100/messages", "", `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.1"}`)
		}, nil},
		{"a recipient not allowed", []Option{AllowRecipients("15550001111")}, func(s *Server) {
			post(t, s.URL+"/v23.0/100/messages", "", msg)
		}, []string{"recipient the test did not allow (12 digits, ending 78)"}},
		{"an unknown path", []Option{Strict()}, func(s *Server) {
			post(t, s.URL+"/v23.0/100/media", "", msg)
		}, []string{"POST /v23.0/100/media"}},
		{"a GET", []Option{Strict()}, func(s *Server) { get(s.URL + "/v23.0/100/messages") }, []string{"GET /v23.0/100/messages"}},
		{"not a send's JSON", []Option{Strict()}, func(s *Server) {
			post(t, s.URL+"/v23.0/100/messages", "", `{"to":"1"}`)
		}, []string{"not the JSON of a send"}},
		{"not strict: an unknown path is only answered with an error", nil, func(s *Server) {
			post(t, s.URL+"/v23.0/100/media", "", msg)
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := &recordingT{}
			s := NewServer(rt, c.opts...)
			c.do(s)
			errs := rt.end()
			if len(errs) != len(c.want) {
				t.Fatalf("failures %q, want %d like %q", errs, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(errs[i], w) {
					t.Errorf("failure %q, want it to say %q", errs[i], w)
				}
			}
			for _, e := range errs {
				if strings.Contains(e, "966512345678") {
					t.Errorf("the failure itself shows the number: %q", e)
				}
			}
		})
	}
}

func TestCheckLogsFindsSecretsAndPersonalData(t *testing.T) {
	cases := []struct {
		name string
		logs string
		want []string
	}{
		{"clean logs", `{"level":"info","to":"+9665****78","msg":"sent"}` + "\n", nil},
		{"the access token", `{"level":"debug","auth":"Bearer tok-123456"}` + "\n", []string{"line 1 holds the access token"}},
		{"the app secret", "ok\n" + `{"level":"error","secret":"app-secret-xyz"}` + "\n", []string{"line 2 holds a secret"}},
		{"a recipient's number", `{"level":"warn","to":"966512345678","msg":"message not sent"}` + "\n", []string{"line 1 holds an unmasked phone number"}},
		{"a message text", `{"level":"debug","text":"trapped on Elm Street"}` + "\n", []string{"line 1 holds personal data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := &recordingT{}
			s := NewServer(rt, Secrets("app-secret-xyz"), PersonalData("Elm Street"))
			s.SetToken("tok-123456")
			code, _ := post(t, s.URL+"/v23.0/100/messages", "tok-123456", msg) // the fake now knows 966512345678
			if code != 200 {
				t.Fatalf("send = %d", code)
			}
			io.WriteString(s.LogSink(), c.logs)
			errs := rt.end()
			if len(errs) != len(c.want) {
				t.Fatalf("failures %q, want %q", errs, c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(errs[i], w) {
					t.Errorf("failure %q, want it to say %q", errs[i], w)
				}
			}
		})
	}
}

// CheckLogs called during the test checks what was written so far; the
// end of the test checks only what came after.
func TestCheckLogsChecksEachLineOnce(t *testing.T) {
	rt := &recordingT{}
	s := NewServer(rt, PersonalData("Josephine"))
	io.WriteString(s.LogSink(), "Josephine\n")
	s.CheckLogs()
	io.WriteString(s.LogSink(), "fine\nJosephine again\n")
	errs := rt.end()
	if len(errs) != 2 || !strings.Contains(errs[0], "line 1 ") || !strings.Contains(errs[1], "line 3 ") {
		t.Fatalf("failures %q, want lines 1 and 3 once each", errs)
	}
}

// With a latency model every answer takes at least the model's draw.
func TestWithLatencyDelaysAnswers(t *testing.T) {
	m, _ := latency.Parse("30ms,30ms")
	s := NewServer(t, WithLatency(m))
	start := time.Now()
	if code, _ := post(t, s.URL+"/v23.0/100/messages", "", msg); code != 200 {
		t.Fatalf("send = %d", code)
	}
	if el := time.Since(start); el < 29*time.Millisecond {
		t.Fatalf("answered after %v, want at least the model's 30 ms", el)
	}
}
