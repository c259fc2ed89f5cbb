package understand

import "testing"

// TestAskedNeed: a predicament of the sender's, told before a question, is
// a need; a question alone, or one about a situation that is nobody's
// predicament, stays a question.
func TestAskedNeed(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"I'm stuck on the far side since the bridge went, how do I get back to my kids?", true},
		{"lost our passports when the river came up, how can I get new ones?", true},
		{"perdí los papeles del coche en la inundación, ¿cómo los saco de nuevo?", true},
		{"on a perdu tous nos papiers, comment on fait pour les refaire?", true},
		{"pul toot gaya aur main us paar phans gaya hoon, ghar kaise jaun?", true},
		{"ضاع جوازي في السيل، كيف أطلع واحد جديد؟", true},
		{"how do I get a refund for a cancelled train ticket?", false},
		{"the bridge is closed, how do I get to the hospital?", false},
		{"I lost my passport", false},                             // told, not asked
		{"how do I get home, I'm stuck on the other side", false}, // asked first: the classifier's reading stands
	}
	for _, c := range cases {
		if got := askedNeed(c.text); got != c.want {
			t.Errorf("askedNeed(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestWellLast: a message that ends saying its people are well and asks
// for nothing is safe, whatever it told first; a need, a question, a
// negation or an ending that only says nobody was hurt keeps the need.
func TestWellLast(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"we weren't at the market when the roof fell, we were at my aunt's, all fine", true},
		{"on n'était pas au stade quand la tribune a cédé, tout le monde va bien", true},
		{"el doktor shaf el wlad w rajja3na 3al beit, kellna b5air", true},
		{"हम उस बस में नहीं थे, सब ठीक हैं 🙏", true},
		{"the tent burned, nobody hurt, where do we sleep tonight?", false},
		{"the bridge is down, we're fine but we need bottled water", false},
		{"la casa está bien pero se nos acaba la comida, nadie herido", false},
		{"we are not ok, the water is in the kitchen", false},
		{"all fine here but grandpa is still on the roof", false},
	}
	for _, c := range cases {
		padded := " " + Normalize(c.text) + " "
		rd := newReading(padded)
		if got := wellLast(c.text, padded, &rd); got != c.want {
			t.Errorf("wellLast(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
