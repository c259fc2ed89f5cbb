package broadcast

import (
	"maps"
	"strings"
	"testing"
	"time"
)

// TestIncidentSMSDefault is the rule by which a broadcast of an incident
// gets its SMS fallback: the incident's default when the broadcast says
// nothing of SMS; its own "sms" otherwise, "off" included. The default's
// after goes only to a critical broadcast.
func TestIncidentSMSDefault(t *testing.T) {
	def := &SMSSpec{Texts: map[string]string{"en": "Port closed.", "ar": "الميناء مغلق."}, FallbackLanguage: "en",
		After: Duration(10 * time.Minute), MaxSegments: 2}
	own := &SMSSpec{Texts: map[string]string{"en": "Own text."}}
	cases := []struct {
		label    string
		critical bool
		sms      *SMSSpec // the broadcast's own
		def      *SMSSpec // the incident's
		took     bool
		want     *SMSSpec // the broadcast's fallback after; nil for none
	}{
		{"no own sms, incident default: the default", false, nil, def, true,
			&SMSSpec{Texts: def.Texts, FallbackLanguage: "en", MaxSegments: 2}},
		{"critical, no own sms: the default with its after", true, nil, def, true, def},
		{"own sms off: off", true, &SMSSpec{Off: true}, def, false, nil},
		{"own spec: its own", true, own, def, false, own},
		{"no own sms, no default: none", true, nil, nil, false, nil},
		{"own spec, no default: its own", false, own, nil, false, own},
	}
	for _, c := range cases {
		sp := Spec{Critical: c.critical, SMS: c.sms}
		if took := sp.TakeSMSDefault(c.def); took != c.took {
			t.Errorf("%s: took %t, want %t", c.label, took, c.took)
		}
		got := sp.SMSFallback()
		switch {
		case c.want == nil && got != nil:
			t.Errorf("%s: fallback %+v, want none", c.label, got)
		case c.want != nil && (got == nil || !maps.Equal(got.Texts, c.want.Texts) || got.FallbackLanguage != c.want.FallbackLanguage ||
			got.After != c.want.After || got.MaxSegments != c.want.MaxSegments):
			t.Errorf("%s: fallback %+v, want %+v", c.label, got, c.want)
		}
	}

	// A copy: what the incident does later leaves the broadcast's record be.
	sp := Spec{}
	sp.TakeSMSDefault(def)
	sp.SMS.Texts["en"] = "changed"
	if def.Texts["en"] != "Port closed." {
		t.Errorf("the broadcast shares its texts with the incident's default")
	}
}

// TestSMSDefaultIsValidated names the field of each bad default, and of a
// bad "off" on a broadcast.
func TestSMSDefaultIsValidated(t *testing.T) {
	long := strings.Repeat("x", 161)
	cases := []struct {
		label string
		sp    SMSSpec
		want  string // part of the error; "" for valid
	}{
		{"one text", SMSSpec{Texts: map[string]string{"en": "Go north."}}, ""},
		{"two texts and their fallback", SMSSpec{Texts: map[string]string{"en": "Go north.", "ar": "اتجهوا شمالاً."}, FallbackLanguage: "ar"}, ""},
		{"after for critical broadcasts", SMSSpec{Texts: map[string]string{"en": "Go north."}, After: Duration(10 * time.Minute)}, ""},
		{"off alone", SMSSpec{Off: true}, ""},
		{"no texts", SMSSpec{}, "sms.texts: give"},
		{"two texts, no fallback", SMSSpec{Texts: map[string]string{"en": "a", "ar": "ب"}}, "sms.fallback_language: give"},
		{"fallback without a text", SMSSpec{Texts: map[string]string{"en": "a"}, FallbackLanguage: "fr"}, `sms.fallback_language "fr"`},
		{"not a language", SMSSpec{Texts: map[string]string{"English": "a"}}, `key "English"`},
		{"empty text", SMSSpec{Texts: map[string]string{"en": "  "}}, "sms.texts[en] is empty"},
		{"over the budget", SMSSpec{Texts: map[string]string{"en": long}, MaxSegments: 1}, "sms.texts[en]: 2 GSM-7 segments"},
		{"budget too large", SMSSpec{Texts: map[string]string{"en": "a"}, MaxSegments: 11}, "sms.max_segments 11"},
		{"after too short", SMSSpec{Texts: map[string]string{"en": "a"}, After: Duration(30 * time.Second)}, "sms.after 30s"},
		{"after too long", SMSSpec{Texts: map[string]string{"en": "a"}, After: Duration(25 * time.Hour)}, "sms.after 25h0m0s"},
		{"off with texts", SMSSpec{Off: true, Texts: map[string]string{"en": "a"}}, "sms.off"},
	}
	for _, c := range cases {
		err := c.sp.ValidateDefault()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.label, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.label, err, c.want)
		}
	}

	// On a broadcast, "off" stands alone too, and a check-in cannot send
	// its unaccounted an SMS it has turned off.
	bad := noticeSpec()
	bad.SMS = &SMSSpec{Off: true, After: Duration(time.Hour)}
	if err := bad.Validate(time.Now()); err == nil || !strings.Contains(err.Error(), "sms.off") {
		t.Errorf("off with after: %v", err)
	}
	off := noticeSpec()
	off.SMS = &SMSSpec{Off: true}
	if err := off.Validate(time.Now()); err != nil || off.SMSFallback() != nil {
		t.Errorf("off: %v, fallback %+v", err, off.SMSFallback())
	}
}
