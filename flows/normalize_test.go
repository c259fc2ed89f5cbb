package flows

import "testing"

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
