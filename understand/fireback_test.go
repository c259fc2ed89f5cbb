package understand

import "testing"

// A fire or its smoke back again is a danger in every language; the
// power, a person or the fire brigade back, or a fire told as out, are
// not raised by it.
func TestFireBackIsDanger(t *testing.T) {
	m := Default()
	for _, tc := range []struct {
		lang, text string
		danger     bool
	}{
		{"en", "the smoke is back", true},
		{"en", "smoke came back again", true},
		{"en", "the fire started again in the kitchen", true},
		{"fr", "la fumée est revenue", true},
		{"es", "volvió el humo", true},
		{"de", "der Rauch ist wieder da", true},
		{"pt", "a fumaça voltou", true},
		{"ar", "رجع الدخان", true},
		{"ar", "الدخان رجع مرة ثانية", true},
		{"ar-latn", "el dokhan rje3", true},
		{"hi", "धुआं फिर से आ गया", true},
		{"ur", "دھواں پھر سے آ گیا", true},

		{"en", "the power is back", false},
		{"ar", "الكهربا رجعت", false},
		{"en", "the fire brigade came back to check, all fine", false},
		{"en", "fire is out and the power is back, we are ok", false},
		{"en", "Marcus found, he came out the back gate with the fire crew, walking and talking", false},
		{"de", "Feuer ist gelöscht, Strom ist wieder da", false},
	} {
		r := m.Understand(tc.text)
		if got := r.Class == Danger; got != tc.danger {
			t.Errorf("%s %q: %s (rule %q), want danger %v", tc.lang, tc.text, r.Class, r.Rule, tc.danger)
		}
	}
}
