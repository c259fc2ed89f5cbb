package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Message is one SMS to send.
type Message struct {
	To   string // E.164
	Body string
	// From is the sender the pacer gave (one of Client.Senders); "" takes
	// the first.
	From string
}

// Sent is the provider's answer to an accepted message.
type Sent struct {
	SID      string
	Status   string
	Segments int
}

// Client sends SMS through the provider's API.
type Client struct {
	cfg   Config
	http  *http.Client
	log   zerolog.Logger
	pacer *Pacer
}

// Options are the client's collaborators.
type Options struct {
	HTTP   *http.Client // default: 15 s timeout
	Logger zerolog.Logger
	// Clock and Sleep drive the pacer; nil for the real clock (tests move it).
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// New builds a client from a validated config.
func New(cfg Config, o Options) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return nil, errors.New("sms: no settings given")
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	c := &Client{cfg: cfg, http: o.HTTP, log: o.Logger.With().Str("comp", "sms").Logger()}
	c.pacer = NewPacer(c.Senders(), cfg.Rate, o.Clock, o.Sleep)
	return c, nil
}

// Config is the client's validated configuration.
func (c *Client) Config() Config { return c.cfg }

// Senders are the senders the pacer paces: the numbers, or the messaging
// service as one sender.
func (c *Client) Senders() []string {
	if c.cfg.ServiceSID != "" {
		return []string{c.cfg.ServiceSID}
	}
	return append([]string(nil), c.cfg.From...)
}

// Workers is how many sends each sender should keep in flight: one
// send at a time holds a sender's rate only while the API answers within
// the interval between two messages, so a faster sender needs more (as
// many as its rate in messages per second, at most 32).
func (c *Client) Workers() int { return min(32, max(1, int(math.Ceil(c.cfg.Rate)))) }

// Send waits for the sender's pace, then posts the message. A failure is
// an *Error: its Action says what to do, Unknown that it may have gone out.
func (c *Client) Send(ctx context.Context, m Message) (Sent, error) {
	from := m.From
	if from == "" {
		from = c.Senders()[0]
	}
	if err := c.pacer.Wait(ctx, from); err != nil {
		return Sent{}, &Error{Err: fmt.Errorf("wait for sender pace: %w", err)}
	}
	form := url.Values{"To": {m.To}, "Body": {m.Body}, "StatusCallback": {c.cfg.StatusURL()}}
	if c.cfg.ServiceSID != "" {
		form.Set("MessagingServiceSid", c.cfg.ServiceSID)
	} else {
		form.Set("From", from)
	}
	endpoint := c.cfg.APIURL + "/2010-04-01/Accounts/" + url.PathEscape(c.cfg.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return Sent{}, &Error{Err: fmt.Errorf("build request: %w", err)}
	}
	req.SetBasicAuth(c.cfg.AccountSID, c.cfg.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		// The request may have reached the provider.
		return Sent{}, &Error{Unknown: true, Err: fmt.Errorf("post message: %w", err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Sent{}, &Error{HTTPStatus: resp.StatusCode, Unknown: resp.StatusCode < 300, Err: fmt.Errorf("read answer: %w", err)}
	}
	if resp.StatusCode >= 300 {
		var pe struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &pe) // a body that is not the error JSON leaves the HTTP status to decide
		e := &Error{HTTPStatus: resp.StatusCode, Code: pe.Code, Message: pe.Message}
		c.log.Warn().Int("http", resp.StatusCode).Int("code", pe.Code).Str("action", e.Action().String()).Msg("sms send refused")
		return Sent{}, e
	}
	var ok struct {
		SID         string          `json:"sid"`
		Status      string          `json:"status"`
		NumSegments json.RawMessage `json:"num_segments"`
	}
	if err := json.Unmarshal(body, &ok); err != nil || ok.SID == "" {
		return Sent{}, &Error{HTTPStatus: resp.StatusCode, Unknown: true, Err: fmt.Errorf("answer without a message sid: %.200s", body)}
	}
	segs, _ := strconv.Atoi(strings.Trim(string(ok.NumSegments), `"`))
	c.log.Debug().Str("sid", ok.SID).Str("status", ok.Status).Int("segments", segs).Msg("sms accepted")
	return Sent{SID: ok.SID, Status: ok.Status, Segments: segs}, nil
}
