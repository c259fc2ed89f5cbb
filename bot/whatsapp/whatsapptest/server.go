// Package whatsapptest is a fake WhatsApp Cloud API (Graph API messages
// endpoint) for tests of every package that sends: the engine, broadcasts,
// the CLI. It answers with the real success and error shapes, records every
// request, and lets a test inject failures, delays and hangs.
//
// Options make it stricter, the way a test of a sender should be: fail
// the test on a request nobody expected (Strict, AllowRecipients) and on
// a secret or a person's number in the logs the code under test wrote
// (LogSink, Secrets, PersonalData); and give it the Graph API's latency
// (WithLatency).
//
// It imports only the standard library and its latency model (not package
// whatsapp), so tests inside package whatsapp can use it without an
// import cycle.
package whatsapptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest/latency"
)

// Request is one recorded call: a send or read receipt to
// /{version}/{phone_number_id}/messages, or a media call (Kind "media",
// "download" or "upload"; see media.go).
type Request struct {
	PhoneNumberID string
	Version       string
	Body          map[string]any
	Raw           []byte
	Kind          string // "message", "read", "media", "download" or "upload"
	To            string // "to" of a message; empty for read
	Time          time.Time
}

// Response controls one answer. The zero value is the normal success.
//
//   - Code != 0: the Graph error JSON for Code, with Status (default 400).
//   - Code == 0 and Status >= 400: a plain-text body with no JSON, like a
//     load balancer's 502 (use Body with ErrorBody(0, ...) for the real
//     code-0 AuthException).
//   - Body, when set, is sent as-is with Status (default 200).
//   - Delay waits before answering; Hang never answers until the client
//     gives up or the test ends.
//   - Hold, when not nil, holds the answer until the test closes it, the
//     client gives up (a request it cancelled) or the test ends: a send
//     at the Graph API for as long as the test decides, without a clock.
type Response struct {
	Status int
	Code   int
	Delay  time.Duration
	Hang   bool
	Hold   <-chan struct{}
	Body   []byte
}

// Server is the fake Graph API. Safe for concurrent use.
type Server struct {
	URL string

	srv  *httptest.Server
	done chan struct{} // closed at cleanup to release hanging handlers
	seq  atomic.Uint64

	t       testing.TB
	strict  bool
	allowed map[string]bool // recipients a message may go to; nil for anyone
	secrets []string        // must never appear in the captured logs
	private []string        // personal data: never in the captured logs either
	latency *latency.Sampler
	logs    *logSink

	mu        sync.Mutex
	token     string
	requests  []Request
	messages  int
	changed   chan struct{} // closed and replaced on every recorded request
	failN     int
	failResp  Response
	responder func(Request) Response

	// The template list (GET /{version}/{waba_id}/message_templates).
	templates     []map[string]any
	templatePage  int
	templateCalls []string // the after cursor of each call ("" for the first page)
	templateFail  int
	templateResp  Response
	media         map[string]File
	mediaFail     map[string]mediaFailure
	uploadFailN   int
	uploadFail    Response
	uploads       []File
}

// Option makes the fake stricter or slower.
type Option func(*Server)

// Strict fails the test on a request to anything but POST
// /{version}/{phone_number_id}/messages and the media endpoints, on a send
// whose body is not the JSON of a send, and on media the test did not add: code under test that calls what it should not is a bug even
// when it copes with the error answer.
func Strict() Option { return func(s *Server) { s.strict = true } }

// AllowRecipients fails the test on a message to anyone else (read
// receipts, which name no recipient, pass). It implies Strict.
func AllowRecipients(to ...string) Option {
	return func(s *Server) {
		s.strict = true
		if s.allowed == nil {
			s.allowed = map[string]bool{}
		}
		for _, r := range to {
			s.allowed[r] = true
		}
	}
}

// Secrets names strings that must never appear in the captured logs (an
// app secret, a verify token); the access token given to SetToken is one
// already.
func Secrets(v ...string) Option { return func(s *Server) { s.secrets = append(s.secrets, v...) } }

// PersonalData names strings that must never appear in the captured logs
// (message texts, names); every recipient's number is one already.
func PersonalData(v ...string) Option { return func(s *Server) { s.private = append(s.private, v...) } }

// WithLatency delays every answer by a draw from m, before any Delay a
// Response adds: the Graph API's own latency.
func WithLatency(m latency.Model) Option {
	return func(s *Server) {
		if !m.IsZero() {
			s.latency = m.Sampler()
		}
	}
}

// NewServer starts a fake on loopback, closed with t.Cleanup. When the
// test ends, the logs written to LogSink are checked.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, done: make(chan struct{}), changed: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		close(s.done)
		s.srv.Close()
		s.CheckLogs()
	})
	return s
}

// unexpected fails the test when the fake is strict.
func (s *Server) unexpected(format string, args ...any) {
	if s.strict {
		s.t.Errorf("whatsapptest: unexpected request: "+format, args...)
	}
}

// SetToken makes the server require "Authorization: Bearer token"; a wrong
// or missing token gets the real 401 / code 190 answer. Empty disables it.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	s.token = token
	s.mu.Unlock()
}

// FailNext makes the next n message sends (not mark-read) answer httpStatus
// with the Graph error JSON for code.
func (s *Server) FailNext(n int, httpStatus, code int) {
	s.mu.Lock()
	s.failN, s.failResp = n, Response{Status: httpStatus, Code: code}
	s.mu.Unlock()
}

// SetResponder gives full control over answers (after any FailNext). nil
// restores the default success.
func (s *Server) SetResponder(f func(r Request) Response) {
	s.mu.Lock()
	s.responder = f
	s.mu.Unlock()
}

// Requests returns every accepted request, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Messages returns the sends only (no mark-read), in arrival order.
func (s *Server) Messages() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked()
}

func (s *Server) messagesLocked() []Request {
	out := make([]Request, 0, s.messages)
	for _, r := range s.requests {
		if r.Kind == "message" {
			out = append(out, r)
		}
	}
	return out
}

// WaitMessages blocks until at least n sends arrived and returns them all;
// it fails the test after timeout. It waits on a signal, not by polling.
func (s *Server) WaitMessages(t testing.TB, n int, timeout time.Duration) []Request {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.messages >= n {
			out := s.messagesLocked()
			s.mu.Unlock()
			return out
		}
		changed, got := s.changed, s.messages
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("whatsapptest: got %d messages after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Path: /{version}/{phone_number_id}/messages
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method == http.MethodGet && len(parts) == 3 && parts[2] == "message_templates" && parts[0] != "" && parts[1] != "" {
		s.serveTemplates(w, r)
		return
	}
	if s.serveMedia(w, r, parts) {
		return
	}
	if r.Method != http.MethodPost || len(parts) != 3 || parts[2] != "messages" || parts[0] == "" || parts[1] == "" {
		s.unexpected("%s %s", r.Method, r.URL.Path)
		writeJSON(w, http.StatusBadRequest, ErrorBody(100, "Unsupported request: "+r.Method+" "+r.URL.Path))
		return
	}
	s.mu.Lock()
	token := s.token
	s.mu.Unlock()
	if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
		writeJSON(w, http.StatusUnauthorized, ErrorBody(190, "Error validating access token."))
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return
	}
	var body map[string]any
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal(raw, &body) != nil || body["messaging_product"] != "whatsapp" {
		s.unexpected("%s %s: not the JSON of a send (Content-Type %q)", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		writeJSON(w, http.StatusBadRequest, ErrorBody(100, "Invalid parameter: body must be JSON with messaging_product whatsapp."))
		return
	}
	req := Request{Version: parts[0], PhoneNumberID: parts[1], Body: body, Raw: raw, Kind: "message", Time: time.Now()}
	if body["status"] == "read" {
		req.Kind = "read"
	}
	if to, ok := body["to"].(string); ok {
		req.To = to
	}
	if req.Kind == "message" && s.allowed != nil && !s.allowed[req.To] {
		// The number itself is not printed: test output is a log too.
		s.unexpected("a message to a recipient the test did not allow (%d digits, ending %s)", len(digits(req.To)), tail(req.To))
	}
	resp := s.record(req)
	if s.latency != nil {
		resp.Delay += s.latency.Next()
	}

	if !s.wait(r, resp) {
		return
	}
	switch {
	case resp.Body != nil:
		writeJSON(w, statusOr(resp.Status, http.StatusOK), resp.Body)
	case resp.Code != 0:
		writeJSON(w, statusOr(resp.Status, http.StatusBadRequest), ErrorBody(resp.Code, ""))
	case resp.Status >= 400:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(resp.Status)
		io.WriteString(w, http.StatusText(resp.Status))
	case req.Kind == "read":
		writeJSON(w, statusOr(resp.Status, http.StatusOK), []byte(`{"success":true}`))
	default:
		writeJSON(w, statusOr(resp.Status, http.StatusOK), s.success(req))
	}
}

// wait holds an answer for resp's Delay, until its Hold is closed, or for
// ever when it Hangs; false when the client gave up or the server closed
// first.
func (s *Server) wait(r *http.Request, resp Response) bool {
	if resp.Hold != nil {
		select {
		case <-resp.Hold:
		case <-r.Context().Done():
			return false
		case <-s.done:
			return false
		}
		resp.Hold = nil
	}
	if resp.Delay <= 0 && !resp.Hang {
		return true
	}
	var wait <-chan time.Time
	if !resp.Hang {
		t := time.NewTimer(resp.Delay)
		defer t.Stop()
		wait = t.C
	}
	select {
	case <-wait:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// record stores req, wakes waiters and decides the answer.
func (s *Server) record(req Request) Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if req.Kind == "message" {
		s.messages++
	}
	close(s.changed)
	s.changed = make(chan struct{})
	if req.Kind == "message" && s.failN > 0 {
		s.failN--
		return s.failResp
	}
	if req.Kind == "upload" && s.uploadFailN > 0 {
		s.uploadFailN--
		return s.uploadFail
	}
	if s.responder != nil && (req.Kind == "message" || req.Kind == "read") {
		return s.responder(req)
	}
	return Response{}
}

// success is the real send answer (reference §4.10) with a unique wamid.
func (s *Server) success(req Request) []byte {
	type contact struct {
		Input string `json:"input"`
		WaID  string `json:"wa_id"`
	}
	type message struct {
		ID            string `json:"id"`
		MessageStatus string `json:"message_status,omitempty"`
	}
	out := struct {
		MessagingProduct string    `json:"messaging_product"`
		Contacts         []contact `json:"contacts"`
		Messages         []message `json:"messages"`
	}{
		MessagingProduct: "whatsapp",
		Contacts:         []contact{{Input: req.To, WaID: digits(req.To)}},
		Messages:         []message{{ID: fmt.Sprintf("wamid.FAKE%012d", s.seq.Add(1))}},
	}
	if req.Body["type"] == "template" {
		out.Messages[0].MessageStatus = "accepted"
	}
	b, _ := json.Marshal(out)
	return b
}

// ErrorBody is the Graph API error JSON for code (reference §4.11). An
// empty details uses the code's usual description.
func ErrorBody(code int, details string) []byte {
	title := codeTitle(code)
	if details == "" {
		details = title + "."
	}
	type errorData struct {
		MessagingProduct string `json:"messaging_product"`
		Details          string `json:"details"`
	}
	type graphError struct {
		Message   string    `json:"message"`
		Type      string    `json:"type"`
		Code      int       `json:"code"`
		ErrorData errorData `json:"error_data"`
		FBTraceID string    `json:"fbtrace_id"`
	}
	b, _ := json.Marshal(struct {
		Error graphError `json:"error"`
	}{graphError{
		Message:   fmt.Sprintf("(#%d) %s", code, title),
		Type:      "OAuthException",
		Code:      code,
		ErrorData: errorData{MessagingProduct: "whatsapp", Details: details},
		FBTraceID: "AFAKEtrace" + fmt.Sprint(code),
	}})
	return b
}

// codeTitle is the usual title of common codes; only for realistic logs.
func codeTitle(code int) string {
	switch code {
	case 0:
		return "AuthException"
	case 4:
		return "API Too Many Calls"
	case 100:
		return "Invalid parameter"
	case 190:
		return "Access token has expired"
	case 368:
		return "Temporarily blocked for policies violations"
	case 130429:
		return "Rate limit hit"
	case 131000:
		return "Something went wrong"
	case 131026:
		return "Message undeliverable"
	case 131047:
		return "Re-engagement message"
	case 131048:
		return "Spam rate limit hit"
	case 131049:
		return "This message was not delivered to maintain healthy ecosystem engagement"
	case 131051:
		return "Unsupported message type"
	case 131052:
		return "Media download error"
	case 131053:
		return "Media upload error"
	case 131056:
		return "(Business Account, Consumer Account) pair rate limit hit"
	case 132001:
		return "Template name does not exist in the translation"
	case 132015:
		return "Template is Paused"
	}
	return "Error"
}

func statusOr(s, def int) int {
	if s == 0 {
		return def
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func tail(s string) string {
	d := digits(s)
	return d[max(0, len(d)-2):]
}

// LogSink is a writer for the logs of the code under test (give it to
// the logger, beside any other output). Everything written to it is
// checked when the test ends, or earlier by CheckLogs.
func (s *Server) LogSink() io.Writer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.logs == nil {
		s.logs = &logSink{}
	}
	return s.logs
}

// CheckLogs fails the test for every line of the captured logs that holds
// the access token, a secret, personal data, or the number of anyone the
// fake was asked to send to; it reports the line's number and what kind of
// thing it holds, not the thing. It is called when the test ends.
func (s *Server) CheckLogs() {
	s.mu.Lock()
	sink := s.logs
	type needle struct{ kind, v string }
	var needles []needle
	if s.token != "" {
		needles = append(needles, needle{"the access token", s.token})
	}
	for _, v := range s.secrets {
		needles = append(needles, needle{"a secret", v})
	}
	for _, v := range s.private {
		needles = append(needles, needle{"personal data", v})
	}
	numbers := map[string]bool{}
	for to := range s.allowed {
		numbers[digits(to)] = true
	}
	for _, r := range s.requests {
		if d := digits(r.To); d != "" {
			numbers[d] = true
		}
	}
	s.mu.Unlock()
	if sink == nil {
		return
	}
	for n := range numbers {
		// Short ids are not phone numbers (a test's "1"); a real number
		// has at least eight digits.
		if len(n) >= 8 {
			needles = append(needles, needle{"an unmasked phone number", n})
		}
	}
	s.t.Helper()
	lines, first := sink.unchecked()
	for i, line := range lines {
		for _, n := range needles {
			if n.v != "" && bytes.Contains(line, []byte(n.v)) {
				s.t.Errorf("whatsapptest: log line %d holds %s (%d characters)", first+i, n.kind, len(n.v))
			}
		}
	}
}

// logSink keeps what the code under test logged.
type logSink struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	checked int // bytes of whole lines already checked
	lines   int // lines already checked
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// unchecked returns the whole lines not checked yet and the number of the
// first, and counts them as checked.
func (l *logSink) unchecked() ([][]byte, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf.Bytes()[l.checked:]
	end := bytes.LastIndexByte(b, '\n') + 1
	if end == 0 {
		return nil, l.lines + 1
	}
	lines := bytes.Split(bytes.Clone(b[:end-1]), []byte("\n"))
	first := l.lines + 1
	l.checked += end
	l.lines += len(lines)
	return lines, first
}
