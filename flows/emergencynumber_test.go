package flows

import "testing"

// TestAsksEmergencyNumber: which messages ask for the emergency number,
// in the bot's languages; the message that tells of calling it, or asks
// for another number, does not.
func TestAsksEmergencyNumber(t *testing.T) {
	cases := []struct {
		text string
		asks bool
	}{
		{"What is the number for emergency services", true},
		{"what number do I call in an emergency", true},
		{"emergency number?", true},
		{"I need the emergency number", true},
		{"who do I call for an ambulance", true},
		{"رقم الطوارئ كم", true},
		{"ما هو رقم الإسعاف", true},
		{"شو رقم الطوارئ؟", true},
		{"numéro des urgences ?", true},
		{"numero de urgence svp", true},
		{"¿cuál es el número de emergencias?", true},
		{"Wie ist die Notrufnummer?", true},
		{"Notruf?", true},
		{"qual é o número de emergência?", true},
		{"इमरजेंसी नंबर क्या है", true},
		{"आपातकालीन नंबर क्या है?", true},
		{"ایمرجنسی نمبر کیا ہے", true},
		{"emergency ka number kya hai", true},

		{"I called the emergency number but nobody answers", false},
		{"what is your phone number", false},
		{"hotline number?", false},
		{"what is the number for the shelter", false},
		{"is there an emergency shelter open", false},
		{"", false},
		{"we have been trying to reach someone for hours, the water is rising in the street and my neighbours say the emergency number is busy, what do we do now", false},
	}
	for _, c := range cases {
		if got := asksEmergencyNumber(c.text); got != c.asks {
			t.Errorf("asksEmergencyNumber(%q) = %v, want %v", c.text, got, c.asks)
		}
	}
}

// Normalize keeps a word whole in every script: a Devanagari vowel sign
// or virama is part of its word, Arabic harakat and tatweel are dropped.
func TestNormalizeKeepsWordsWhole(t *testing.T) {
	cases := []struct{ in, want string }{
		{"इमरजेंसी नंबर क्या है?", "इमरजेंसी नंबर क्या है"},
		{"Reschedule!", "reschedule"},
		{"إعادة الجدولة", "اعاده الجدوله"},
		{"مَـرْحَبًا", "مرحبا"},
		{"numéro des urgences ?", "numéro des urgences"},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
