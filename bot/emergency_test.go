package bot

import (
	"strings"
	"testing"

	"lifeline/store"
)

func TestEmergencyNumberForAPerson(t *testing.T) {
	set, err := ParseEmergencyNumbers("AE=998, lb=112/140 ,default=911")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		label       string
		numbers     EmergencyNumbers
		country, id string
		want        string
	}{
		{"saudi phone, table", EmergencyNumbers{}, "", "966501234567", "911"},
		{"emirates phone, table", EmergencyNumbers{}, "", "971501234567", "999"},
		{"egypt phone (two-digit code)", EmergencyNumbers{}, "", "201001234567", "123"},
		{"pakistan: rescue and police", EmergencyNumbers{}, "", "923001234567", "1122 / 15"},
		{"uk phone", EmergencyNumbers{}, "", "447700900123", "999"},
		{"us phone (one-digit code)", EmergencyNumbers{}, "", "15551234567", "911"},
		{"german phone, EU 112", EmergencyNumbers{}, "", "4915112345678", "112"},
		{"brazilian phone: ambulance and police", EmergencyNumbers{}, "", "5511912345678", "192 / 190"},
		{"mexican phone", EmergencyNumbers{}, "", "5215512345678", "911"},
		{"algerian phone (three-digit code)", EmergencyNumbers{}, "", "213551234567", "14 / 17"},
		{"bangladeshi phone", EmergencyNumbers{}, "", "8801712345678", "999"},
		{"unknown prefix falls back to 112", EmergencyNumbers{}, "", "99912345", "112"},
		{"business-scoped id without a phone", EmergencyNumbers{}, "", "bsuid:abc", "112"},
		{"contact's country wins over the phone", EmergencyNumbers{}, "jo", "447700900123", "911"},
		{"setting overrides the table", set, "", "971501234567", "998"},
		{"setting adds numbers", set, "LB", "", "112 / 140"},
		{"setting's default for unknown places", set, "", "99912345", "911"},
		{"table still applies beside the setting", set, "", "966501234567", "911"},
	}
	for _, c := range cases {
		if got := c.numbers.For(c.country, c.id); got != c.want {
			t.Errorf("%s: For(%q, %q) = %q, want %q", c.label, c.country, c.id, got, c.want)
		}
	}
}

func TestEmergencyNumbersSettingIsValidated(t *testing.T) {
	for _, bad := range []string{"SA", "SA=", "SA=abc", "SAU=911", "1=911", "SA=911/", "SA=123456789"} {
		_, err := ParseEmergencyNumbers(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "\"") {
			t.Errorf("%q: error %q does not quote the bad part", bad, err)
		}
	}
	if _, err := ParseEmergencyNumbers(""); err != nil {
		t.Errorf("empty setting: %v", err)
	}
}

func TestContactCountry(t *testing.T) {
	if got := contactCountry(store.Contact{Fields: map[string]string{"country": "EG"}, Region: "Riyadh"}); got != "EG" {
		t.Errorf("country field: %q", got)
	}
	if got := contactCountry(store.Contact{Region: "Riyadh"}); got != "" {
		t.Errorf("a city is not a country: %q", got)
	}
}
