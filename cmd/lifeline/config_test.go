package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeline/kb"
)

// envOf is a lookup over m, as os.LookupEnv over the environment: a key
// present with an empty value is set.
// loadSetting loads the configuration from env and validates it, as
// start does. With wantErr set it checks that loading failed naming it
// and returns ok false; otherwise it fails the test on any error.
func loadSetting(t *testing.T, env map[string]string, wantErr string) (c Config, ok bool) {
	t.Helper()
	c, err := loadConfig(nil, envOf(env))
	if err == nil {
		err = c.Validate()
	}
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err = %v, want one naming %s", err, wantErr)
		}
		return c, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, true
}

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConfigFromEnvironment(t *testing.T) {
	creds := map[string]string{"WA_ACCESS_TOKEN": "tok", "WA_PHONE_NUMBER_ID": "106540352242922", "WA_APP_SECRET": "s", "WA_VERIFY_TOKEN": "v"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range creds {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	thesDir := t.TempDir()
	notADir := filepath.Join(thesDir, "th_en_US_v2.idx")
	if err := os.WriteFile(notADir, []byte("UTF-8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	thesaurus := func(want string) func(*testing.T, Config) {
		return func(t *testing.T, c Config) {
			if c.ThesaurusDir != want {
				t.Errorf("thesaurus directory %q, want %q", c.ThesaurusDir, want)
			}
		}
	}
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // substring naming the bad setting; empty for success
		check   func(t *testing.T, c Config)
	}{
		{name: "no configuration is sandbox mode", env: nil, check: func(t *testing.T, c Config) {
			if !c.Sandbox() || c.Addr != ":8080" || c.DataDir != "./data" || c.APIVersion != "v23.0" || c.RatePerNumber != 80 {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{name: "credentials", env: creds, check: func(t *testing.T, c Config) {
			if c.Sandbox() || c.PhoneNumberIDs[0] != "106540352242922" {
				t.Errorf("got %+v", c)
			}
		}},
		{name: "a pool of numbers", env: with(map[string]string{"WA_PHONE_NUMBER_ID": "111, 222"}), check: func(t *testing.T, c Config) {
			if len(c.PhoneNumberIDs) != 2 || c.PhoneNumberIDs[1] != "222" {
				t.Errorf("numbers %v", c.PhoneNumberIDs)
			}
		}},
		{name: "flags override the environment", env: map[string]string{"LIFELINE_ADDR": ":9000"}, args: []string{"--addr", "127.0.0.1:9100"}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9100" {
				t.Errorf("addr %s", c.Addr)
			}
		}},
		{name: "credentials without app secret refuse to start", env: with(map[string]string{"WA_APP_SECRET": ""}), wantErr: "WA_APP_SECRET"},
		{name: "token without number", env: map[string]string{"WA_ACCESS_TOKEN": "tok"}, wantErr: "WA_PHONE_NUMBER_ID"},
		{name: "number without token", env: map[string]string{"WA_PHONE_NUMBER_ID": "1"}, wantErr: "WA_ACCESS_TOKEN"},
		{name: "no verify token", env: with(map[string]string{"WA_VERIFY_TOKEN": ""}), wantErr: "WA_VERIFY_TOKEN"},
		{name: "phone number id not digits", env: with(map[string]string{"WA_PHONE_NUMBER_ID": "abc"}), wantErr: "WA_PHONE_NUMBER_ID"},
		{name: "bad address", env: map[string]string{"LIFELINE_ADDR": "8080"}, wantErr: "LIFELINE_ADDR"},
		{name: "one alert topic", env: map[string]string{"LIFELINE_ALERT_TOPIC": "floods, landslides"}, check: func(t *testing.T, c Config) {
			if c.AlertTopic.For("ar") != "floods, landslides" {
				t.Errorf("topic %+v", c.AlertTopic)
			}
		}},
		{name: "alert topics by language", env: map[string]string{"LIFELINE_ALERT_TOPIC": "floods in the east,ar=الفيضانات في الشرق"}, check: func(t *testing.T, c Config) {
			if c.AlertTopic.For("ar") != "الفيضانات في الشرق" || c.AlertTopic.For("en") != "floods in the east" {
				t.Errorf("topics %+v", c.AlertTopic)
			}
		}},
		{name: "alert topic in an unknown language", env: map[string]string{"LIFELINE_ALERT_TOPIC": "en=floods,xx=storms"}, wantErr: "LIFELINE_ALERT_TOPIC"},
		{name: "empty alert topic of a language", env: map[string]string{"LIFELINE_ALERT_TOPIC": "en=floods,ar="}, wantErr: "LIFELINE_ALERT_TOPIC"},
		{name: "bad api url", env: map[string]string{"WA_API_URL": "graph.facebook.com"}, wantErr: "WA_API_URL"},
		{name: "bad api version", env: map[string]string{"WA_API_VERSION": "23"}, wantErr: "WA_API_VERSION"},
		{name: "rate not a number", env: map[string]string{"WA_RATE_PER_NUMBER": "fast"}, wantErr: "WA_RATE_PER_NUMBER"},
		{name: "rate above the platform maximum", env: map[string]string{"WA_RATE_PER_NUMBER": "5000"}, wantErr: "WA_RATE_PER_NUMBER"},
		{name: "sends in flight per number", env: map[string]string{"LIFELINE_MAX_IN_FLIGHT": "300"}, check: func(t *testing.T, c Config) {
			if c.MaxInFlight != 300 {
				t.Errorf("max in flight %d, want 300", c.MaxInFlight)
			}
		}},
		{name: "sends in flight default to the pacer's ceiling", env: nil, check: func(t *testing.T, c Config) {
			if c.MaxInFlight != 1024 {
				t.Errorf("max in flight %d, want 1024", c.MaxInFlight)
			}
		}},
		{name: "no sends in flight", env: map[string]string{"LIFELINE_MAX_IN_FLIGHT": "0"}, wantErr: "LIFELINE_MAX_IN_FLIGHT"},
		{name: "sends in flight not a number", env: map[string]string{"LIFELINE_MAX_IN_FLIGHT": "many"}, wantErr: "LIFELINE_MAX_IN_FLIGHT"},
		{name: "short admin token", env: map[string]string{"LIFELINE_ADMIN_TOKEN": "abc"}, wantErr: "LIFELINE_ADMIN_TOKEN"},
		{name: "bad expiry", env: map[string]string{"LIFELINE_CONVERSATION_EXPIRY": "soon"}, wantErr: "LIFELINE_CONVERSATION_EXPIRY"},
		{name: "bad template", env: map[string]string{"WA_REENGAGE_TEMPLATE": "Crisis Update"}, wantErr: "WA_REENGAGE_TEMPLATE"},
		{name: "template wait not a duration", env: map[string]string{"LIFELINE_TEMPLATE_WAIT": "a day"}, wantErr: "LIFELINE_TEMPLATE_WAIT"},
		{name: "template wait beyond a week", env: map[string]string{"LIFELINE_TEMPLATE_WAIT": "200h"}, wantErr: "LIFELINE_TEMPLATE_WAIT"},
		{name: "unknown-outcome grace of zero", env: map[string]string{"LIFELINE_UNKNOWN_GRACE": "0s"}, wantErr: "LIFELINE_UNKNOWN_GRACE"},
		{name: "send waits", env: map[string]string{"LIFELINE_TEMPLATE_WAIT": "6h", "LIFELINE_UNKNOWN_GRACE": "30s"}, check: func(t *testing.T, c Config) {
			if c.TemplateWait != 6*time.Hour || c.UnknownGrace != 30*time.Second {
				t.Errorf("template wait %v, grace %v", c.TemplateWait, c.UnknownGrace)
			}
		}},
		{name: "map tile URL", env: map[string]string{"LIFELINE_MAP_TILE_URL": "http://10.0.0.5:8081/{z}/{x}/{y}.png"}, check: func(t *testing.T, c Config) {
			if c.MapTileURL != "http://10.0.0.5:8081/{z}/{x}/{y}.png" {
				t.Errorf("MapTileURL = %q", c.MapTileURL)
			}
		}},
		{name: "coordination settings", env: map[string]string{"LIFELINE_INSTANCE_ID": "node-2.eu", "LIFELINE_LEASE_TTL": "5s", "LIFELINE_EVENT_BUFFER": "256"}, check: func(t *testing.T, c Config) {
			if c.InstanceID != "node-2.eu" || c.LeaseTTL != 5*time.Second || c.EventBuffer != 256 {
				t.Errorf("instance %q, lease ttl %v, event buffer %d", c.InstanceID, c.LeaseTTL, c.EventBuffer)
			}
		}},
		{name: "coordination defaults", check: func(t *testing.T, c Config) {
			if c.InstanceID == "" || instanceRe.MatchString(c.InstanceID) || c.LeaseTTL != 15*time.Second || c.EventBuffer != 64 {
				t.Errorf("instance %q, lease ttl %v, event buffer %d; want a valid id, 15s and 64", c.InstanceID, c.LeaseTTL, c.EventBuffer)
			}
		}},
		{name: "instance id with a space", env: map[string]string{"LIFELINE_INSTANCE_ID": "node 2"}, wantErr: "LIFELINE_INSTANCE_ID"},
		{name: "instance id too long", env: map[string]string{"LIFELINE_INSTANCE_ID": strings.Repeat("n", 65)}, wantErr: "LIFELINE_INSTANCE_ID"},
		{name: "lease ttl not a duration", env: map[string]string{"LIFELINE_LEASE_TTL": "short"}, wantErr: "LIFELINE_LEASE_TTL"},
		{name: "sms settings", env: map[string]string{"LIFELINE_SMS_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "LIFELINE_SMS_AUTH_TOKEN": "secret-token",
			"LIFELINE_SMS_FROM": "+15005550006, +15005550007", "LIFELINE_SMS_CALLBACK_URL": "https://lifeline.example.org", "LIFELINE_SMS_RATE": "2"}, check: func(t *testing.T, c Config) {
			if !c.SMS.Enabled() || len(c.SMS.From) != 2 || c.SMS.Rate != 2 || c.SMS.AuthToken != "secret-token" {
				t.Errorf("sms = %+v", c.SMS.From)
			}
		}},
		{name: "sms without a token", env: map[string]string{"LIFELINE_SMS_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "LIFELINE_SMS_FROM": "+15005550006",
			"LIFELINE_SMS_CALLBACK_URL": "https://lifeline.example.org"}, wantErr: "LIFELINE_SMS_AUTH_TOKEN"},
		{name: "sms sender not E.164", env: map[string]string{"LIFELINE_SMS_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "LIFELINE_SMS_AUTH_TOKEN": "t",
			"LIFELINE_SMS_FROM": "5550006", "LIFELINE_SMS_CALLBACK_URL": "https://lifeline.example.org"}, wantErr: "LIFELINE_SMS_FROM"},
		{name: "sms rate not a number", env: map[string]string{"LIFELINE_SMS_RATE": "fast"}, wantErr: "LIFELINE_SMS_RATE"},
		{name: "lease ttl below a second", env: map[string]string{"LIFELINE_LEASE_TTL": "500ms"}, wantErr: "LIFELINE_LEASE_TTL"},
		{name: "lease ttl above five minutes", env: map[string]string{"LIFELINE_LEASE_TTL": "10m"}, wantErr: "LIFELINE_LEASE_TTL"},
		{name: "event buffer of zero", env: map[string]string{"LIFELINE_EVENT_BUFFER": "0"}, wantErr: "LIFELINE_EVENT_BUFFER"},
		{name: "event buffer not a number", env: map[string]string{"LIFELINE_EVENT_BUFFER": "many"}, wantErr: "LIFELINE_EVENT_BUFFER"},
		{name: "map tile URL without {y}", env: map[string]string{"LIFELINE_MAP_TILE_URL": "https://tiles.example/{z}/{x}.png"}, wantErr: "LIFELINE_MAP_TILE_URL"},
		{name: "map tile URL not http", env: map[string]string{"LIFELINE_MAP_TILE_URL": "file:///tiles/{z}/{x}/{y}.png"}, wantErr: "LIFELINE_MAP_TILE_URL"},
		{name: "send waits default", check: func(t *testing.T, c Config) {
			if c.TemplateWait != 24*time.Hour || c.UnknownGrace != time.Minute {
				t.Errorf("template wait %v, grace %v; want 24h and 1m", c.TemplateWait, c.UnknownGrace)
			}
		}},
		{name: "bad log level", env: map[string]string{"LIFELINE_LOG_LEVEL": "loud"}, wantErr: "LIFELINE_LOG_LEVEL"},
		{name: "in-flight grace", env: map[string]string{"LIFELINE_BROADCAST_INFLIGHT_GRACE": "90s"}, check: func(t *testing.T, c Config) {
			if g := broadcastConfig(c).InFlightGrace; g != 90*time.Second {
				t.Errorf("grace %v", g)
			}
		}},
		{name: "no in-flight grace", env: map[string]string{"LIFELINE_BROADCAST_INFLIGHT_GRACE": "0s"}, check: func(t *testing.T, c Config) {
			if g := broadcastConfig(c).InFlightGrace; g >= 0 {
				t.Errorf("grace %v, want negative: send again at once", g)
			}
		}},
		{name: "trusted proxies", env: map[string]string{"LIFELINE_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8", "LIFELINE_PROXY_HEADER": "X-Real-IP"}, check: func(t *testing.T, c Config) {
			if len(c.TrustedProxies) != 2 || c.TrustedProxies[1] != "10.0.0.0/8" || c.ProxyHeader != "X-Real-IP" {
				t.Errorf("proxies %v header %q", c.TrustedProxies, c.ProxyHeader)
			}
		}},
		{name: "bad trusted proxy", env: map[string]string{"LIFELINE_TRUSTED_PROXIES": "proxy.local"}, wantErr: "LIFELINE_TRUSTED_PROXIES"},
		{name: "approval defaults", check: func(t *testing.T, c Config) {
			if bc := broadcastConfig(c); bc.Approval || bc.ApprovalAbove != 10000 || bc.ApprovalExpires != 24*time.Hour {
				t.Errorf("approval %v above %d expires %v; want off, 10000, 24h", bc.Approval, bc.ApprovalAbove, bc.ApprovalExpires)
			}
		}},
		{name: "approval on", env: map[string]string{"LIFELINE_BROADCAST_APPROVAL": "on", "LIFELINE_APPROVAL_ABOVE": "0", "LIFELINE_APPROVAL_EXPIRES": "2h"}, check: func(t *testing.T, c Config) {
			if bc := broadcastConfig(c); !bc.Approval || bc.ApprovalAbove != 0 || bc.ApprovalExpires != 2*time.Hour {
				t.Errorf("approval %v above %d expires %v; want on, 0, 2h", bc.Approval, bc.ApprovalAbove, bc.ApprovalExpires)
			}
		}},
		{name: "approval neither on nor off", env: map[string]string{"LIFELINE_BROADCAST_APPROVAL": "yes"}, wantErr: "LIFELINE_BROADCAST_APPROVAL"},
		{name: "approval above negative", env: map[string]string{"LIFELINE_APPROVAL_ABOVE": "-1"}, wantErr: "LIFELINE_APPROVAL_ABOVE"},
		{name: "approval above not a number", env: map[string]string{"LIFELINE_APPROVAL_ABOVE": "lots"}, wantErr: "LIFELINE_APPROVAL_ABOVE"},
		{name: "approval expires too soon", env: map[string]string{"LIFELINE_APPROVAL_EXPIRES": "10s"}, wantErr: "LIFELINE_APPROVAL_EXPIRES"},
		{name: "approval expires not a duration", env: map[string]string{"LIFELINE_APPROVAL_EXPIRES": "a day"}, wantErr: "LIFELINE_APPROVAL_EXPIRES"},
		{name: "bad in-flight grace", env: map[string]string{"LIFELINE_BROADCAST_INFLIGHT_GRACE": "-5s"}, wantErr: "LIFELINE_BROADCAST_INFLIGHT_GRACE"},
		{name: "emergency numbers", env: map[string]string{"LIFELINE_EMERGENCY_NUMBERS": "SA=911, AE=998, default=999"}, check: func(t *testing.T, c Config) {
			if got := c.Emergency.For("", "971501234567"); got != "998" {
				t.Errorf("UAE number %q, want the setting's 998", got)
			}
			if got := c.Emergency.For("", "99912345"); got != "999" {
				t.Errorf("unknown country %q, want the setting's default 999", got)
			}
		}},
		{name: "bad emergency number", env: map[string]string{"LIFELINE_EMERGENCY_NUMBERS": "SA=nine-one-one"}, wantErr: "LIFELINE_EMERGENCY_NUMBERS"},
		{name: "stray argument", args: []string{"extra"}, wantErr: "extra"},
		{name: "thesauri where Linux installs them", env: nil, check: thesaurus(kb.DefaultThesaurusDir)},
		{name: "thesauri in a directory of one's own", env: map[string]string{"LIFELINE_THESAURUS_DIR": thesDir}, check: thesaurus(thesDir)},
		{name: "thesauri turned off", env: map[string]string{"LIFELINE_THESAURUS_DIR": ""}, check: thesaurus("")},
		{name: "thesaurus directory missing", env: map[string]string{"LIFELINE_THESAURUS_DIR": filepath.Join(thesDir, "absent")}, wantErr: "LIFELINE_THESAURUS_DIR"},
		{name: "thesaurus directory is a file", env: map[string]string{"LIFELINE_THESAURUS_DIR": notADir}, wantErr: "LIFELINE_THESAURUS_DIR"},
		{name: "template list missing", env: map[string]string{"LIFELINE_TEMPLATES_FILE": filepath.Join(thesDir, "absent.json")}, wantErr: "LIFELINE_TEMPLATES_FILE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(tc.args, envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// The default thesaurus directory may be missing when nobody asked for
// it, but not when LIFELINE_THESAURUS_DIR names it.
func TestNamedDefaultThesaurusDirMustExist(t *testing.T) {
	if _, err := os.Stat(kb.DefaultThesaurusDir); err == nil {
		t.Skipf("%s exists on this machine", kb.DefaultThesaurusDir)
	}
	if _, err := loadConfig(nil, envOf(nil)); err != nil {
		t.Fatalf("default, unnamed and missing: %v", err)
	}
	_, err := loadConfig(nil, envOf(map[string]string{"LIFELINE_THESAURUS_DIR": kb.DefaultThesaurusDir}))
	if err == nil || !strings.Contains(err.Error(), "LIFELINE_THESAURUS_DIR") {
		t.Fatalf("named and missing: err = %v, want one naming LIFELINE_THESAURUS_DIR", err)
	}
}
