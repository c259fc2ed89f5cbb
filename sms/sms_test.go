package sms_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"lifeline/sms"
	"lifeline/sms/smstest"
)

func TestSignature(t *testing.T) {
	// The provider documentation's own example: token 12345, the URL with
	// its query, the parameters sorted by name and concatenated.
	docParams := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	// An independent computation over the concatenation written out by hand.
	hand := func(token, data string) string {
		m := hmac.New(sha1.New, []byte(token))
		m.Write([]byte(data))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	statusParams := smstest.StatusForm("SM1", "delivered", 0, "+447700900123", "+15005550006")
	statusData := "https://lifeline.example.org/sms/status" +
		"AccountSid" + smstest.AccountSID + "ApiVersion2010-04-01" + "From+15005550006" + "MessageSidSM1" +
		"MessageStatusdelivered" + "SmsSidSM1" + "SmsStatusdelivered" + "To+447700900123"
	cases := []struct {
		name, token, url string
		params           url.Values
		sig              string
		want             error
	}{
		{"documented vector", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", docParams, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", nil},
		{"hand-computed status callback", "tok", "https://lifeline.example.org/sms/status", statusParams, hand("tok", statusData), nil},
		{"missing signature", "tok", "https://lifeline.example.org/sms/status", statusParams, "", sms.ErrNoSignature},
		{"wrong token", "other", "https://lifeline.example.org/sms/status", statusParams, hand("tok", statusData), sms.ErrBadSignature},
		{"other URL (the provider called another host)", "tok", "http://internal:8080/sms/status", statusParams, hand("tok", statusData), sms.ErrBadSignature},
		{"a changed parameter", "tok", "https://lifeline.example.org/sms/status",
			smstest.StatusForm("SM1", "failed", 0, "+447700900123", "+15005550006"), hand("tok", statusData), sms.ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := sms.Verify(c.token, c.url, c.params, c.sig); !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		name       string
		http, code int
		want       sms.Action
	}{
		{"authentication failed", 401, 20003, sms.ActionAlert},
		{"too many requests", 429, 20429, sms.ActionRetry},
		{"HTTP 429 without a code", 429, 0, sms.ActionRetry},
		{"invalid To", 400, 21211, sms.ActionRecipientFailed},
		{"region not enabled", 400, 21408, sms.ActionAlert},
		{"recipient replied STOP", 400, 21610, sms.ActionOptedOut},
		{"not a mobile number", 400, 21614, sms.ActionRecipientFailed},
		{"server error", 500, 0, sms.ActionRetry},
		{"bad gateway", 502, 0, sms.ActionRetry},
		{"network failure", 0, 0, sms.ActionRetry},
		{"unknown 4xx code is final, not retried", 400, 29999, sms.ActionRecipientFailed},
		{"401 without a code", 401, 0, sms.ActionAlert},
	}
	for _, c := range cases {
		if got := sms.Classify(c.http, c.code); got != c.want {
			t.Errorf("%s: Classify(%d, %d) = %s, want %s", c.name, c.http, c.code, got, c.want)
		}
	}
}

func TestSegments(t *testing.T) {
	cases := []struct {
		name, text string
		enc        string
		segs       int
	}{
		{"empty", "", sms.GSM7, 1},
		{"160 GSM-7 characters fit one", strings.Repeat("a", 160), sms.GSM7, 1},
		{"161 take two of 153", strings.Repeat("a", 161), sms.GSM7, 2},
		{"306 take two", strings.Repeat("a", 306), sms.GSM7, 2},
		{"307 take three", strings.Repeat("a", 307), sms.GSM7, 3},
		{"extension characters count twice", strings.Repeat("€", 80), sms.GSM7, 1},
		{"81 euro signs are 162 septets", strings.Repeat("€", 81), sms.GSM7, 2},
		{"accents of the GSM set", "Évacuez: é è à ù ñ ü", sms.GSM7, 1},
		{"70 Arabic letters fit one", strings.Repeat("ب", 70), sms.UCS2, 1},
		{"71 take two of 67", strings.Repeat("ب", 71), sms.UCS2, 2},
		{"134 take two", strings.Repeat("ب", 134), sms.UCS2, 2},
		{"135 take three", strings.Repeat("ب", 135), sms.UCS2, 3},
		{"one non-GSM character makes all UCS-2", strings.Repeat("a", 69) + "ç", sms.UCS2, 1},
		{"an emoji is two UTF-16 units", strings.Repeat("a", 69) + "🚨", sms.UCS2, 2},
	}
	for _, c := range cases {
		enc, n := sms.Segments(c.text)
		if enc != c.enc || n != c.segs {
			t.Errorf("%s: Segments = %s %d, want %s %d", c.name, enc, n, c.enc, c.segs)
		}
	}
}

func TestAdvanceStatusIsMonotonic(t *testing.T) {
	cases := []struct{ cur, next, want string }{
		{"", "queued", "queued"},
		{"queued", "sending", "sending"},
		{"sent", "sending", "sent"},
		{"sent", "delivered", "delivered"},
		{"delivered", "sent", "delivered"},
		{"delivered", "failed", "delivered"},
		{"sent", "undelivered", "undelivered"},
		{"undelivered", "delivered", "undelivered"},
		{"failed", "queued", "failed"},
		{"sent", "read", "sent"}, // not an SMS status
	}
	for _, c := range cases {
		if got, _ := sms.AdvanceStatus(c.cur, c.next); got != c.want {
			t.Errorf("AdvanceStatus(%q, %q) = %q, want %q", c.cur, c.next, got, c.want)
		}
	}
}

func TestKeyword(t *testing.T) {
	cases := map[string]string{"STOP": "stop", " stop ": "stop", "Unsubscribe": "stop", "cancel": "stop", "END": "stop",
		"quit!": "stop", "STOPALL": "stop", "start": "start", "UNSTOP": "start", "stop sending me this": "", "help": ""}
	for in, want := range cases {
		if got := sms.Keyword(in); got != want {
			t.Errorf("Keyword(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigValidateNamesTheSetting(t *testing.T) {
	ok := sms.Config{AccountSID: "AC" + strings.Repeat("a", 32), AuthToken: "t", From: []string{"+15005550006"}, CallbackURL: "https://x.example"}
	cases := []struct {
		name string
		edit func(c *sms.Config)
		want string
	}{
		{"all empty is off", func(c *sms.Config) { *c = sms.Config{} }, ""},
		{"valid", func(c *sms.Config) {}, ""},
		{"no account", func(c *sms.Config) { c.AccountSID = "" }, "LIFELINE_SMS_ACCOUNT_SID"},
		{"bad account", func(c *sms.Config) { c.AccountSID = "AC1" }, "LIFELINE_SMS_ACCOUNT_SID"},
		{"no token", func(c *sms.Config) { c.AuthToken = "" }, "LIFELINE_SMS_AUTH_TOKEN"},
		{"no sender", func(c *sms.Config) { c.From = nil }, "LIFELINE_SMS_FROM"},
		{"bad sender", func(c *sms.Config) { c.From = []string{"0044 7700"} }, "LIFELINE_SMS_FROM"},
		{"both senders", func(c *sms.Config) { c.ServiceSID = "MG" + strings.Repeat("0", 32) }, "LIFELINE_SMS_SERVICE_SID"},
		{"no callback", func(c *sms.Config) { c.CallbackURL = "" }, "LIFELINE_SMS_CALLBACK_URL"},
		{"relative callback", func(c *sms.Config) { c.CallbackURL = "/sms" }, "LIFELINE_SMS_CALLBACK_URL"},
		{"bad rate", func(c *sms.Config) { c.Rate = -1 }, "LIFELINE_SMS_RATE"},
	}
	for _, c := range cases {
		cfg := ok
		cfg.From = append([]string(nil), ok.From...)
		c.edit(&cfg)
		err := cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want it to name %s", c.name, err, c.want)
		case err != nil && strings.Contains(err.Error(), "t\""):
			t.Errorf("%s: the error shows the token: %v", c.name, err)
		}
	}
}

func TestClientAgainstFakeProvider(t *testing.T) {
	p := smstest.New()
	defer p.Close()
	p.FailTo("+447700900002", 21211)
	p.FailTo("+447700900003", 20429)
	p.FailTo("+447700900004", 21610)
	p.FailTo("+447700900005", 500)
	c, err := sms.New(p.Config("https://lifeline.example.org"), sms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := c.Send(context.Background(), sms.Message{To: "+447700900001", Body: strings.Repeat("x", 200)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sent.SID, "SM") || sent.Status != "queued" || sent.Segments != 2 {
		t.Fatalf("sent = %+v", sent)
	}
	got := p.To("+447700900001")
	if len(got) != 1 || got[0].From != "+15005550006" || got[0].StatusCallback != "https://lifeline.example.org/sms/status" {
		t.Fatalf("provider received %+v", got)
	}
	for to, want := range map[string]sms.Action{"+447700900002": sms.ActionRecipientFailed, "+447700900003": sms.ActionRetry,
		"+447700900004": sms.ActionOptedOut, "+447700900005": sms.ActionRetry} {
		_, err := c.Send(context.Background(), sms.Message{To: to, Body: "hi"})
		var se *sms.Error
		if !errors.As(err, &se) || se.Action() != want || se.Unknown {
			t.Errorf("send to %s: err = %v, want action %s", to, err, want)
		}
	}
	bad := p.Config("https://lifeline.example.org")
	bad.AuthToken = "wrong"
	bc, _ := sms.New(bad, sms.Options{})
	_, err = bc.Send(context.Background(), sms.Message{To: "+447700900001", Body: "hi"})
	var se *sms.Error
	if !errors.As(err, &se) || se.Code != 20003 || se.Action() != sms.ActionAlert || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("bad credentials: %v", err)
	}
}

// TestPacerHoldsTheRate sends through one sender on a fake clock: the
// time the sends span is the configured rate's, within 2%.
func TestPacerHoldsTheRate(t *testing.T) {
	for _, rate := range []float64{1, 0.5, 10} {
		now := time.Unix(1_700_000_000, 0)
		clock := func() time.Time { return now }
		sleep := func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil }
		p := sms.NewPacer([]string{"+15005550006", "+15005550007"}, rate, clock, sleep)
		start := now
		const n = 200
		for i := 0; i < n; i++ {
			if err := p.Wait(context.Background(), "+15005550006"); err != nil {
				t.Fatal(err)
			}
		}
		got := float64(n-1) / now.Sub(start).Seconds()
		if math.Abs(got-rate)/rate > 0.02 {
			t.Errorf("rate %v: measured %.4f messages/s", rate, got)
		}
		// The other sender has its own budget: its first send waits for nothing.
		before := now
		_ = p.Wait(context.Background(), "+15005550007")
		if now != before {
			t.Errorf("rate %v: the second sender waited %s", rate, now.Sub(before))
		}
	}
}
