package whatsapptest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func post(t testing.TB, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return res.StatusCode, m
}

const msg = `{"messaging_product":"whatsapp","recipient_type":"individual","to":"966512345678","type":"text","text":{"body":"hi"}}`

func TestServer(t *testing.T) {
	s := NewServer(t)
	s.SetToken("tok")
	u := s.URL + "/v23.0/100200300400500/messages"

	cases := []struct {
		name       string
		url, token string
		body       string
		wantStatus int
		wantCode   float64 // error code, or -1 for success
	}{
		{"send", u, "tok", msg, 200, -1},
		{"mark read", u, "tok", `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.X"}`, 200, -1},
		{"wrong token", u, "nope", msg, 401, 190},
		{"no token", u, "", msg, 401, 190},
		{"bad path", s.URL + "/v23.0/100200300400500/media", "tok", msg, 400, 100},
		{"not json", u, "tok", `hi`, 400, 100},
		{"no messaging_product", u, "tok", `{"to":"1"}`, 400, 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, tc.url, tc.token, tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d (%v)", status, tc.wantStatus, body)
			}
			if tc.wantCode >= 0 {
				if e, _ := body["error"].(map[string]any); e == nil || e["code"] != tc.wantCode {
					t.Errorf("body %v, want error code %v", body, tc.wantCode)
				}
			}
		})
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Kind != "message" || reqs[1].Kind != "read" || reqs[0].To != "966512345678" ||
		reqs[0].Version != "v23.0" || reqs[0].PhoneNumberID != "100200300400500" || reqs[0].Body["type"] != "text" {
		t.Errorf("requests = %+v", reqs)
	}
	if m := s.Messages(); len(m) != 1 {
		t.Errorf("messages = %+v", m)
	}
}

func TestServerFailNextAndResponder(t *testing.T) {
	s := NewServer(t)
	u := s.URL + "/v23.0/1/messages"
	s.FailNext(2, 400, 131056)
	read := `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.X"}`
	if status, _ := post(t, u, "", read); status != 200 {
		t.Errorf("mark read consumed a failure: %d", status)
	}
	for i := 0; i < 2; i++ {
		status, body := post(t, u, "", msg)
		e, _ := body["error"].(map[string]any)
		if status != 400 || e == nil || e["code"] != float64(131056) || e["fbtrace_id"] == "" {
			t.Errorf("failure %d: %d %v", i, status, body)
		}
	}
	if status, body := post(t, u, "", msg); status != 200 || body["messages"] == nil {
		t.Errorf("after failures: %d %v", status, body)
	}
	s.SetResponder(func(r Request) Response { return Response{Status: 503} })
	if status, body := post(t, u, "", msg); status != 503 || body != nil {
		t.Errorf("plain 503: %d %v", status, body)
	}
}

func TestErrorBody(t *testing.T) {
	var got map[string]map[string]any
	if err := json.Unmarshal(ErrorBody(131056, "too many"), &got); err != nil {
		t.Fatal(err)
	}
	e := got["error"]
	if e["code"] != float64(131056) || e["type"] != "OAuthException" || !strings.HasPrefix(e["message"].(string), "(#131056) ") ||
		e["error_data"].(map[string]any)["details"] != "too many" {
		t.Errorf("ErrorBody = %v", got)
	}
}

func TestWaitMessages(t *testing.T) {
	s := NewServer(t)
	u := s.URL + "/v23.0/1/messages"
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); post(t, u, "", msg) }()
	}
	got := s.WaitMessages(t, 20, 5*time.Second)
	wg.Wait()
	if len(got) != 20 {
		t.Errorf("got %d", len(got))
	}
}

func TestHangReleasedAtCleanup(t *testing.T) {
	// A hanging handler must not block the test's cleanup forever.
	var s *Server
	t.Run("inner", func(t *testing.T) {
		s = NewServer(t)
		s.SetResponder(func(Request) Response { return Response{Hang: true} })
		go func() {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/v1/1/messages", bytes.NewReader([]byte(msg)))
			req.Header.Set("Content-Type", "application/json")
			http.DefaultClient.Do(req)
		}()
		s.WaitMessages(t, 1, 5*time.Second)
	})
}

// A held answer goes out when the test releases it, and a held request
// the client cancels is not answered.
func TestHoldUntilReleasedOrCancelled(t *testing.T) {
	for _, tc := range []struct {
		label   string
		release bool // else the client cancels
	}{
		{"released by the test", true},
		{"cancelled by the client", false},
	} {
		t.Run(tc.label, func(t *testing.T) {
			s := NewServer(t)
			hold := make(chan struct{})
			s.SetResponder(func(Request) Response { return Response{Hold: hold} })
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type answer struct {
				status int
				err    error
			}
			done := make(chan answer, 1)
			go func() {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/v23.0/1/messages", strings.NewReader(msg))
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					done <- answer{err: err}
					return
				}
				res.Body.Close()
				done <- answer{status: res.StatusCode}
			}()
			s.WaitMessages(t, 1, 5*time.Second)
			select {
			case a := <-done:
				t.Fatalf("answered while held: %+v", a)
			default:
			}
			if tc.release {
				close(hold)
			} else {
				cancel()
			}
			a := <-done
			switch {
			case tc.release && (a.err != nil || a.status != http.StatusOK):
				t.Errorf("released: status %d, err %v; want 200", a.status, a.err)
			case !tc.release && !errors.Is(a.err, context.Canceled):
				t.Errorf("cancelled: status %d, err %v; want the cancellation", a.status, a.err)
			}
		})
	}
}

func BenchmarkServerSend(b *testing.B) {
	s := NewServer(b)
	u := s.URL + "/v23.0/1/messages"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(msg))
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	})
}
