package understand

import "testing"

// TestRollCall checks that a roll call ticked through is safe and that one
// not ticked, a contrast or a question keeps the danger it names.
func TestRollCall(t *testing.T) {
	m := Default()
	for _, c := range []struct {
		label, text string
		want        Class
	}{
		{"en all ticked", "mum ✅ dad ✅ nan ✅ dog ✅ all upstairs before the water came, it's going down now", Safe},
		{"fr all ticked", "maman ✅ papa ✅ mamie ✅ Léo ✅ tout le monde est monté au grenier avant l'eau", Safe},
		{"hi all ticked", "दादी ✅ चाचा ✅ भाभी ✅ मुन्ना ✅ बाढ़ से पहले सब छत पर पहुँच गए", Safe},
		{"en one crossed", "mum ✅ dad ✅ nan ❌ she is still in the flooded kitchen and can't get up", Danger},
		{"en ticked but", "mum ✅ dad ✅ kids ✅ but grandad is trapped in the car in the water", Danger},
	} {
		if got := m.Understand(c.text); got.Class != c.want {
			t.Errorf("%s: %q = %s (rule %q), want %s", c.label, c.text, got.Class, got.Rule, c.want)
		}
	}
}
