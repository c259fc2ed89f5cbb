// Package sms speaks the SMS provider's API (Twilio Programmable Messaging
// shape): sending with a pacer per sender, errors classified by code in
// one table, the signature of the provider's callbacks, delivery statuses
// kept monotonic, opt-out words and segment counting. It is Lifeline's
// fallback channel for people WhatsApp cannot reach; it knows nothing of
// broadcasts, the store or the HTTP server.
package sms

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// DefaultAPIURL is the provider's API base.
const DefaultAPIURL = "https://api.twilio.com"

// Config are the SMS settings. All empty means SMS is off.
type Config struct {
	AccountSID  string   // LIFELINE_SMS_ACCOUNT_SID
	AuthToken   string   // LIFELINE_SMS_AUTH_TOKEN: a secret, never logged
	From        []string // LIFELINE_SMS_FROM: sender numbers in E.164
	ServiceSID  string   // LIFELINE_SMS_SERVICE_SID: a messaging service instead of numbers
	CallbackURL string   // LIFELINE_SMS_CALLBACK_URL: the public base URL the provider calls
	Rate        float64  // LIFELINE_SMS_RATE: messages per second per sender (default 1)
	APIURL      string   // LIFELINE_SMS_API_URL: the API base (tests, sandbox)
}

// FromEnv reads the settings with getenv; a malformed number names the variable.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		AccountSID:  strings.TrimSpace(getenv("LIFELINE_SMS_ACCOUNT_SID")),
		AuthToken:   strings.TrimSpace(getenv("LIFELINE_SMS_AUTH_TOKEN")),
		ServiceSID:  strings.TrimSpace(getenv("LIFELINE_SMS_SERVICE_SID")),
		CallbackURL: strings.TrimSpace(getenv("LIFELINE_SMS_CALLBACK_URL")),
		APIURL:      strings.TrimSpace(getenv("LIFELINE_SMS_API_URL")),
	}
	for _, f := range strings.Split(getenv("LIFELINE_SMS_FROM"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			c.From = append(c.From, f)
		}
	}
	if v := strings.TrimSpace(getenv("LIFELINE_SMS_RATE")); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return c, fmt.Errorf("LIFELINE_SMS_RATE %q: want messages per second per sender, such as 1 or 0.5", v)
		}
		c.Rate = r
	}
	return c, nil
}

// Enabled says whether any SMS setting is given.
func (c *Config) Enabled() bool {
	return c.AccountSID != "" || c.AuthToken != "" || len(c.From) > 0 || c.ServiceSID != "" || c.CallbackURL != "" || c.APIURL != ""
}

var (
	e164Re       = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	accountSIDRe = regexp.MustCompile(`^(AC|SK)[0-9a-fA-F]{32}$`)
	serviceSIDRe = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
)

// Validate applies the defaults and names the first bad setting. A
// config with nothing set is valid: SMS is off.
func (c *Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	if c.Rate == 0 {
		c.Rate = 1
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	c.APIURL = strings.TrimRight(c.APIURL, "/")
	switch {
	case c.AccountSID == "":
		return errors.New("LIFELINE_SMS_ACCOUNT_SID: give the account SID (AC followed by 32 hex digits) or leave every LIFELINE_SMS_ setting empty to turn SMS off")
	case !accountSIDRe.MatchString(c.AccountSID):
		return fmt.Errorf("LIFELINE_SMS_ACCOUNT_SID %q: want AC (or SK) followed by 32 hex digits", c.AccountSID)
	case c.AuthToken == "":
		return errors.New("LIFELINE_SMS_AUTH_TOKEN: give the auth token; it also verifies the provider's callbacks")
	case len(c.From) == 0 && c.ServiceSID == "":
		return errors.New("LIFELINE_SMS_FROM: give sender numbers in E.164 (comma-separated), or LIFELINE_SMS_SERVICE_SID")
	case len(c.From) > 0 && c.ServiceSID != "":
		return errors.New("LIFELINE_SMS_FROM and LIFELINE_SMS_SERVICE_SID: give one of the two")
	case c.ServiceSID != "" && !serviceSIDRe.MatchString(c.ServiceSID):
		return fmt.Errorf("LIFELINE_SMS_SERVICE_SID %q: want MG followed by 32 hex digits", c.ServiceSID)
	case c.CallbackURL == "":
		return errors.New("LIFELINE_SMS_CALLBACK_URL: give the public base URL the provider calls back (such as https://lifeline.example.org); callbacks are verified against it")
	case c.Rate < 0 || c.Rate > 1000:
		return fmt.Errorf("LIFELINE_SMS_RATE %v: want more than 0 and at most 1000 messages per second per sender", c.Rate)
	}
	for _, f := range c.From {
		if !e164Re.MatchString(f) {
			return fmt.Errorf("LIFELINE_SMS_FROM %q: want a number in E.164 such as +15005550006", f)
		}
	}
	for name, raw := range map[string]string{"LIFELINE_SMS_CALLBACK_URL": c.CallbackURL, "LIFELINE_SMS_API_URL": c.APIURL} {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%s %q: want an absolute http or https URL", name, raw)
		}
	}
	c.CallbackURL = strings.TrimRight(c.CallbackURL, "/")
	return nil
}

// StatusURL and InboundURL are the callback URLs as the provider calls
// them: the signature covers them exactly.
func (c *Config) StatusURL() string  { return c.CallbackURL + StatusPath }
func (c *Config) InboundURL() string { return c.CallbackURL + InboundPath }

// The callback routes.
const (
	StatusPath  = "/sms/status"
	InboundPath = "/sms/inbound"
)

// E164 turns a WhatsApp wa_id (digits, country code first) into an E.164
// number, or reports that the person has none (a username-only user).
func E164(waID string) (string, bool) {
	n := "+" + strings.TrimPrefix(waID, "+")
	return n, e164Re.MatchString(n)
}
