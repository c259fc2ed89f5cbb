// Package smstest is a fake SMS provider for tests and the sandbox: it
// speaks the provider's wire format (form POSTs, Basic auth, 201 JSON with
// sid/status/num_segments, error JSON with code), records what it
// received, can answer slowly or with a scripted error per recipient, and
// sends status and inbound callbacks signed as the provider signs them.
package smstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"lifeline/sms"
)

// Test credentials the fake accepts.
const (
	AccountSID = "AC00000000000000000000000000000001"
	AuthToken  = "fake-auth-token"
)

// Received is one message the fake accepted or refused.
type Received struct {
	SID            string
	To, From, Body string
	Service        string
	StatusCallback string
	Code           int // the error code answered; 0 when accepted
	At             time.Time
}

// Provider is the fake.
type Provider struct {
	srv *httptest.Server

	mu       sync.Mutex
	received []Received
	errs     map[string]int // To -> provider error code to answer
	latency  time.Duration
	seq      int
	onSend   func(Received)
}

// New starts a fake provider; Close it when done.
func New() *Provider {
	p := &Provider{errs: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	return p
}

// URL is the API base to give as LIFELINE_SMS_API_URL.
func (p *Provider) URL() string { return p.srv.URL }

// Close stops the server.
func (p *Provider) Close() { p.srv.Close() }

// Config is a valid client config against the fake.
func (p *Provider) Config(callbackURL string, from ...string) sms.Config {
	if len(from) == 0 {
		from = []string{"+15005550006"}
	}
	return sms.Config{AccountSID: AccountSID, AuthToken: AuthToken, From: from, CallbackURL: callbackURL, APIURL: p.URL(), Rate: 1000}
}

// Latency makes every answer wait d, like a real API round trip.
func (p *Provider) Latency(d time.Duration) {
	p.mu.Lock()
	p.latency = d
	p.mu.Unlock()
}

// FailTo makes sends to number answer the provider error code (21211,
// 21610, 20429, 20003, ... or 500 for a server error without a code).
func (p *Provider) FailTo(number string, code int) {
	p.mu.Lock()
	p.errs[number] = code
	p.mu.Unlock()
}

// OnSend is called with every message accepted or refused.
func (p *Provider) OnSend(fn func(Received)) {
	p.mu.Lock()
	p.onSend = fn
	p.mu.Unlock()
}

// Received lists every message posted, in order.
func (p *Provider) Received() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Received(nil), p.received...)
}

// To lists the accepted messages to number.
func (p *Provider) To(number string) []Received {
	var out []Received
	for _, r := range p.Received() {
		if r.To == number && r.Code == 0 {
			out = append(out, r)
		}
	}
	return out
}

var errorText = map[int]struct {
	status int
	msg    string
}{
	20003: {401, "Authenticate"},
	20429: {429, "Too Many Requests"},
	21211: {400, "The 'To' number is not a valid phone number."},
	21408: {400, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"},
	21610: {400, "Attempt to send to unsubscribed recipient"},
	21614: {400, "'To' number is not a valid mobile number"},
	500:   {500, "Internal Server Error"},
}

func writeError(w http.ResponseWriter, code int) {
	e, ok := errorText[code]
	if !ok {
		e.status, e.msg = 400, "error"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	body := map[string]any{"code": code, "message": e.msg, "more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": e.status}
	if code == 500 {
		body["code"] = nil
	}
	_ = json.NewEncoder(w).Encode(body)
}

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	lat := p.latency
	p.mu.Unlock()
	if lat > 0 {
		time.Sleep(lat)
	}
	want := "/2010-04-01/Accounts/" + AccountSID + "/Messages.json"
	if r.Method != http.MethodPost || r.URL.Path != want {
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 20404, "message": "The requested resource " + r.URL.Path + " was not found", "status": 404})
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != AccountSID || pass != AuthToken {
		writeError(w, 20003)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, 21211)
		return
	}
	f := r.PostForm
	rec := Received{To: f.Get("To"), From: f.Get("From"), Body: f.Get("Body"), Service: f.Get("MessagingServiceSid"), StatusCallback: f.Get("StatusCallback"), At: time.Now()}
	p.mu.Lock()
	code := p.errs[rec.To]
	if code == 0 && !strings.HasPrefix(rec.To, "+") {
		code = 21211
	}
	if code == 0 {
		p.seq++
		rec.SID = fmt.Sprintf("SM%032x", p.seq)
	}
	rec.Code = code
	p.received = append(p.received, rec)
	on := p.onSend
	p.mu.Unlock()
	if on != nil {
		on(rec)
	}
	if code != 0 {
		writeError(w, code)
		return
	}
	_, segs := sms.Segments(rec.Body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sid": rec.SID, "account_sid": AccountSID, "status": "queued", "to": rec.To, "from": rec.From,
		"body": rec.Body, "num_segments": fmt.Sprint(segs), "error_code": nil, "error_message": nil,
		"direction": "outbound-api", "date_created": time.Now().UTC().Format(time.RFC1123Z),
	})
}

// Post sends a form callback to fullURL signed with token, as the
// provider does, and returns the HTTP status.
func Post(client *http.Client, fullURL, token string, form url.Values) (int, error) {
	req, err := http.NewRequest(http.MethodPost, fullURL, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(sms.SignatureHeader, sms.Sign(token, fullURL, form))
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// StatusForm is the status callback of message sid.
func StatusForm(sid, status string, errorCode int, to, from string) url.Values {
	f := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"AccountSid": {AccountSID}, "To": {to}, "From": {from}, "ApiVersion": {"2010-04-01"}}
	if errorCode != 0 {
		f.Set("ErrorCode", fmt.Sprint(errorCode))
	}
	return f
}

// InboundForm is an incoming SMS.
func InboundForm(sid, from, to, body string) url.Values {
	return url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {AccountSID}, "From": {from}, "To": {to},
		"Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"}, "ApiVersion": {"2010-04-01"}}
}

// SendStatus posts a signed status callback for an accepted message to
// the StatusCallback it was sent with.
func (p *Provider) SendStatus(sid, status string, errorCode int) (int, error) {
	for _, r := range p.Received() {
		if r.SID == sid {
			return Post(http.DefaultClient, r.StatusCallback, AuthToken, StatusForm(sid, status, errorCode, r.To, r.From))
		}
	}
	return 0, fmt.Errorf("no message %s was sent", sid)
}
