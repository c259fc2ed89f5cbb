package understand

import "testing"

// TestBelongingsLost checks, end to end, that a household's belongings
// named as what a hazard took do not raise a need to danger by the hazard
// word alone, and that the same belongings beside a person at risk stay
// danger.
func TestBelongingsLost(t *testing.T) {
	m := Default()
	for _, tc := range []struct {
		label, text string
		danger      bool
	}{
		{"pt carroça", "a enchente levou a carroça e agora não tenho como vender verdura na feira, alguém ajuda", false},
		{"fr chèvres", "la tempête a tué nos chèvres, on n'a plus de lait à vendre, qui peut nous aider", false},
		{"es papeles", "el incendio del galpón quemó mis papeles y ahora no puedo cobrar la pensión, qué hago", false},
		{"de Fahrrad", "beim Brand im Keller ist mein Fahrrad verbrannt und ich komme nicht mehr zur Arbeit, gibt es Hilfe", false},
		{"ar car", "الحريق اللي صار بالحارة حرق سيارتي وما بقدر اوصل عالشغل، في مساعدة؟", false},
		{"ur cart", "آگ میں ریڑھی جل گئی، اب روزی کا کوئی ذریعہ نہیں، کوئی مدد ہے؟", false},

		{"en car, son inside", "our car is on fire and my son is trapped inside", true},
		{"fr voiture, papa", "notre voiture brûle et papa est coincé dedans", true},
		{"ar car, child", "سيارتي عم تحترق وابني محبوس جواتها، الحقونا", true},
		{"hi gaadi, bachcha", "हमारी गाड़ी में आग लगी है और बच्चा अंदर फंसा है, जल्दी आओ", true},
	} {
		t.Run(tc.label, func(t *testing.T) {
			r := m.Understand(tc.text)
			if got := r.Class == Danger; got != tc.danger {
				t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", tc.text, r.Class, r.Rule, r.Confidence, tc.danger)
			}
		})
	}
}

// TestBelongingsHazardRule checks the hazard rule itself on messages the
// classifier reads as a need: a hazard that took a household's belongings
// raises nothing, the same hazard told without them does.
func TestBelongingsHazardRule(t *testing.T) {
	for _, tc := range []struct {
		label, text, want string
	}{
		{"en van", "the fire at the depot burnt our van, how do i get to the market now", ""},
		{"en no belonging", "the fire at the depot, how do i get to the market now", RuleDangerHazard},
		{"pt documentos", "o incêndio no galpão queimou meus documentos, como tiro outros", ""},
		{"pt no belonging", "o incêndio no galpão, como tiro outros", RuleDangerHazard},
		{"ar car", "الحريق حرق سيارتي، كيف اروح عالشغل", ""},
		{"ar no belonging", "الحريق، كيف اروح عالشغل", RuleDangerHazard},
		{"hi gaadi", "आग में मेरी गाड़ी जल गई, काम पर कैसे जाऊं", ""},
		{"hi no belonging", "आग लगी, काम पर कैसे जाऊं", RuleDangerHazard},
	} {
		t.Run(tc.label, func(t *testing.T) {
			rd := newReading(" " + Normalize(tc.text) + " ")
			if got := dangerRule(tc.text, &rd, NeedHelp); got != tc.want {
				t.Errorf("dangerRule(%q, need_help) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}
