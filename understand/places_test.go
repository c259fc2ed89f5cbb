package understand

import "testing"

func TestAskPlace(t *testing.T) {
	cases := []struct {
		lang, text string
		want       PlaceKind // empty: not a request for a place
	}{
		{"en", "nearest shelter", PlaceShelter},
		{"en", "Where is the nearest shelter?", PlaceShelter},
		{"en", "where can I get water", PlaceWater},
		{"en", "where's the closest hospital", PlaceClinic},
		{"en", "where can i charge my phone", PlaceCharging},
		{"en", "is there food near me", PlaceFood},
		{"ar", "أقرب ملجأ", PlaceShelter},
		{"ar", "وين أقرب مستشفى", PlaceClinic},
		{"ar", "أين أجد مياه للشرب", PlaceWater},
		{"ar", "وين مكتب المساعدة", PlaceOffice},
		{"ar-latn", "wein a2rab malja2", PlaceShelter},
		{"ar-latn", "fen el mostashfa", PlaceClinic},
		{"fr", "où est le refuge le plus proche", PlaceShelter},
		{"fr", "Où trouver de l'eau ?", PlaceWater},
		{"es", "dónde hay un albergue", PlaceShelter},
		{"es", "donde puedo cargar el celular", PlaceCharging},
		{"de", "wo ist die nächste Notunterkunft", PlaceShelter},
		{"de", "Wo gibt es Essen?", PlaceFood},
		{"pt", "onde fica o abrigo mais próximo", PlaceShelter},
		{"pt", "onde tem comida", PlaceFood},
		{"hi", "सबसे नज़दीकी आश्रय कहाँ है", PlaceShelter},
		{"hi", "पानी कहाँ मिलेगा", PlaceWater},
		{"ur", "قریب ترین پناہ گاہ کہاں ہے", PlaceShelter},
		{"ur", "ہسپتال کہاں ہے", PlaceClinic},

		// A place named without asking the way: a question or news about it.
		{"en", "is the shelter open tomorrow?", ""},
		{"en", "I'm at the shelter, we're fine", ""},
		{"en", "where is my son? he went to the shelter", ""},
		{"en", "where do I send my documents for the insurance claim", ""},
		{"en", "we have no water", ""},
		{"ar", "هل الملجأ مفتوح غدا؟", ""},
		{"ar", "نحن في الملجأ وبخير", ""},
		{"fr", "le refuge est-il ouvert demain ?", ""},
		{"es", "estamos en el albergue, todo bien", ""},
		{"de", "wir sind in der Notunterkunft, alles gut", ""},
		{"pt", "o abrigo abre amanhã?", ""},
		{"hi", "हम आश्रय में हैं, ठीक हैं", ""},
		{"ur", "ہم پناہ گاہ میں ہیں، خیریت سے ہیں", ""},
		{"en", "hello", ""},
	}
	for _, c := range cases {
		want := c.want
		got, ok := AskPlace(c.text)
		if ok != (want != "") || got != want {
			t.Errorf("%s %q: AskPlace = %q, %v; want %q", c.lang, c.text, got, ok, want)
		}
	}
}
