package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client defaults. The version is pinned in configuration in production;
// the default only keeps tests and quick starts short.
const (
	DefaultBaseURL = "https://graph.facebook.com"
	DefaultVersion = "v23.0"
	DefaultTimeout = 10 * time.Second
	// maxResponse caps how much of a response is read: Graph answers are a
	// few hundred bytes, a misbehaving proxy should not exhaust memory.
	maxResponse = 1 << 20
)

// ClientConfig configures a Client. Zero fields take the defaults above; a
// nil HTTP uses a dedicated http.Client (never http.DefaultClient, which
// other code may modify).
type ClientConfig struct {
	BaseURL     string
	Version     string
	AccessToken string
	HTTP        *http.Client
	Timeout     time.Duration // per request, on top of any deadline in ctx
}

// Client sends messages through the Cloud API. It is safe for concurrent use
// and holds no state beyond its configuration.
type Client struct {
	base    string
	version string
	token   string
	http    *http.Client
	timeout time.Duration
}

// SendResult is the accepted-for-processing answer; delivery comes later in
// status webhooks keyed by MessageID.
type SendResult struct {
	MessageID     string // wamid: store it to match status webhooks
	WaID          string // normalised recipient, may differ from the input
	MessageStatus string // templates: "accepted" or "held_for_quality_assessment"
}

// NewClient builds a Client from cfg.
func NewClient(cfg ClientConfig) *Client {
	c := &Client{
		base:    strings.TrimRight(cfg.BaseURL, "/"),
		version: strings.Trim(cfg.Version, "/"),
		token:   cfg.AccessToken,
		http:    cfg.HTTP,
		timeout: cfg.Timeout,
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.version == "" {
		c.version = DefaultVersion
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c
}

// Send posts o to {BaseURL}/{Version}/{phoneNumberID}/messages. o must be
// valid (see Normalize, Validate); an invalid o fails with ActionFixRequest
// before anything is sent. Every error is a *SendError.
func (c *Client) Send(ctx context.Context, phoneNumberID string, o Outbound) (SendResult, error) {
	body, err := MarshalPayload(o)
	if err != nil {
		return SendResult{}, &SendError{Action: ActionFixRequest, Err: err}
	}
	var resp struct {
		Contacts []struct {
			WaID string `json:"wa_id"`
		} `json:"contacts"`
		Messages []struct {
			ID            string `json:"id"`
			MessageStatus string `json:"message_status"`
		} `json:"messages"`
	}
	status, err := c.post(ctx, phoneNumberID, body, &resp)
	if err != nil {
		return SendResult{}, err
	}
	if len(resp.Messages) == 0 || resp.Messages[0].ID == "" {
		// A 2xx without a wamid: the message was probably accepted but we
		// cannot track it, so treat the outcome as unknown.
		return SendResult{}, &SendError{HTTPStatus: status, Timeout: true, Action: ActionRetry,
			Message: "success response without message id"}
	}
	r := SendResult{MessageID: resp.Messages[0].ID, MessageStatus: resp.Messages[0].MessageStatus}
	if len(resp.Contacts) > 0 {
		r.WaID = resp.Contacts[0].WaID
	}
	return r, nil
}

// MarkRead marks messageID (and earlier messages in the thread) as read;
// typing also shows "typing…" until the reply or for 25 s. Errors are
// *SendError, usually not worth retrying: a lost read receipt is cosmetic.
func (c *Client) MarkRead(ctx context.Context, phoneNumberID, messageID string, typing bool) error {
	body, err := markReadPayload(messageID, typing)
	if err != nil {
		return &SendError{Action: ActionFixRequest, Err: err}
	}
	var resp struct {
		Success bool `json:"success"`
	}
	_, err = c.post(ctx, phoneNumberID, body, &resp)
	return err
}

// post sends body and decodes a 2xx answer into out. Failures become
// *SendError with the Action decided here, in one place.
func (c *Client) post(ctx context.Context, phoneNumberID string, body []byte, out any) (int, error) {
	if strings.TrimSpace(phoneNumberID) == "" {
		return 0, &SendError{Action: ActionFixRequest, Err: invalid("empty phone number id")}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := c.base + "/" + c.version + "/" + url.PathEscape(phoneNumberID) + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, &SendError{Action: ActionFixRequest, Err: fmt.Errorf("build request: %w", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)

	res, err := c.http.Do(req)
	if err != nil {
		return 0, c.transportError(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		// The server answered but the body was cut: for a 2xx the message
		// went out, for an error we cannot tell which.
		return res.StatusCode, c.transportError(fmt.Errorf("read response: %w", err))
	}
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, &SendError{HTTPStatus: res.StatusCode, Timeout: true, Action: ActionRetry,
				Message: "undecodable success response", Err: err}
		}
		return res.StatusCode, nil
	}
	return res.StatusCode, c.responseError(res.StatusCode, raw)
}

// transportError: no HTTP answer. A failed dial never reached Meta, so it is
// a plain retry; anything later (timeouts, resets) leaves the outcome
// unknown because the API has no idempotency key.
func (c *Client) transportError(err error) *SendError {
	e := &SendError{Action: ActionRetry, Timeout: true, Err: c.redactErr(err)}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		e.Timeout = false
	}
	return e
}

// responseError decodes the Graph error shape (reference §4.11) and
// classifies by code; the HTTP status only decides when no code came back.
func (c *Client) responseError(status int, raw []byte) *SendError {
	var env struct {
		Error *struct {
			Message   string `json:"message"`
			Type      string `json:"type"`
			Code      *int   `json:"code"`
			Subcode   int    `json:"error_subcode"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
			FBTraceID string `json:"fbtrace_id"`
		} `json:"error"`
	}
	e := &SendError{HTTPStatus: status}
	if json.Unmarshal(raw, &env) == nil && env.Error != nil && env.Error.Code != nil {
		g := env.Error
		e.HasCode = true
		e.Code, e.Subcode = *g.Code, g.Subcode
		e.Message, e.Details = c.redact(g.Message), c.redact(g.ErrorData.Details)
		e.Type, e.FBTraceID = c.redact(g.Type), c.redact(g.FBTraceID)
		e.Action = Classify(e.Code)
		return e
	}
	e.Message = http.StatusText(status)
	switch {
	case status >= 500:
		e.Action = ActionRetry
	case status == http.StatusTooManyRequests:
		e.Action = ActionThrottleNumber
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Action = ActionAlertAdmin
	default:
		e.Action = ActionFixRequest
	}
	return e
}

// redact removes the access token from text that came back from the
// network, in case a proxy or a misbehaving server echoes the request.
func (c *Client) redact(s string) string {
	if c.token == "" || !strings.Contains(s, c.token) {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

func (c *Client) redactErr(err error) error {
	if c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return redactedError{msg: c.redact(err.Error()), err: err}
}

// redactedError keeps errors.Is/As working (context.DeadlineExceeded, net
// errors) while its message no longer carries the token.
type redactedError struct {
	msg string
	err error
}

func (r redactedError) Error() string { return r.msg }
func (r redactedError) Unwrap() error { return r.err }
