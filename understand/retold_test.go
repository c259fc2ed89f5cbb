package understand

import "testing"

// TestHyperboleKinds checks the idioms of hyperbole added for a phone's
// battery, tiredness and hunger, and their near misses: the same idiom
// beside a person at risk, or a pain that is a sign.
func TestHyperboleKinds(t *testing.T) {
	for _, c := range []struct {
		label, text string
		want        bool
	}{
		{"en battery", "my phone is dying so i'll text you from work later", true},
		{"fr battery", "mon tel va mourir, je te rappelle ce soir", true},
		{"es pies", "me duelen los pies a morir después de la boda", true},
		{"pt cansaço", "estou morta de cansaço depois do plantão", true},
		{"ar tired", "انا ميت من التعب بعد الدوام", true},
		{"hi hunger", "रोज़े में भूख से जान निकल रही है, इफ्तार कब है", true},
		{"ur tired", "ڈیوٹی کے بعد تھکن سے مر رہا ہوں", true},

		{"en battery, trapped", "my phone is dying and grandma is trapped under the shelf", false},
		{"ar tired, unconscious", "ميت من التعب وابوي فاقد الوعي", false},
		{"en chest", "my chest is killing me and my left arm is numb", false},
	} {
		t.Run(c.label, func(t *testing.T) {
			rd := newReading(" " + Normalize(c.text) + " ")
			if got := hyperboleOnly(&rd); got != c.want {
				t.Errorf("hyperboleOnly(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

// TestRetoldDisaster checks that an old disaster retold or watched as a
// documentary is history, and that an urgent word keeps it live.
func TestRetoldDisaster(t *testing.T) {
	for _, c := range []struct {
		label, text string
		want        bool
	}{
		{"en still talks", "my grandad still talks about the mine collapse when he was a miner", true},
		{"fr raconte", "mon oncle raconte toujours l'incendie de l'usine", true},
		{"es cuenta", "mi abuelo todavía cuenta el terremoto del pueblo", true},
		{"de erzählt", "Oma erzählt immer vom großen Sturm", true},
		{"pt documentário", "assisti um documentário sobre o naufrágio do barco", true},
		{"ar بتحكي", "ستي بتحكي عن الفيضان كل ما تشتي", true},
		{"hi साल", "आज बीस साल हो गए जब भूकंप आया था", true},
		{"ur یاد", "ہر سال زلزلے والوں کو یاد کرتے ہیں", true},

		{"en urgent", "grandad still talks about the flood and now he is not breathing", false},
		{"en threat", "he keeps telling me he will burn the house with us inside", false},
		{"fr smoke", "il y a toujours de la fumée et mamie est dedans", false},
	} {
		t.Run(c.label, func(t *testing.T) {
			if got := historyCues(cueSets.scan(" " + Normalize(c.text) + " ")); got != c.want {
				t.Errorf("historyCues(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

// TestNewsFigure checks that a disaster seen on the news, in a message
// read as chatter, is a figure's subject, and that an urgent word or a
// message read as a need keeps the danger words' voice.
func TestNewsFigure(t *testing.T) {
	for _, c := range []struct {
		label, text string
		top         Class
		want        bool
	}{
		{"en news", "saw the floods in Brazil on the news last night, awful", Other, true},
		{"fr télé", "j'ai vu l'incendie de la raffinerie à la télé, impressionnant", Other, true},
		{"es noticias", "vi el terremoto de Turquía en las noticias, qué tristeza", Other, true},
		{"ar تلفزيون", "شفت الحريق بالتلفزيون، الله يكون بعونهم", Other, true},
		{"hi टीवी", "टीवी पर पहाड़ों में बादल फटने की खबर देखी, बहुत बुरा हुआ", Other, true},
		{"ur خبروں", "خبروں میں کراچی کی آگ دیکھی، اللہ رحم کرے", Other, true},

		{"en news, help now", "saw on the news the fire is at our street, help now", Other, false},
		{"en news, need", "saw on the news the fire is coming, we need a ride out", NeedHelp, false},
	} {
		t.Run(c.label, func(t *testing.T) {
			padded := " " + Normalize(c.text) + " "
			if got := figure(c.text, padded, maskNotHazard(padded), c.top); got != c.want {
				t.Errorf("figure(%q, %s) = %v, want %v", c.text, c.top, got, c.want)
			}
		})
	}
}
