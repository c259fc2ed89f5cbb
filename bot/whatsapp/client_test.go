package whatsapp

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
)

const testToken = "EAAG-secret-token-do-not-log"

func newTestClient(t *testing.T, timeout time.Duration) (*Client, *whatsapptest.Server) {
	t.Helper()
	fake := whatsapptest.NewServer(t)
	fake.SetToken(testToken)
	c := NewClient(ClientConfig{BaseURL: fake.URL + "/", Version: "v23.0", AccessToken: testToken, Timeout: timeout})
	return c, fake
}

var hello = Outbound{To: "966512345678", Kind: KindText, Text: "hello"}

func TestClientSend(t *testing.T) {
	c, fake := newTestClient(t, 0)
	res, err := c.Send(context.Background(), pnid, hello)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !strings.HasPrefix(res.MessageID, "wamid.FAKE") || res.WaID != "966512345678" || res.MessageStatus != "" {
		t.Errorf("result = %+v", res)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Version != "v23.0" || r.PhoneNumberID != pnid || r.Kind != "message" || r.To != "966512345678" {
		t.Errorf("request = %+v", r)
	}
	want, _ := MarshalPayload(hello)
	if string(r.Raw) != string(want) {
		t.Errorf("body = %s, want %s", r.Raw, want)
	}

	res2, err := c.Send(context.Background(), pnid, Outbound{To: "966512345678", Kind: KindTemplate, Template: &Template{Name: "t", Language: "ar"}})
	if err != nil {
		t.Fatal(err)
	}
	if res2.MessageID == res.MessageID || res2.MessageStatus != "accepted" {
		t.Errorf("template result = %+v (first wamid %s)", res2, res.MessageID)
	}
}

func TestClientMarkRead(t *testing.T) {
	c, fake := newTestClient(t, 0)
	if err := c.MarkRead(context.Background(), pnid, "wamid.IN_TEXT_1", true); err != nil {
		t.Fatalf("MarkRead: %v", err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Kind != "read" || len(fake.Messages()) != 0 {
		t.Fatalf("requests = %+v", reqs)
	}
	if got := string(reqs[0].Raw); got != `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN_TEXT_1","typing_indicator":{"type":"text"}}` {
		t.Errorf("body = %s", got)
	}
}

// TestClientErrorCodes: every code of reference §5, answered by the fake in
// the real error shape, comes back as the right Action.
func TestClientErrorCodes(t *testing.T) {
	c, fake := newTestClient(t, 0)
	cases := []struct {
		code, status int
		want         Action
	}{
		{130429, 400, ActionThrottleNumber},
		{131056, 400, ActionBackoffRecipient},
		{4, 400, ActionRetry},
		{80007, 400, ActionRetry},
		{1, 500, ActionRetry},
		{2, 503, ActionRetry},
		{131000, 500, ActionRetry},
		{131016, 503, ActionRetry},
		{133004, 503, ActionRetry},
		{131057, 400, ActionRetry},
		{131053, 400, ActionRetry},
		{131048, 400, ActionAlertAdmin},
		{131049, 400, ActionDropped},
		{130472, 400, ActionDropped},
		{131047, 400, ActionNeedsTemplate},
		{131026, 400, ActionRecipientFailed},
		{131050, 400, ActionRecipientFailed},
		{131021, 400, ActionRecipientFailed},
		{131030, 400, ActionRecipientFailed},
		{131051, 400, ActionRecipientFailed},
		{131052, 400, ActionRecipientFailed},
		{100, 400, ActionFixRequest},
		{131008, 400, ActionFixRequest},
		{131009, 400, ActionFixRequest},
		{33, 400, ActionFixRequest},
		{135000, 400, ActionFixRequest},
		{132000, 400, ActionFixRequest},
		{132001, 400, ActionFixRequest},
		{132005, 400, ActionFixRequest},
		{132007, 400, ActionFixRequest},
		{132012, 400, ActionFixRequest},
		{132015, 400, ActionFixRequest},
		{132016, 400, ActionFixRequest},
		{132018, 400, ActionFixRequest},
		{132068, 400, ActionFixRequest},
		{132069, 400, ActionFixRequest},
		{190, 401, ActionAlertAdmin},
		{3, 403, ActionAlertAdmin},
		{10, 403, ActionAlertAdmin},
		{200, 403, ActionAlertAdmin},
		{299, 403, ActionAlertAdmin},
		{131005, 403, ActionAlertAdmin},
		{368, 403, ActionAlertAdmin},
		{131031, 403, ActionAlertAdmin},
		{130497, 403, ActionAlertAdmin},
		{131042, 400, ActionAlertAdmin},
		{131037, 400, ActionAlertAdmin},
		{133010, 400, ActionAlertAdmin},
		{133000, 400, ActionAlertAdmin},
		{133005, 400, ActionAlertAdmin},
		{133009, 400, ActionAlertAdmin},
		{133015, 400, ActionAlertAdmin},
		{133016, 400, ActionAlertAdmin},
		{424242, 400, ActionRecipientFailed},
	}
	for _, tc := range cases {
		fake.FailNext(1, tc.status, tc.code)
		_, err := c.Send(context.Background(), pnid, hello)
		var se *SendError
		if !errors.As(err, &se) {
			t.Fatalf("code %d: err = %v, want *SendError", tc.code, err)
		}
		if !se.HasCode || se.Code != tc.code || se.HTTPStatus != tc.status || se.Action != tc.want || se.Timeout {
			t.Errorf("code %d: got %+v, want action %v", tc.code, se, tc.want)
		}
		if se.Type != "OAuthException" || se.Details == "" || se.FBTraceID == "" {
			t.Errorf("code %d: error fields not decoded: %+v", tc.code, se)
		}
	}
}

func TestClientFailures(t *testing.T) {
	cases := []struct {
		name        string
		resp        whatsapptest.Response
		timeout     time.Duration
		wantAction  Action
		wantTimeout bool
		wantStatus  int
		wantCode    bool
	}{
		{"5xx without json", whatsapptest.Response{Status: 502}, 0, ActionRetry, false, 502, false},
		{"500 html", whatsapptest.Response{Status: 500, Body: []byte("<html>oops</html>")}, 0, ActionRetry, false, 500, false},
		{"429 without json", whatsapptest.Response{Status: 429}, 0, ActionThrottleNumber, false, 429, false},
		{"401 without json", whatsapptest.Response{Status: 401}, 0, ActionAlertAdmin, false, 401, false},
		{"400 without json", whatsapptest.Response{Status: 400}, 0, ActionFixRequest, false, 400, false},
		{"code 0 auth exception", whatsapptest.Response{Status: 401, Body: whatsapptest.ErrorBody(0, "Invalid OAuth access token.")}, 0, ActionAlertAdmin, false, 401, true},
		{"hang past client timeout", whatsapptest.Response{Hang: true}, 50 * time.Millisecond, ActionRetry, true, 0, false},
		{"slow past client timeout", whatsapptest.Response{Delay: 5 * time.Second}, 50 * time.Millisecond, ActionRetry, true, 0, false},
		{"200 without wamid", whatsapptest.Response{Body: []byte(`{"messaging_product":"whatsapp"}`)}, 0, ActionRetry, true, 200, false},
		{"200 not json", whatsapptest.Response{Body: []byte(`ok`)}, 0, ActionRetry, true, 200, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newTestClient(t, tc.timeout)
			fake.SetResponder(func(whatsapptest.Request) whatsapptest.Response { return tc.resp })
			_, err := c.Send(context.Background(), pnid, hello)
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SendError", err)
			}
			if se.Action != tc.wantAction || se.Timeout != tc.wantTimeout || se.HTTPStatus != tc.wantStatus || se.HasCode != tc.wantCode {
				t.Errorf("got %+v (%v)", se, se)
			}
			if tc.timeout > 0 && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("timeout error does not wrap context.DeadlineExceeded: %v", err)
			}
		})
	}
}

func TestClientConnectionRefused(t *testing.T) {
	// Port 1 on loopback: nothing listens, the dial fails at once.
	c := NewClient(ClientConfig{BaseURL: "http://127.0.0.1:1", AccessToken: testToken})
	_, err := c.Send(context.Background(), pnid, hello)
	var se *SendError
	if !errors.As(err, &se) || se.Action != ActionRetry || se.Timeout {
		t.Fatalf("err = %#v, want retry with known outcome (never reached Meta)", err)
	}
}

func TestClientWrongToken(t *testing.T) {
	fake := whatsapptest.NewServer(t)
	fake.SetToken("the-right-one")
	c := NewClient(ClientConfig{BaseURL: fake.URL, AccessToken: testToken})
	_, err := c.Send(context.Background(), pnid, hello)
	var se *SendError
	if !errors.As(err, &se) || se.HTTPStatus != http.StatusUnauthorized || se.Code != 190 || se.Action != ActionAlertAdmin {
		t.Fatalf("err = %v, want 401 code 190 alert-admin", err)
	}
	if len(fake.Requests()) != 0 {
		t.Errorf("unauthorised request recorded")
	}
}

func TestClientInvalidMessageNotSent(t *testing.T) {
	c, fake := newTestClient(t, 0)
	cases := []struct {
		name string
		pnid string
		o    Outbound
	}{
		{"invalid outbound", pnid, Outbound{To: "1", Kind: KindButtons, Text: "x"}},
		{"empty phone number id", "", hello},
	}
	for _, tc := range cases {
		_, err := c.Send(context.Background(), tc.pnid, tc.o)
		var se *SendError
		if !errors.As(err, &se) || se.Action != ActionFixRequest || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want fix-request wrapping ErrInvalid", tc.name, err)
		}
	}
	if err := c.MarkRead(context.Background(), pnid, "", false); !errors.Is(err, ErrInvalid) {
		t.Errorf("mark read empty id: err = %v", err)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

// TestSendErrorNeverLeaksToken: even a server echoing the token in every
// field cannot get it into Error().
func TestSendErrorNeverLeaksToken(t *testing.T) {
	c, fake := newTestClient(t, 0)
	echo := `{"error":{"message":"bad token ` + testToken + `","type":"OAuthException ` + testToken + `","code":190,` +
		`"error_data":{"details":"Bearer ` + testToken + `"},"fbtrace_id":"` + testToken + `"}}`
	fake.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Status: 401, Body: []byte(echo)}
	})
	_, err := c.Send(context.Background(), pnid, hello)
	if err == nil {
		t.Fatal("want error")
	}
	if msg := err.Error(); strings.Contains(msg, testToken) || !strings.Contains(msg, "[redacted]") {
		t.Errorf("Error() = %q", msg)
	}
	var se *SendError
	errors.As(err, &se)
	if se.Action != ActionAlertAdmin || se.Code != 190 {
		t.Errorf("got %+v", se)
	}
	// Every other error path too.
	for _, e := range []*SendError{
		{HTTPStatus: 500, Message: "Internal Server Error", Action: ActionRetry},
		{Timeout: true, Err: context.DeadlineExceeded},
	} {
		if strings.Contains(e.Error(), testToken) {
			t.Errorf("Error() leaks token: %s", e)
		}
	}
}

func TestSendErrorString(t *testing.T) {
	e := &SendError{HTTPStatus: 400, Code: 131056, Subcode: 2494071, HasCode: true,
		Message: "(#131056) pair rate limit hit", Details: "too many messages", FBTraceID: "Atrace", Action: ActionBackoffRecipient}
	want := "whatsapp send: http 400: code 131056 subcode 2494071: (#131056) pair rate limit hit: too many messages (fbtrace_id Atrace) [backoff-recipient]"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
}

func TestClientConcurrentSends(t *testing.T) {
	c, fake := newTestClient(t, 0)
	const n = 50
	var wg sync.WaitGroup
	ids := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Send(context.Background(), pnid, hello)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- res.MessageID
		}()
	}
	got := fake.WaitMessages(t, n, 5*time.Second)
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("duplicate wamid %s", id)
		}
		seen[id] = true
	}
	if len(got) != n || len(seen) != n {
		t.Errorf("%d recorded, %d unique wamids, want %d", len(got), len(seen), n)
	}
}
