package understand

import "testing"

// TestChoiceAsk checks the what-if reading of a choice asked about a
// hazard, in the nine varieties where they differ, and its near misses: no
// alternative, a person at risk, a plain report.
func TestChoiceAsk(t *testing.T) {
	cases := []struct {
		label, text string
		want        bool
	}{
		{"en better", "in a thunderstorm is it safer to stay in the tent or sit in the car", true},
		{"en if", "if the smoke alarm goes off at night do we open the windows or just leave", true},
		{"fr mieux", "pendant une tempête il vaut mieux rester dans la voiture ou sortir", true},
		{"es mejor", "con un tornado cerca es mejor el sótano o el baño", true},
		{"de besser", "bei hochwasser ist es besser im obergeschoss zu bleiben oder zu fahren", true},
		{"pt melhor", "num terremoto é melhor ficar na porta ou debaixo da cama", true},
		{"ar احسن", "وقت العاصفة احسن نبقى بالبيت ولا نروح عند جدي", true},
		{"ar-latn a7san", "fel 3asifa a7san nob2a fel beit walla nrou7 3and teta", true},
		{"hi जाए तो", "रात में बाढ़ आ जाए तो ऊपर वाले कमरे में जाएं या गाड़ी से निकलें", true},
		{"ur بہتر", "زلزلے میں بہتر ہے باہر بھاگیں یا میز کے نیچے رہیں", true},

		{"en no alternative", "is it safer to stay in the tent", false},
		{"en person at risk", "is it better to drive him to hospital or wait, he is not breathing", false},
		{"fr report", "la rivière monte, on est au premier étage", false},
		{"ar person trapped", "احسن نكسر الباب ولا نستنى، ابوي محبوس جوا والدخان كثير", false},
		{"es where", "si hay incendio dónde está la salida", false},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			if got := choiceAsk(" " + Normalize(c.text) + " "); got != c.want {
				t.Errorf("choiceAsk(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

// TestAskedAhead checks that a what-if question followed by a sentence
// saying it is asked only to know stays a what-if, and that a real event
// told in the second sentence does not.
func TestAskedAhead(t *testing.T) {
	for _, c := range []struct {
		label, text string
		want        bool
	}{
		{"en future", "what do you do if a child swallows a battery? just want to know for the future", true},
		{"fr savoir", "que faire si quelqu'un se fait piquer par un scorpion ? juste pour savoir", true},
		{"ar بس اسأل", "شو نعمل اذا حدا انلدغ من افعى؟ بس اسال", true},
		{"hi बस पूछ", "अगर किसी को सांप काट ले तो क्या करें? बस पूछ रहा हूं", true},
		{"en event", "what do you do if a child swallows a battery? my son just did", false},
		{"ar event", "شو نعمل اذا حدا انلدغ من افعى؟ ابني انلدغ هلق", false},
	} {
		t.Run(c.label, func(t *testing.T) {
			if got := hypothetical(c.text, " "+Normalize(c.text)+" "); got != c.want {
				t.Errorf("hypothetical(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}
